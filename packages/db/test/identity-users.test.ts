import { ConflictError } from '@conman/core';
import {
  AppsRepository,
  MembershipsRepository,
  SessionsRepository,
  UsersRepository,
  inTransaction,
} from '@conman/db';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';

let database: TestDatabase;
let users: UsersRepository;
let sessions: SessionsRepository;
let apps: AppsRepository;
let memberships: MembershipsRepository;

beforeAll(async () => {
  database = await openTestDatabase();
  users = new UsersRepository(database.db);
  sessions = new SessionsRepository(database.db);
  apps = new AppsRepository(database.db);
  memberships = new MembershipsRepository(database.db);
});

afterAll(() => database.close());

let counter = 0;
function uniqueEmail(): string {
  counter += 1;
  return `Person${counter}@Example.com`;
}

async function newUser(): Promise<string> {
  return (await users.create({ email: uniqueEmail(), name: 'Person', passwordHash: 'hash' })).id;
}

describe('users', () => {
  it('stores emails lowercased and finds them case-insensitively', async () => {
    const user = await users.create({ email: ' Ann@Example.COM ', name: 'Ann', passwordHash: 'h1' });
    expect(user).toMatchObject({ email: 'ann@example.com', isPlatformAdmin: false });
    expect((await users.findByEmail('ANN@example.com'))?.id).toBe(user.id);
    expect((await users.findById(user.id))?.name).toBe('Ann');
  });

  it('refuses a second account with the same email in any case (unique index)', async () => {
    await users.create({ email: 'bob@example.com', name: 'Bob', passwordHash: 'h' });
    await expect(
      users.create({ email: 'BOB@example.com', name: 'Bob 2', passwordHash: 'h' }),
    ).rejects.toThrow(ConflictError);
  });

  it('treats malformed and unknown ids as not found', async () => {
    expect(await users.findById('nope')).toBeNull();
    expect(await users.findById('0123456789abcdef01234567')).toBeNull();
  });

  it('changes the password hash', async () => {
    const id = await newUser();
    expect((await users.setPassword(id, 'new-hash'))?.passwordHash).toBe('new-hash');
  });

  it('updates name and platform-admin flag', async () => {
    const id = await newUser();
    const updated = await users.update(id, { name: 'Renamed', isPlatformAdmin: true });
    expect(updated).toMatchObject({ name: 'Renamed', isPlatformAdmin: true, passwordHash: 'hash' });
  });
});

describe('sessions', () => {
  it('finds live sessions of their own user only', async () => {
    const userId = await newUser();
    const otherUser = await newUser();
    const session = await sessions.create({
      userId,
      expiresAt: new Date(Date.now() + 60_000),
      clientIp: '10.0.0.1',
    });
    expect(await sessions.findActive(session.id, userId)).toMatchObject({
      id: session.id,
      clientIp: '10.0.0.1',
    });
    expect(await sessions.findActive(session.id, otherUser)).toBeNull();
  });

  it('treats expired sessions as gone before the TTL sweeper removes them', async () => {
    const userId = await newUser();
    const session = await sessions.create({ userId, expiresAt: new Date(Date.now() - 1000) });
    expect(await sessions.findActive(session.id, userId)).toBeNull();
  });

  it('revokes one session or all sessions of a user', async () => {
    const userId = await newUser();
    const expiresAt = new Date(Date.now() + 60_000);
    const first = await sessions.create({ userId, expiresAt });
    const second = await sessions.create({ userId, expiresAt });
    const third = await sessions.create({ userId, expiresAt });
    expect(await sessions.revoke(first.id)).toBe(true);
    expect(await sessions.findActive(first.id, userId)).toBeNull();
    expect(await sessions.revokeAllForUser(userId)).toBe(2);
    expect(await sessions.findActive(second.id, userId)).toBeNull();
    expect(await sessions.findActive(third.id, userId)).toBeNull();
  });
});

