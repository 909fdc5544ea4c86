import { signSessionToken } from '@conman/auth';
import { postJson } from './support/harness';
import {
  JWT_SECRET,
  PASSWORD,
  bearer,
  startIdentityApi,
  type IdentityFixture,
} from './support/identity-fixture';

const SECRET = JWT_SECRET;

let fixture: IdentityFixture;
let userId: string;
let appId: string;
let apiKey: string;

beforeAll(async () => {
  fixture = await startIdentityApi({
    perIp: { name: 'login:ip', limit: 1000, windowSeconds: 60 },
    perEmail: { name: 'login:email', limit: 5, windowSeconds: 900 },
  });
  appId = await fixture.newApp('a');
  userId = (await fixture.newUser('ann@example.com', { appId, role: 'reviewer' })).id;
  apiKey = await fixture.newApiKey(appId, 'user', userId);
});

afterAll(() => fixture.close());

async function login(email = 'ann@example.com', password = PASSWORD): Promise<Response> {
  return postJson(`${fixture.api.url}/api/auth/login`, { email, password });
}

/** Signs in through the service, so only the tests about login spend the per-email login budget. */
async function tokenFor(): Promise<string> {
  return (await fixture.sessionService.login('ann@example.com', PASSWORD)).token;
}
const me = (headers: Record<string, string>) => fetch(`${fixture.api.url}/api/me`, { headers });

describe('login and /me', () => {
  it('logs in and shows the profile with the app roles', async () => {
    const response = await login('ANN@example.com');
    const body = (await response.json()) as { data: { token: string; expires_at: string; user: unknown } };
    expect(body.data.user).toEqual({
      id: userId,
      email: 'ann@example.com',
      name: 'ann',
      is_platform_admin: false,
    });
    expect(Date.parse(body.data.expires_at) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    const profile = await me(bearer(body.data.token));
    expect(profile.status).toBe(200);
    expect(((await profile.json()) as { data: unknown }).data).toEqual({
      id: userId,
      email: 'ann@example.com',
      name: 'ann',
      is_platform_admin: false,
      memberships: [{ app_id: appId, role: 'reviewer' }],
    });
  });

  it('audits a login as session.created with the request context, never the password', async () => {
    const response = await postJson(
      `${fixture.api.url}/api/auth/login`,
      { email: 'ann@example.com', password: PASSWORD },
      { 'x-request-id': 'audited-login' },
    );
    expect(response.status).toBe(200);
    const { token } = ((await response.json()) as { data: { token: string } }).data;
    const event = await fixture.database.db
      .collection('audit_events')
      .findOne({ 'context.request_id': 'audited-login' });
    expect(event).toMatchObject({
      app_id: null,
      actor: { type: 'user', id: userId },
      entity_type: 'session',
      action: 'session.created',
      after: { user_id: userId },
    });
    const stored = JSON.stringify(event);
    expect(stored).not.toContain(PASSWORD);
    expect(stored).not.toContain(token);
  });

  it('audits failed logins identically for a wrong password and an unknown email', async () => {
    const attempt = (email: string, password: string, requestId: string) =>
      postJson(`${fixture.api.url}/api/auth/login`, { email, password }, { 'x-request-id': requestId });
    expect((await attempt('ann@example.com', 'wrong password audited', 'failed-known')).status).toBe(401);
    expect((await attempt('ghost@example.com', 'wrong password audited', 'failed-unknown')).status).toBe(401);
    const events = fixture.database.db.collection('audit_events');
    const known = await events.findOne({ 'context.request_id': 'failed-known' });
    const unknown = await events.findOne({ 'context.request_id': 'failed-unknown' });
    const shape = (event: typeof known) => ({
      app_id: event?.app_id,
      actor: event?.actor,
      entity_type: event?.entity_type,
      action: event?.action,
      before: event?.before,
      after: event?.after,
    });
    expect(shape(known)).toEqual({
      app_id: null,
      actor: { type: 'system', id: 'login' },
      entity_type: 'login',
      action: 'login.failed',
      before: null,
      after: null,
    });
    expect(shape(unknown)).toEqual(shape(known));
    expect([known?.entity_id, unknown?.entity_id]).toEqual(['ann@example.com', 'ghost@example.com']);
    expect(JSON.stringify([known, unknown])).not.toContain('wrong password audited');
    expect(JSON.stringify(known)).not.toContain(userId);
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const wrong = await login('ann@example.com', 'wrong password here');
    const unknown = await login('nobody@example.com', PASSWORD);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    const strip = (body: { error: { request_id?: string } }) => ({ ...body.error, request_id: undefined });
    expect(strip((await wrong.json()) as never)).toEqual(strip((await unknown.json()) as never));
  });

  it.each([
    ['no token', () => ({})],
    ['a malformed header', () => ({ authorization: 'Token abc' })],
    ['garbage', () => bearer('abc.def.ghi')],
    [
      'a wrong secret',
      () => bearer(signSessionToken({ userId, sessionId: 'a'.repeat(24), secret: 'w'.repeat(40) })),
    ],
    [
      'an expired token',
      () =>
        bearer(
          signSessionToken({
            userId,
            sessionId: 'a'.repeat(24),
            secret: SECRET,
            issuedAt: Math.floor(Date.now() / 1000) - 7200,
            ttlSeconds: 3600,
          }),
        ),
    ],
    [
      'alg none',
      () => {
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return bearer(
          `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: userId, sid: 'x', iat: now, exp: now + 60 })}.`,
        );
      },
    ],
  ])('answers 401 for %s', async (_label, headers) => {
    const response = await me(headers());
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('answers 401 for a tampered token', async () => {
    const [header, payload, signature] = (await tokenFor()).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, exp: Number(claims.exp) + 3600 })).toString(
      'base64url',
    );
    expect((await me(bearer(`${header}.${tampered}.${signature}`))).status).toBe(401);
  });

  it('refuses API keys on personal endpoints with 403', async () => {
    expect((await me({ 'x-api-key': apiKey })).status).toBe(403);
    expect((await me({ 'x-api-key': 'cmk_nope' })).status).toBe(401);
  });

  it('rejects unknown body fields', async () => {
    const response = await postJson(`${fixture.api.url}/api/auth/login`, {
      email: 'a@b.io',
      password: 'x',
      remember: true,
    });
    expect(response.status).toBe(400);
  });
});

