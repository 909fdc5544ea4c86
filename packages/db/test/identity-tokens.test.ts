import { ConflictError } from '@conman/core';
import {
  ApiKeysRepository,
  AppsRepository,
  InvitesRepository,
  NotificationPreferencesRepository,
  PasswordResetTokensRepository,
  UsersRepository,
  inTransaction,
} from '@conman/db';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';

let database: TestDatabase;
let invites: InvitesRepository;
let resets: PasswordResetTokensRepository;
let apiKeys: ApiKeysRepository;
let preferences: NotificationPreferencesRepository;
let appId: string;
let otherAppId: string;
let userId: string;

const inAnHour = (): Date => new Date(Date.now() + 3_600_000);

beforeAll(async () => {
  database = await openTestDatabase();
  invites = new InvitesRepository(database.db);
  resets = new PasswordResetTokensRepository(database.db);
  apiKeys = new ApiKeysRepository(database.db);
  preferences = new NotificationPreferencesRepository(database.db);
  const apps = new AppsRepository(database.db);
  appId = (await apps.create({ name: 'a', repoPath: 'a.git', integrationBranch: 'main' })).id;
  otherAppId = (await apps.create({ name: 'b', repoPath: 'b.git', integrationBranch: 'main' })).id;
  userId = (
    await new UsersRepository(database.db).create({ email: 'admin@x.io', name: 'A', passwordHash: 'h' })
  ).id;
});

afterAll(() => database.close());

function invite(email: string, tokenHash: string, expiresAt = inAnHour()) {
  return invites.create({ appId, email, role: 'reviewer', tokenHash, invitedBy: userId, expiresAt });
}

describe('invites', () => {
  it('are consumed once', async () => {
    const created = await invite('Carol@x.io', 'hash-once');
    expect(created).toMatchObject({ email: 'carol@x.io', role: 'reviewer' });
    expect((await invites.consume('hash-once'))?.id).toBe(created.id);
    expect(await invites.consume('hash-once')).toBeNull();
  });

  it('are dead after expiry', async () => {
    await invite('late@x.io', 'hash-expired', new Date(Date.now() - 1000));
    expect(await invites.consume('hash-expired')).toBeNull();
  });

  it('allow one pending invite per app and email, and unique token hashes', async () => {
    await invite('dup@x.io', 'hash-dup');
    await expect(invite('DUP@x.io', 'hash-dup-2')).rejects.toThrow(ConflictError);
    await expect(invite('other@x.io', 'hash-dup')).rejects.toThrow(ConflictError);
  });

  it('kill the old token on resend', async () => {
    const created = await invite('resend@x.io', 'hash-old');
    await invites.replaceToken(appId, created.id, 'hash-new', inAnHour());
    expect(await invites.consume('hash-old')).toBeNull();
    expect((await invites.consume('hash-new'))?.id).toBe(created.id);
  });

  it('are scoped to their app for lookup, resend and revoke', async () => {
    const created = await invite('scoped@x.io', 'hash-scoped');
    expect(await invites.findInApp(otherAppId, created.id)).toBeNull();
    expect(await invites.replaceToken(otherAppId, created.id, 'x', inAnHour())).toBeNull();
    expect(await invites.revoke(otherAppId, created.id)).toBeNull();
    expect((await invites.listForApp(appId)).map((i) => i.email)).toContain('scoped@x.io');
    expect((await invites.revoke(appId, created.id))?.id).toBe(created.id);
    expect(await invites.consume('hash-scoped')).toBeNull();
  });

  it('are consumed inside a transaction only when it commits', async () => {
    await invite('tx@x.io', 'hash-tx');
    await expect(
      inTransaction(database.client, async (session) => {
        await invites.consume('hash-tx', session);
        throw new Error('account creation failed');
      }),
    ).rejects.toThrow('account creation failed');
    expect(await invites.consume('hash-tx')).not.toBeNull();
  });
});

describe('password reset tokens', () => {
  it('are single use, expire, and die together after a reset', async () => {
    await resets.create(userId, 'reset-1', inAnHour());
    await resets.create(userId, 'reset-2', inAnHour());
    await resets.create(userId, 'reset-old', new Date(Date.now() - 1));
    expect(await resets.consume('reset-old')).toBeNull();
    expect((await resets.consume('reset-1'))?.userId).toBe(userId);
    expect(await resets.consume('reset-1')).toBeNull();
    expect(await resets.deleteAllForUser(userId)).toBe(2);
    expect(await resets.consume('reset-2')).toBeNull();
  });
});

