import { UnauthorizedError } from '@conman/core';
import { SessionsRepository, UsersRepository } from '@conman/db';
import { SessionService, hashPassword, signSessionToken } from '@conman/auth';
import { openTestDatabase, waitFor, type TestDatabase } from '@conman/test-support';
import { invalidationBuses } from './support/invalidation-bus';

const SECRET = 's'.repeat(40);
const PASSWORD = 'tangerine orbit lantern';

let database: TestDatabase;
let sessions: SessionsRepository;
let users: UsersRepository;
let service: SessionService;
let userId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  users = new UsersRepository(database.db);
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
    await service.authenticate(first.token);
    await sessions.revokeAllForUser(userId);
    await service.forgetUserSessions(userId);
    await expect(service.authenticate(first.token)).rejects.toThrow(UnauthorizedError);
    await expect(service.authenticate(second.token)).rejects.toThrow(UnauthorizedError);
  });

  it('rejects a validly signed token whose session belongs to someone else or never existed', async () => {
    const { token, session } = await service.login('ann@example.com', PASSWORD);
    await service.authenticate(token); // cached under its session id
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

describe('session cache', () => {
  let clock = Date.now();
  const cached = () => new SessionService({ users, sessions, jwtSecret: SECRET, now: () => clock });

  it('reuses an authenticated session for at most the cache TTL (the bound of a lost invalidation)', async () => {
    clock = Date.now();
    const local = cached();
    const { token, session } = await local.login('ann@example.com', PASSWORD);
    await local.authenticate(token);
    await sessions.revoke(session.id); // revoked elsewhere, nobody told this process
    await expect(local.authenticate(token)).resolves.toMatchObject({ session: { id: session.id } });
    clock += 2_001;
    await expect(local.authenticate(token)).rejects.toThrow(UnauthorizedError);
  });

  it('never serves a cached session past the session’s own expiry', async () => {
    clock = Date.now();
    const local = new SessionService({
      users,
      sessions,
      jwtSecret: SECRET,
      ttlSeconds: 30,
      cacheTtlMs: 600_000,
      now: () => clock,
    });
    const { token, session } = await local.login('ann@example.com', PASSWORD);
    await local.authenticate(token);
    await sessions.revoke(session.id);
    await expect(local.authenticate(token)).resolves.toMatchObject({ session: { id: session.id } });
    clock = session.expiresAt.getTime() + 1;
    await expect(local.authenticate(token)).rejects.toThrow(UnauthorizedError);
  });

  describe('between processes', () => {
    const buses = invalidationBuses();

    /** One server process: a session service whose cache outlives the test, so only the bus makes it forget. */
    async function serverProcess(channel: string): Promise<SessionService> {
      const bus = await buses.processBus(channel);
      return new SessionService({ users, sessions, jwtSecret: SECRET, cacheTtlMs: 600_000, bus });
    }

    async function rejected(service: SessionService, token: string): Promise<boolean> {
      return service.authenticate(token).then(
        () => false,
        () => true,
      );
    }

    it('a logout in one process ends the session in the other', async () => {
      const channel = buses.newChannel();
      const [a, b] = [await serverProcess(channel), await serverProcess(channel)];
      const { token } = await a.login('ann@example.com', PASSWORD);
      await b.authenticate(token);
      await a.logout(token);
      await waitFor(() => rejected(b, token), 5_000);
    });

    it('a password reset in one process ends every session of the user in the other', async () => {
      const channel = buses.newChannel();
      const [a, b] = [await serverProcess(channel), await serverProcess(channel)];
      const first = await a.login('ann@example.com', PASSWORD);
      const second = await a.login('ann@example.com', PASSWORD);
      await Promise.all([b.authenticate(first.token), b.authenticate(second.token)]);
      await sessions.revokeAllForUser(userId);
      await a.forgetUserSessions(userId);
      await waitFor(async () => (await rejected(b, first.token)) && (await rejected(b, second.token)), 5_000);
    });
  });
});
