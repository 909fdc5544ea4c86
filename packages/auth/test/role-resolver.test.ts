import { AppsRepository, MembershipsRepository, UsersRepository } from '@conman/db';
import { RoleResolver, type Principal } from '@conman/auth';
import { openTestDatabase, type TestDatabase } from '../../db/test/mongo';

let database: TestDatabase;
let memberships: MembershipsRepository;
let appId: string;
let otherAppId: string;
let user: Principal & { kind: 'user' };

beforeAll(async () => {
  database = await openTestDatabase();
  memberships = new MembershipsRepository(database.db);
  const apps = new AppsRepository(database.db);
  appId = (await apps.create({ name: 'a', repoPath: 'a.git', integrationBranch: 'main' })).id;
  otherAppId = (await apps.create({ name: 'b', repoPath: 'b.git', integrationBranch: 'main' })).id;
  const created = await new UsersRepository(database.db).create({
    email: 'r@x.io',
    name: 'R',
    passwordHash: 'h',
  });
  user = { kind: 'user', userId: created.id, isPlatformAdmin: false };
  await memberships.add(appId, created.id, 'reviewer');
});

afterAll(() => database.close());

describe('role resolver', () => {
  it('reads membership roles and null for non-members', async () => {
    const resolver = new RoleResolver({ memberships });
    expect(await resolver.roleIn(appId, user)).toBe('reviewer');
    expect(await resolver.roleIn(otherAppId, user)).toBeNull();
  });

  it('sees a role change at once after invalidation and within the TTL otherwise', async () => {
    let clock = 0;
    const resolver = new RoleResolver({ memberships, ttlMs: 1000, now: () => clock });
    expect(await resolver.roleIn(appId, user)).toBe('reviewer');
    await memberships.changeRole(appId, user.userId, 'config_manager');
    expect(await resolver.roleIn(appId, user)).toBe('reviewer');
    resolver.invalidate(appId, user.userId);
    expect(await resolver.roleIn(appId, user)).toBe('config_manager');
    await memberships.changeRole(appId, user.userId, 'reviewer');
    clock += 1000;
    expect(await resolver.roleIn(appId, user)).toBe('reviewer');
  });

  it('gives API keys their role in their own app only', async () => {
    const resolver = new RoleResolver({ memberships });
    const key: Principal = { kind: 'api_key', keyId: 'k', appId, role: 'config_manager' };
    expect(await resolver.roleIn(appId, key)).toBe('config_manager');
    expect(await resolver.roleIn(otherAppId, key)).toBeNull();
  });

  it('treats platform admins as app_admin everywhere', async () => {
    const resolver = new RoleResolver({ memberships });
    expect(await resolver.roleIn(otherAppId, { ...user, isPlatformAdmin: true })).toBe('app_admin');
  });
});
