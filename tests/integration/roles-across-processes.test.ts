import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MembershipsRepository, UsersRepository, connectMongo, type MongoConnection } from '@conman/db';
import { CLI_MAIN, startStack, type Stack } from '../support/stack';
import { TEST_ENV } from '../support/services';

const run = promisify(execFile);
const ROOT = { email: 'root@example.com', password: 'violet harbor compass 42' };
const MEMBER = { email: 'member@example.com', password: 'amber meadow signal 7' };

/**
 * Two server processes on one database and one Redis: a role changed, a session revoked or an app
 * created or changed through one is seen by the very next request through the other (Redis
 * invalidation), not only after the caches' TTL.
 */
describe('role changes and revoked sessions across server processes', () => {
  let a: Stack;
  let b: Stack;
  let mongo: MongoConnection;
  let rootToken: string;
  let memberToken: string;
  let memberId: string;
  let appId: string;

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    a = await startStack({
      env: { CONMAN_BOOTSTRAP_ADMIN_EMAIL: ROOT.email, CONMAN_BOOTSTRAP_ADMIN_PASSWORD: ROOT.password },
    });
    // One installation: same database, data directory (JWT secret, repositories) and Redis prefix as A.
    b = await startStack({
      env: {
        CONMAN_MONGO_DB: a.dbName,
        CONMAN_DATA_DIR: a.dataDir,
        CONMAN_REDIS_PREFIX: a.env.CONMAN_REDIS_PREFIX!,
      },
    });
    mongo = await connectMongo({
      uri: process.env[TEST_ENV.mongoUri]!,
      dbName: a.dbName,
      appName: 'roles-test',
    });

    // The member account: created by the CLI (as a platform admin), then made an ordinary user.
    await bootstrapMember();
    const users = new UsersRepository(mongo.db);
    memberId = (await users.findByEmail(MEMBER.email))!.id;
    await users.update(memberId, { isPlatformAdmin: false });

    rootToken = (await a.request('POST', '/api/auth/login', { body: ROOT })).json.data.token;
    memberToken = (await b.request('POST', '/api/auth/login', { body: MEMBER })).json.data.token;
    const created = await a.request('POST', '/api/apps', {
      body: { name: 'shared', repo_path: 'shared.git', seed: true },
      headers: bearer(rootToken),
    });
    expect(created.status).toBe(201);
    appId = created.json.data.id;
    await new MembershipsRepository(mongo.db).add(appId, memberId, 'app_admin');
  }, 120_000);

  afterAll(async () => {
    await mongo?.close();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  /** `conman bootstrap-admin` for the member account: creates it, or resets it and signs it out. */
  const bootstrapMember = () =>
    run(
      process.execPath,
      [
        CLI_MAIN,
        'bootstrap-admin',
        '--email',
        MEMBER.email,
        '--name',
        'Member',
        '--password',
        MEMBER.password,
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          CONMAN_DATA_DIR: a.dataDir,
          CONMAN_MONGO_URI: process.env[TEST_ENV.mongoUri],
          CONMAN_MONGO_DB: a.dbName,
          CONMAN_REDIS_URL: process.env[TEST_ENV.redisUrl],
          CONMAN_REDIS_PREFIX: a.env.CONMAN_REDIS_PREFIX,
        },
      },
    );

  const manageThroughB = () =>
    b.request('GET', `/api/apps/${appId}/api-keys`, { headers: bearer(memberToken) });
  const setRoleThroughA = (role: string) =>
    a.request('PATCH', `/api/apps/${appId}/members/${memberId}`, {
      body: { role },
      headers: bearer(rootToken),
    });

  it('applies a demotion, a promotion and a removal made through A to the next request through B', async () => {
    expect((await manageThroughB()).status).toBe(200); // B now caches app_admin

    expect((await setRoleThroughA('user')).status).toBe(200);
    expect((await manageThroughB()).status).toBe(403);

    expect((await setRoleThroughA('app_admin')).status).toBe(200);
    expect((await manageThroughB()).status).toBe(200);

    const removed = await a.request('DELETE', `/api/apps/${appId}/members/${memberId}`, {
      headers: bearer(rootToken),
    });
    expect(removed.status).toBe(204);
    expect((await manageThroughB()).status).toBe(404);
  }, 60_000);

  it('ends a session logged out through A, or reset by the CLI, on the next request through B', async () => {
    const meThroughB = (token: string) => b.request('GET', '/api/me', { headers: bearer(token) });
    const login = async () =>
      (await a.request('POST', '/api/auth/login', { body: MEMBER })).json.data.token as string;

    const loggedOut = await login();
    expect((await meThroughB(loggedOut)).status).toBe(200); // B caches the session
    expect((await a.request('POST', '/api/auth/logout', { headers: bearer(loggedOut) })).status).toBe(204);
    expect((await meThroughB(loggedOut)).status).toBe(401);

    const reset = await login();
    expect((await meThroughB(reset)).status).toBe(200);
    await bootstrapMember();
    expect((await meThroughB(reset)).status).toBe(401);
  }, 60_000);

  it('lists an app created, or settings changed, through A in the next listing through B', async () => {
    const listThroughB = async () =>
      (await b.request('GET', '/api/apps', { headers: bearer(rootToken) })).json.data as Array<{
        id: string;
        settings: { required_approvals: number };
      }>;
    const before = await listThroughB(); // B caches the list
    const created = await a.request('POST', '/api/apps', {
      body: { name: 'listed', repo_path: 'listed.git', seed: true },
      headers: bearer(rootToken),
    });
    expect(created.status).toBe(201);
    const listed = created.json.data.id as string;
    expect((await listThroughB()).map((app) => app.id)).toEqual(
      expect.arrayContaining([...before.map((app) => app.id), listed]),
    );

    const changed = await a.request('PATCH', `/api/apps/${listed}/settings`, {
      body: { required_approvals: 3 },
      headers: bearer(rootToken),
    });
    expect(changed.status).toBe(200);
    expect((await listThroughB()).find((app) => app.id === listed)?.settings.required_approvals).toBe(3);
  }, 60_000);
});
