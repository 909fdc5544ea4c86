import { ValidationError } from '@conman/core';
import { SessionsRepository, UsersRepository } from '@conman/db';
import { SessionService, bootstrapAdmin, verifyPassword } from '@conman/auth';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';

let database: TestDatabase;
let users: UsersRepository;
let sessions: SessionsRepository;

beforeAll(async () => {
  database = await openTestDatabase();
  users = new UsersRepository(database.db);
  sessions = new SessionsRepository(database.db);
});

afterAll(() => database.close());

describe('bootstrapAdmin', () => {
  it('creates a platform admin with a hashed password', async () => {
    const { user, created } = await bootstrapAdmin(
      { users, sessions },
      { email: ' Root@Example.com', name: 'Root', password: 'tangerine orbit lantern' },
    );
    expect(created).toBe(true);
    expect(user).toMatchObject({ email: 'root@example.com', isPlatformAdmin: true });
    await expect(verifyPassword(user.passwordHash, 'tangerine orbit lantern')).resolves.toBe(true);
  });

  it('resets an existing account and signs it out everywhere', async () => {
    const existing = await users.create({ email: 'ops@example.com', name: 'Ops', passwordHash: 'x' });
    const service = new SessionService({ users, sessions, jwtSecret: 'k'.repeat(40) });
    await bootstrapAdmin(
      { users, sessions },
      { email: 'ops@example.com', name: 'Ops', password: 'first password here' },
    );
    const { token } = await service.login('ops@example.com', 'first password here');
    const { user, created } = await bootstrapAdmin(
      { users, sessions },
      { email: 'OPS@example.com', name: 'Operations', password: 'second password here' },
    );
    expect(created).toBe(false);
    expect(user).toMatchObject({ id: existing.id, name: 'Operations', isPlatformAdmin: true });
    await expect(service.authenticate(token)).rejects.toThrow();
    await expect(service.login('ops@example.com', 'second password here')).resolves.toBeDefined();
  });

  it.each([
    ['a weak password', { email: 'a@example.com', name: 'A', password: 'password1234' }],
    ['a short password', { email: 'a@example.com', name: 'A', password: 'short' }],
    [
      'the email as password',
      { email: 'longer.name@example.com', name: 'A', password: 'longer.name@example.com' },
    ],
    ['a bad email', { email: 'not-an-email', name: 'A', password: 'tangerine orbit lantern' }],
    ['an empty name', { email: 'a@example.com', name: '  ', password: 'tangerine orbit lantern' }],
  ])('refuses %s', async (_label, input) => {
    await expect(bootstrapAdmin({ users, sessions }, input)).rejects.toThrow(ValidationError);
    expect(await users.findByEmail(input.email)).toBeNull();
  });
});