describe('logout', () => {
  it('revokes the session, audits it, and the token is 401 afterwards', async () => {
    const token = await tokenFor();
    const other = await tokenFor();
    const response = await postJson(`${fixture.api.url}/api/auth/logout`, {}, bearer(token));
    expect(response.status).toBe(204);
    expect((await me(bearer(token))).status).toBe(401);
    expect((await postJson(`${fixture.api.url}/api/auth/logout`, {}, bearer(token))).status).toBe(401);
    expect((await me(bearer(other))).status).toBe(200);
    const events = await fixture.database.db
      .collection('audit_events')
      .find({ action: 'session.revoked' })
      .toArray();
    expect(events).toHaveLength(1);
    expect(events[0]?.actor).toEqual({ type: 'user', id: userId });
  });
});

describe('notification preferences', () => {
  it('default to on, toggle, and audit the change', async () => {
    const headers = bearer(await tokenFor());
    const url = `${fixture.api.url}/api/me/notification-preferences`;
    expect(await (await fetch(url, { headers })).json()).toEqual({
      data: { email_enabled: true, commit_mode: null },
    });
    const patch = await fetch(url, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ email_enabled: false }),
    });
    expect(patch.status).toBe(200);
    expect(await (await fetch(url, { headers })).json()).toEqual({
      data: { email_enabled: false, commit_mode: null },
    });
    const events = await fixture.database.db
      .collection('audit_events')
      .find({ action: 'notification_preferences.updated' })
      .toArray();
    expect(events.map((event) => [event.before, event.after])).toEqual([
      [
        { email_enabled: true, commit_mode: null },
        { email_enabled: false, commit_mode: null },
      ],
    ]);
    const invalid = await fetch(url, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ email_enabled: 'no' }),
    });
    expect(invalid.status).toBe(400);
  });

  it('hold the commit mode, set alone or cleared back to the app default', async () => {
    const headers = { ...bearer(await tokenFor()), 'content-type': 'application/json' };
    const url = `${fixture.api.url}/api/me/notification-preferences`;
    const patch = (body: unknown) => fetch(url, { method: 'PATCH', headers, body: JSON.stringify(body) });
    const chosen = await patch({ commit_mode: 'manual_checkpoint' });
    expect(chosen.status).toBe(200);
    expect(((await chosen.json()) as { data: unknown }).data).toMatchObject({
      commit_mode: 'manual_checkpoint',
    });
    const cleared = await patch({ commit_mode: null });
    expect(((await cleared.json()) as { data: unknown }).data).toMatchObject({ commit_mode: null });
    expect((await patch({ commit_mode: 'sometimes' })).status).toBe(400);
    expect((await patch({})).status).toBe(400);
  });
});

describe('rate limiting and logs', () => {
  it('answers 429 with Retry-After after five attempts for one email', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await login('target@example.com', 'guess password')).status).toBe(401);
    }
    const limited = await login('TARGET@example.com', 'guess password');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('never logs passwords or tokens', async () => {
    const token = await tokenFor();
    await me(bearer(token));
    const logged = JSON.stringify(fixture.api.logger.lines);
    expect(logged).not.toContain(PASSWORD);
    expect(logged).not.toContain('guess password');
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(apiKey);
  });
});
