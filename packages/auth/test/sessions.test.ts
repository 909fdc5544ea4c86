import { UnauthorizedError } from '@conman/core';
import { SessionsRepository, UsersRepository } from '@conman/db';
import { SessionService, hashPassword, signSessionToken } from '@conman/auth';
import { openTestDatabase, type TestDatabase } from '../../db/test/mongo';

const SECRET = 's'.repeat(40);
const PASSWORD = 'tangerine orbit lantern';

let database: TestDatabase;
let sessions: SessionsRepository;
let service: SessionService;
let userId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  const users = new UsersRepository(database.db);
  sessions = new SessionsRepository(database.db);
  service = new SessionService({ users, sessions, jwtSecret: SECRET });
  userId = (
    await users.create({ email: 'ann@example.com', name: 'Ann', passwordHash: await hashPassword(PASSWORD) })
  ).id;
});

afterAll(() => database.close());

describe('session service', () => {
  it('logs in with the right password (any email case) and authenticates the token', async () => {
    const { token, user, session } = await service.login('ANN@example.com', PASSWORD, {
      clientIp: '192.0.2.1',
    });
    expect(user.id).toBe(userId);
    expect(session.clientIp).toBe('192.0.2.1');
    const authenticated = await service.authenticate(token);
    expect(authenticated.user.id).toBe(userId);
    expect(authenticated.session.id).toBe(session.id);
  });

  it('refuses a wrong password and an unknown email with the same error', async () => {
    const wrong = service.login('ann@example.com', 'not the password at all');
    const unknown = service.login('nobody@example.com', PASSWORD);
    await expect(wrong).rejects.toThrow(new UnauthorizedError('Invalid email or password'));
    await expect(unknown).rejects.toThrow(new UnauthorizedError('Invalid email or password'));
  });

  it('rejects the token after logout', async () => {
    const { token } = await service.login('ann@example.com', PASSWORD);
    await service.logout(token);
    await expect(service.authenticate(token)).rejects.toThrow(UnauthorizedError);
    await expect(service.logout(token)).rejects.toThrow(UnauthorizedError);
  });

  it('rejects every token of a user whose sessions were revoked (password reset)', async () => {
    const first = await service.login('ann@example.com', PASSWORD);
    const second = await service.login('ann@example.com', PASSWORD);
    await sessions.revokeAllForUser(userId);
    await expect(service.authenticate(first.token)).rejects.toThrow(UnauthorizedError);
    await expect(service.authenticate(second.token)).rejects.toThrow(UnauthorizedError);
  });

  it('rejects a validly signed token whose session belongs to someone else or never existed', async () => {
    const { session } = await service.login('ann@example.com', PASSWORD);
    const forged = signSessionToken({
      userId: '0123456789abcdef01234567',
      sessionId: session.id,
      secret: SECRET,
    });
    await expect(service.authenticate(forged)).rejects.toThrow(UnauthorizedError);
    const orphan = signSessionToken({ userId, sessionId: '0123456789abcdef01234567', secret: SECRET });
    await expect(service.authenticate(orphan)).rejects.toThrow(UnauthorizedError);
  });
});
