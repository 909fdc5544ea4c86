import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLI_MAIN, startStack, waitFor, type Stack } from '../support/stack';

const run = promisify(execFile);
const ADMIN = { email: 'root@example.com', password: 'violet harbor compass 42' };

describe('identity on the real server', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      env: { CONMAN_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, CONMAN_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
    });
  });

  afterAll(async () => {
    await stack.stop();
  });

  async function login(email: string, password: string) {
    return stack.request('POST', '/api/auth/login', { body: { email, password } });
  }

  it('creates the platform admin from CONMAN_BOOTSTRAP_ADMIN_* at startup', async () => {
    const session = await login(ADMIN.email, ADMIN.password);
    expect(session.status).toBe(200);
    const me = await stack.request('GET', '/api/me', {
      headers: { authorization: `Bearer ${session.json.data.token}` },
    });
    expect(me.status).toBe(200);
    expect(me.json.data.email).toBe(ADMIN.email);
  });

  it('rejects unknown body fields with field details', async () => {
    const response = await stack.request('POST', '/api/auth/login', {
      body: { email: ADMIN.email, password: ADMIN.password, remember_me: true },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('validation_error');
    expect(JSON.stringify(response.json.error.details)).toContain('remember_me');
  });

  it('answers 401 in the envelope without a token', async () => {
    const response = await stack.request('GET', '/api/me');
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe('unauthorized');
  });

  it('creates another platform admin with `conman bootstrap-admin`, enforcing the password policy', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CONMAN_DATA_DIR: stack.dataDir,
      CONMAN_MONGO_URI: process.env.CONMAN_TEST_RESOLVED_MONGO_URI,
      CONMAN_MONGO_DB: stack.dbName,
    };
    const weak = run(
      process.execPath,
      [CLI_MAIN, 'bootstrap-admin', '--email', 'ops@example.com', '--name', 'Ops', '--password', 'short'],
      { env },
    );
    await expect(weak).rejects.toMatchObject({ code: 1 });
    const strong = await run(
      process.execPath,
      [
        CLI_MAIN,
        'bootstrap-admin',
        '--email',
        'ops@example.com',
        '--name',
        'Ops',
        '--password',
        'amber meadow signal 7',
      ],
      { env },
    );
    expect(strong.stdout).toContain('Created platform admin ops@example.com');
    expect((await login('ops@example.com', 'amber meadow signal 7')).status).toBe(200);
  });

  it('names the caller and the app on every log line of an authenticated app request', async () => {
    const session = await login(ADMIN.email, ADMIN.password);
    const asAdmin = { authorization: `Bearer ${session.json.data.token}` };
    const app = await stack.request('POST', '/api/apps', {
      headers: asAdmin,
      body: { name: 'logged', repo_path: 'logged.git', seed: true },
    });
    expect(app.status).toBe(201);
    const appId = app.json.data.id as string;
    const key = await stack.request('POST', `/api/apps/${appId}/api-keys`, {
      headers: asAdmin,
      body: { name: 'log-reader', role: 'user' },
    });
    expect(key.status).toBe(201);

    const byUser = await stack.request('GET', `/api/apps/${appId}`, { headers: asAdmin });
    const byKey = await stack.request('GET', `/api/apps/${appId}`, {
      headers: { 'x-api-key': key.json.data.key },
    });
    expect([byUser.status, byKey.status]).toEqual([200, 200]);

    const accessLineOf = (response: { headers: Headers }) => () =>
      serverLogLines().find(
        (line) => line.message === 'http request' && line.request_id === response.headers.get('x-request-id'),
      );
    await waitFor(() => Boolean(accessLineOf(byUser)() && accessLineOf(byKey)()), 10_000);
    expect(accessLineOf(byUser)()).toMatchObject({
      route: '/api/apps/:appId',
      status: 200,
      user_id: session.json.data.user.id,
      app_id: appId,
    });
    expect(accessLineOf(byKey)()).toMatchObject({ api_key_id: key.json.data.id, app_id: appId });
    expect(accessLineOf(byKey)()).not.toHaveProperty('user_id');
  });

  /** The server's JSON log lines (stdout), skipping anything that is not JSON. */
  function serverLogLines(): Record<string, unknown>[] {
    return stack.server
      .output()
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }
});
