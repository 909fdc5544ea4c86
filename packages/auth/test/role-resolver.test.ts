import type { Role } from '@conman/core';
import { AppsRepository, MembershipsRepository, UsersRepository } from '@conman/db';
import { RoleResolver, type Principal } from '@conman/auth';
import { openTestDatabase, waitFor, type TestDatabase } from '@conman/test-support';
import { invalidationBuses } from './support/invalidation-bus';

let database: TestDatabase;
let memberships: MembershipsRepository;
let apps: AppsRepository;
let appId: string;
let otherAppId: string;
let user: Principal & { kind: 'user' };

beforeAll(async () => {
  database = await openTestDatabase();
  memberships = new MembershipsRepository(database.db);
  apps = new AppsRepository(database.db);
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
    const resolver = new RoleResolver({ memberships, apps });
    expect(await resolver.roleIn(appId, user)).toBe('reviewer');
    expect(await resolver.roleIn(otherAppId, user)).toBeNull();
  });

  it('sees a role change at once after invalidation and within the TTL otherwise', async () => {
    let clock = 0;
    const resolver = new RoleResolver({ memberships, apps, ttlMs: 1000, now: () => clock });
    expect(await resolver.roleIn(appId, user)).toBe('reviewer');
    await memberships.changeRole(appId, user.userId, 'config_manager');
    expect(await resolver.roleIn(appId, user)).toBe('reviewer');
    await resolver.invalidate(appId, user.userId);
    expect(await resolver.roleIn(appId, user)).toBe('config_manager');
    await memberships.changeRole(appId, user.userId, 'reviewer');
    clock += 1000;
    expect(await resolver.roleIn(appId, user)).toBe('reviewer');
  });

  it("lists a user's memberships, kept until the TTL or an invalidation of any of their roles", async () => {
    let clock = 0;
    const resolver = new RoleResolver({ memberships, apps, ttlMs: 1000, now: () => clock });
    expect(await resolver.membershipsOf(user.userId)).toEqual([{ appId, role: 'reviewer' }]);
    await memberships.add(otherAppId, user.userId, 'user');
    expect(await resolver.membershipsOf(user.userId)).toEqual([{ appId, role: 'reviewer' }]);
    await resolver.invalidate(otherAppId, user.userId);
    expect(await resolver.membershipsOf(user.userId)).toEqual(
      expect.arrayContaining([
        { appId, role: 'reviewer' },
        { appId: otherAppId, role: 'user' },
      ]),
    );
    await memberships.remove(otherAppId, user.userId);
    clock += 1000;
    expect(await resolver.membershipsOf(user.userId)).toEqual([{ appId, role: 'reviewer' }]);
  });

  it('gives API keys their role in their own app only', async () => {
    const resolver = new RoleResolver({ memberships, apps });
    const key: Principal = { kind: 'api_key', keyId: 'k', appId, role: 'config_manager' };
    expect(await resolver.roleIn(appId, key)).toBe('config_manager');
    expect(await resolver.roleIn(otherAppId, key)).toBeNull();
  });

  it('treats platform admins as app_admin in every app that exists, and in no other', async () => {
    const resolver = new RoleResolver({ memberships, apps });
    const admin = { ...user, isPlatformAdmin: true };
    expect(await resolver.roleIn(otherAppId, admin)).toBe('app_admin');
    expect(await resolver.roleIn('ffffffffffffffffffffffff', admin)).toBeNull();
    expect(await resolver.roleIn('not-an-id', admin)).toBeNull();
    const created = await apps.create({ name: 'late', repoPath: 'late.git', integrationBranch: 'main' });
    expect(await resolver.roleIn(created.id, admin)).toBe('app_admin');
  });
});