describe('API keys', () => {
  const key = (name: string, tokenHash: string, expiresAt: Date | null = null) =>
    apiKeys.create({
      appId,
      name,
      role: 'config_manager',
      tokenHash,
      displayPrefix: 'cmk_abcd',
      createdBy: userId,
      expiresAt,
    });

  it('authenticate by hash and record their last use', async () => {
    const created = await key('ci', 'key-hash-1');
    expect(created.lastUsedAt).toBeNull();
    const used = await apiKeys.authenticate('key-hash-1');
    expect(used).toMatchObject({ id: created.id, appId, role: 'config_manager' });
    expect(used?.lastUsedAt).toBeInstanceOf(Date);
    expect(await apiKeys.authenticate('unknown')).toBeNull();
  });

  it('stamp last_used_at at most once a minute', async () => {
    await key('throttled', 'key-hash-t');
    const start = new Date('2030-01-01T00:00:00Z');
    const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
    expect((await apiKeys.authenticate('key-hash-t', at(0)))?.lastUsedAt).toEqual(at(0));
    expect((await apiKeys.authenticate('key-hash-t', at(30)))?.lastUsedAt).toEqual(at(0));
    expect((await apiKeys.authenticate('key-hash-t', at(61)))?.lastUsedAt).toEqual(at(61));
  });

  it('grant one usage-audit claim per interval, to one of concurrent claimants', async () => {
    const created = await key('audited', 'key-hash-a');
    const now = new Date();
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => apiKeys.claimUsageAudit(created.id, now, 3_600_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await apiKeys.authenticate('key-hash-a', now))?.usageAuditedAt).toEqual(now);
    const later = new Date(now.getTime() + 3_600_000);
    expect(await apiKeys.claimUsageAudit(created.id, new Date(later.getTime() - 1), 3_600_000)).toBe(false);
    expect(await apiKeys.claimUsageAudit(created.id, later, 3_600_000)).toBe(true);
  });

  it('stop working when expired or revoked, and only their app can revoke them', async () => {
    await key('old', 'key-hash-old', new Date(Date.now() - 1000));
    expect(await apiKeys.authenticate('key-hash-old')).toBeNull();
    const live = await key('deploy', 'key-hash-live', inAnHour());
    expect(await apiKeys.revoke(otherAppId, live.id)).toBeNull();
    expect((await apiKeys.revoke(appId, live.id))?.id).toBe(live.id);
    expect(await apiKeys.authenticate('key-hash-live')).toBeNull();
  });

  it('have unique names per app and unique hashes', async () => {
    await key('unique', 'key-hash-u');
    await expect(key('unique', 'key-hash-u2')).rejects.toThrow(ConflictError);
    await expect(key('unique-2', 'key-hash-u')).rejects.toThrow(ConflictError);
    expect((await apiKeys.listForApp(appId)).map((k) => k.name)).toContain('unique');
  });
});

describe('notification preferences', () => {
  it('default to email on and remember the toggle', async () => {
    expect(await preferences.get(userId)).toEqual({ userId, emailEnabled: true, commitMode: null });
    await preferences.set(userId, { emailEnabled: false });
    expect((await preferences.get(userId)).emailEnabled).toBe(false);
    await preferences.set(userId, { emailEnabled: true });
    expect((await preferences.get(userId)).emailEnabled).toBe(true);
  });

  it('keep the commit mode apart from the email toggle', async () => {
    expect(await preferences.set(userId, { commitMode: 'manual_checkpoint' })).toEqual({
      userId,
      emailEnabled: true,
      commitMode: 'manual_checkpoint',
    });
    await preferences.set(userId, { emailEnabled: false });
    expect(await preferences.get(userId)).toMatchObject({
      emailEnabled: false,
      commitMode: 'manual_checkpoint',
    });
    await preferences.set(userId, { commitMode: null });
    expect((await preferences.get(userId)).commitMode).toBeNull();
  });
});