describe('apps', () => {
  it('creates apps with default settings and refuses duplicate names and repo paths', async () => {
    const app = await apps.create({ name: 'billing', repoPath: 'billing.git', integrationBranch: 'main' });
    expect(app.settings.required_approvals).toBe(1);
    expect(app.settings.allow_self_approval).toBe(false);
    await expect(
      apps.create({ name: 'billing', repoPath: 'other.git', integrationBranch: 'main' }),
    ).rejects.toThrow(ConflictError);
    await expect(
      apps.create({ name: 'other', repoPath: 'billing.git', integrationBranch: 'main' }),
    ).rejects.toThrow(ConflictError);
  });

  it('lists all apps or the given ones, and updates settings', async () => {
    const first = await apps.create({ name: 'list-a', repoPath: 'list-a.git', integrationBranch: 'main' });
    const second = await apps.create({ name: 'list-b', repoPath: 'list-b.git', integrationBranch: 'main' });
    expect((await apps.list([second.id])).map((app) => app.name)).toEqual(['list-b']);
    expect((await apps.list()).map((app) => app.name)).toEqual(expect.arrayContaining(['list-a', 'list-b']));
    const updated = await apps.updateSettings(first.id, { ...first.settings, required_approvals: 2 });
    expect(updated?.settings.required_approvals).toBe(2);
  });
});

describe('memberships', () => {
  async function appWithAdmin(): Promise<{ appId: string; adminId: string }> {
    counter += 1;
    const app = await apps.create({
      name: `m-${counter}`,
      repoPath: `m-${counter}.git`,
      integrationBranch: 'main',
    });
    const adminId = await newUser();
    await memberships.add(app.id, adminId, 'app_admin');
    return { appId: app.id, adminId };
  }

  it('allows one membership per app and user', async () => {
    const { appId, adminId } = await appWithAdmin();
    await expect(memberships.add(appId, adminId, 'user')).rejects.toThrow(ConflictError);
    expect(await memberships.find(appId, adminId)).toMatchObject({ role: 'app_admin' });
    expect((await memberships.listForUser(adminId)).map((m) => m.appId)).toEqual([appId]);
  });

  it('never removes or demotes the last app_admin', async () => {
    const { appId, adminId } = await appWithAdmin();
    const { client } = database;
    await expect(
      inTransaction(client, (session) => memberships.changeRole(appId, adminId, 'user', session)),
    ).rejects.toThrow(ConflictError);
    await expect(
      inTransaction(client, (session) => memberships.remove(appId, adminId, session)),
    ).rejects.toThrow(ConflictError);
    const secondAdmin = await newUser();
    await memberships.add(appId, secondAdmin, 'app_admin');
    await inTransaction(client, (session) => memberships.changeRole(appId, adminId, 'reviewer', session));
    expect((await memberships.find(appId, adminId))?.role).toBe('reviewer');
    await expect(
      inTransaction(client, (session) => memberships.remove(appId, secondAdmin, session)),
    ).rejects.toThrow(ConflictError);
    expect(
      await inTransaction(client, (session) => memberships.remove(appId, adminId, session)),
    ).toMatchObject({
      userId: adminId,
    });
    expect((await memberships.listForApp(appId)).map((m) => m.userId)).toEqual([secondAdmin]);
  });

  it('lets only one of two concurrent demotions of the last two admins succeed', async () => {
    const { appId, adminId } = await appWithAdmin();
    const secondAdmin = await newUser();
    await memberships.add(appId, secondAdmin, 'app_admin');
    const demote = (userId: string) =>
      inTransaction(database.client, (session) => memberships.changeRole(appId, userId, 'user', session));
    const outcomes = await Promise.allSettled([demote(adminId), demote(secondAdmin)]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const admins = (await memberships.listForApp(appId)).filter((member) => member.role === 'app_admin');
    expect(admins).toHaveLength(1);
  });

  it('answers null for members of other apps', async () => {
    const first = await appWithAdmin();
    const second = await appWithAdmin();
    expect(await memberships.find(second.appId, first.adminId)).toBeNull();
    expect(await memberships.remove(second.appId, first.adminId)).toBeNull();
  });
});