describe('role invalidation between processes', () => {
  const buses = invalidationBuses();

  /** One server process's view: its bus and a resolver whose 60 s TTL outlives the test. */
  async function serverProcess(channel: string, warnings: string[] = []) {
    const bus = await buses.processBus(channel, warnings);
    return { bus, resolver: new RoleResolver({ memberships, apps, ttlMs: 60_000, bus }) };
  }

  it('drops the cached role in the other process when one process invalidates it', async () => {
    const channel = buses.newChannel();
    const a = await serverProcess(channel);
    const b = await serverProcess(channel);
    expect(await b.resolver.roleIn(appId, user)).toBe('reviewer');
    await memberships.changeRole(appId, user.userId, 'user');
    expect(await b.resolver.roleIn(appId, user)).toBe('reviewer');
    await a.resolver.invalidate(appId, user.userId);
    // B learns through Redis; its 60 s TTL alone would keep the old role for the whole test.
    await waitFor(async () => (await b.resolver.roleIn(appId, user)) === 'user', 5_000);
    await memberships.changeRole(appId, user.userId, 'reviewer');
    await a.resolver.invalidate(appId, user.userId);
    await waitFor(async () => (await b.resolver.roleIn(appId, user)) === 'reviewer', 5_000);
  });

  it('drops the cached membership list in the other process with the role', async () => {
    const channel = buses.newChannel();
    const a = await serverProcess(channel);
    const b = await serverProcess(channel);
    expect(await b.resolver.membershipsOf(user.userId)).toEqual([{ appId, role: 'reviewer' }]);
    await memberships.add(otherAppId, user.userId, 'reviewer');
    await a.resolver.invalidate(otherAppId, user.userId);
    await waitFor(async () => (await b.resolver.membershipsOf(user.userId)).length === 2, 5_000);
    await memberships.remove(otherAppId, user.userId);
    await a.resolver.invalidate(otherAppId, user.userId);
    await waitFor(async () => (await b.resolver.membershipsOf(user.userId)).length === 1, 5_000);
  });

  it('ignores malformed messages, unknown topics and messages of other channels', async () => {
    const channel = buses.newChannel();
    const warnings: string[] = [];
    const b = await serverProcess(channel, warnings);
    const seen: string[] = [];
    b.bus.onInvalidate('role', (key) => seen.push(`role ${key}`));
    b.bus.onInvalidate('session', (key) => seen.push(`session ${key}`));
    await buses.redis().publish(channel, 'not json');
    await buses.redis().publish(channel, JSON.stringify({ topic: 'role', key: 1 }));
    await buses.redis().publish(channel, JSON.stringify({ topic: 'everything', key: 'x' }));
    await buses.redis().publish(`${channel}:other`, JSON.stringify({ topic: 'role', key: 'x:y' }));
    await buses.redis().publish(channel, JSON.stringify({ topic: 'role', key: 'a:u' }));
    await buses.redis().publish(channel, JSON.stringify({ topic: 'session', key: 's1' }));
    await waitFor(async () => seen.length === 2, 5_000);
    expect(seen).toEqual(['role a:u', 'session s1']);
    expect(warnings).toEqual([
      'ignored a malformed cache invalidation message',
      'ignored a malformed cache invalidation message',
      'ignored a malformed cache invalidation message',
    ]);
  });

  it('does not cache a role read while an invalidation happened', async () => {
    let release: (role: Role) => void = () => undefined;
    let reads = 0;
    const slow = {
      find: () => {
        reads += 1;
        return new Promise<{ role: Role }>((resolve) => (release = (role) => resolve({ role })));
      },
      listForUser: () => Promise.resolve([]),
    };
    const resolver = new RoleResolver({ memberships: slow, apps, ttlMs: 60_000 });
    const pending = resolver.roleIn(appId, user);
    await resolver.invalidate(appId, user.userId);
    release('app_admin');
    expect(await pending).toBe('app_admin');
    const next = resolver.roleIn(appId, user);
    release('user');
    expect(await next).toBe('user');
    expect(reads).toBe(2);
  });
});
