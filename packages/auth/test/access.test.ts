import { ForbiddenError, NotFoundError, UnauthorizedError } from '@conman/core';
import {
  ApiKeysRepository,
  AppsRepository,
  MembershipsRepository,
  SessionsRepository,
  UsersRepository,
} from '@conman/db';
import { AccessControl, RoleResolver, SessionService, hashPassword, issueApiKey } from '@conman/auth';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';

const PASSWORD = 'tangerine orbit lantern';

let database: TestDatabase;
let access: AccessControl;
let sessionService: SessionService;
let apiKeys: ApiKeysRepository;
let appId: string;
let otherAppId: string;
let reviewerToken: string;
let adminToken: string;
let reviewerId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  const users = new UsersRepository(database.db);
  const memberships = new MembershipsRepository(database.db);
  apiKeys = new ApiKeysRepository(database.db);
  sessionService = new SessionService({
    users,
    sessions: new SessionsRepository(database.db),
    jwtSecret: 'j'.repeat(40),
  });
  const apps = new AppsRepository(database.db);
  access = new AccessControl({
    sessions: sessionService,
    apiKeys,
    roles: new RoleResolver({ memberships, apps }),
  });
  appId = (await apps.create({ name: 'a', repoPath: 'a.git', integrationBranch: 'main' })).id;
  otherAppId = (await apps.create({ name: 'b', repoPath: 'b.git', integrationBranch: 'main' })).id;
  const passwordHash = await hashPassword(PASSWORD);
  reviewerId = (await users.create({ email: 'rev@x.io', name: 'Rev', passwordHash })).id;
  await users.create({ email: 'root@x.io', name: 'Root', passwordHash, isPlatformAdmin: true });
  await memberships.add(appId, reviewerId, 'reviewer');
  reviewerToken = (await sessionService.login('rev@x.io', PASSWORD)).token;
  adminToken = (await sessionService.login('root@x.io', PASSWORD)).token;
});

afterAll(() => database.close());

async function newKey(role: 'user' | 'config_manager', expiresAt: Date | null = null): Promise<string> {
  const { token, hash } = issueApiKey();
  await apiKeys.create({
    appId,
    name: `key-${hash.slice(0, 8)}`,
    role,
    tokenHash: hash,
    displayPrefix: token.slice(0, 8),
    createdBy: reviewerId,
    expiresAt,
  });
  return token;
}

describe('identify', () => {
  it('recognises a bearer token and names its session', async () => {
    const caller = await access.identify({ authorization: `Bearer ${reviewerToken}` });
    expect(caller.principal).toEqual({ kind: 'user', userId: reviewerId, isPlatformAdmin: false });
    expect(caller.user?.email).toBe('rev@x.io');
    expect(caller.sessionId).toMatch(/^[0-9a-f]{24}$/);
  });

  it('recognises an API key', async () => {
    const caller = await access.identify({ apiKey: await newKey('config_manager') });
    expect(caller.principal).toMatchObject({ kind: 'api_key', appId, role: 'config_manager' });
  });

  it.each([
    ['no credentials', {}],
    ['a non-bearer scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a garbage bearer', { authorization: 'Bearer not.a.jwt' }],
    ['a key without the prefix', { apiKey: 'abc' }],
    ['an unknown key', { apiKey: 'cmk_unknownunknownunknown' }],
  ])('rejects %s with 401', async (_label, credentials) => {
    await expect(access.identify(credentials)).rejects.toThrow(UnauthorizedError);
  });

  it('rejects expired keys and requests carrying both kinds of credential', async () => {
    await expect(access.identify({ apiKey: await newKey('user', new Date(Date.now() - 1)) })).rejects.toThrow(
      UnauthorizedError,
    );
    await expect(
      access.identify({ authorization: `Bearer ${reviewerToken}`, apiKey: await newKey('user') }),
    ).rejects.toThrow(UnauthorizedError);
  });

  it('rejects a token after logout', async () => {
    const { token } = await sessionService.login('rev@x.io', PASSWORD);
    await sessionService.logout(token);
    await expect(access.identify({ authorization: `Bearer ${token}` })).rejects.toThrow(UnauthorizedError);
  });
});

describe('authorize', () => {
  it('answers the role when the matrix allows, 403 when it does not, 404 for non-members', async () => {
    const reviewer = await access.identify({ authorization: `Bearer ${reviewerToken}` });
    await expect(access.authorize(reviewer, appId, 'review_changeset')).resolves.toBe('reviewer');
    await expect(access.authorize(reviewer, appId, 'publish_release')).rejects.toThrow(ForbiddenError);
    await expect(access.authorize(reviewer, appId, 'move_to_draft')).rejects.toThrow(ForbiddenError);
    await expect(access.authorize(reviewer, appId, 'move_to_draft', true)).resolves.toBe('reviewer');
    await expect(access.authorize(reviewer, otherAppId, 'read_app')).rejects.toThrow(NotFoundError);
  });

  it('scopes API keys to their app', async () => {
    const key = await access.identify({ apiKey: await newKey('config_manager') });
    await expect(access.authorize(key, appId, 'deploy_release')).resolves.toBe('config_manager');
    await expect(access.authorize(key, appId, 'manage_app')).rejects.toThrow(ForbiddenError);
    await expect(access.authorize(key, otherAppId, 'read_app')).rejects.toThrow(NotFoundError);
  });

  it('reserves app creation for platform admins', async () => {
    const admin = await access.identify({ authorization: `Bearer ${adminToken}` });
    const reviewer = await access.identify({ authorization: `Bearer ${reviewerToken}` });
    const key = await access.identify({ apiKey: await newKey('config_manager') });
    expect(() => access.authorizePlatform(admin, 'create_app')).not.toThrow();
    expect(() => access.authorizePlatform(reviewer, 'create_app')).toThrow(ForbiddenError);
    expect(() => access.authorizePlatform(key, 'create_app')).toThrow(ForbiddenError);
    await expect(access.authorize(admin, otherAppId, 'manage_app')).resolves.toBe('app_admin');
  });
});
