import { startIdentityApi, bearer, type IdentityFixture } from './support/identity-fixture';

let fixture: IdentityFixture;
let appId: string;
let otherAppId: string;
let admin: { id: string; token: string };
let reviewer: { id: string; token: string };
let outsider: { id: string; token: string };

beforeAll(async () => {
  fixture = await startIdentityApi();
  appId = await fixture.newApp('members-app');
  otherAppId = await fixture.newApp('other-app');
  admin = await fixture.newUser('admin@example.com', { appId, role: 'app_admin' });
  reviewer = await fixture.newUser('reviewer@example.com', { appId, role: 'reviewer' });
  outsider = await fixture.newUser('outsider@example.com', { appId: otherAppId, role: 'app_admin' });
});

afterAll(() => fixture.close());

const url = (path: string) => `${fixture.api.url}/api/apps/${path}`;

function patchRole(path: string, token: string, role: string): Promise<Response> {
  return fetch(url(path), {
    method: 'PATCH',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify({ role }),
  });
}

describe('members', () => {
  it('are listed for members only; non-members get 404', async () => {
    const response = await fetch(url(`${appId}/members`), { headers: bearer(reviewer.token) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { email: string; role: string }[]; pagination: unknown };
    expect(body.data.map((m) => [m.email, m.role])).toEqual([
      ['admin@example.com', 'app_admin'],
      ['reviewer@example.com', 'reviewer'],
    ]);
    expect(body.pagination).toEqual({ page: 1, limit: 20, total: 2 });
    expect((await fetch(url(`${appId}/members`), { headers: bearer(outsider.token) })).status).toBe(404);
    expect((await fetch(url(`${appId}/members`))).status).toBe(401);
  });

  it('change role only by app_admin, effective at once, audited', async () => {
    expect((await patchRole(`${appId}/members/${reviewer.id}`, reviewer.token, 'app_admin')).status).toBe(
      403,
    );
    expect((await patchRole(`${appId}/members/${reviewer.id}`, outsider.token, 'user')).status).toBe(404);
    const response = await patchRole(`${appId}/members/${reviewer.id}`, admin.token, 'config_manager');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { role: string } }).data.role).toBe('config_manager');
    const audit = (token: string) =>
      fetch(url(`${appId}/audit?action=membership.role_changed`), { headers: bearer(token) });
    const body = (await (await audit(admin.token)).json()) as { data: unknown[] };
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({
      actor: { type: 'user', id: admin.id },
      before: { user_id: reviewer.id, role: 'reviewer' },
      after: { user_id: reviewer.id, role: 'config_manager' },
    });
    // The resolver has cached the member's role; a change made through the API applies at once.
    expect((await audit(reviewer.token)).status).toBe(403);
    await patchRole(`${appId}/members/${reviewer.id}`, admin.token, 'app_admin');
    expect((await audit(reviewer.token)).status).toBe(200);
    await patchRole(`${appId}/members/${reviewer.id}`, admin.token, 'reviewer');
  });

  it('never lose their last app_admin', async () => {
    expect((await patchRole(`${appId}/members/${admin.id}`, admin.token, 'user')).status).toBe(409);
    const removal = await fetch(url(`${appId}/members/${admin.id}`), {
      method: 'DELETE',
      headers: bearer(admin.token),
    });
    expect(removal.status).toBe(409);
    expect(((await removal.json()) as { error: { code: string } }).error.code).toBe('conflict');
  });

  it('are removed by app_admin, lose access at once, and the removal is audited', async () => {
    const leaving = await fixture.newUser('leaving@example.com', { appId, role: 'user' });
    expect((await fetch(url(`${appId}/members`), { headers: bearer(leaving.token) })).status).toBe(200);
    const removal = await fetch(url(`${appId}/members/${leaving.id}`), {
      method: 'DELETE',
      headers: bearer(admin.token),
    });
    expect(removal.status).toBe(204);
    expect((await fetch(url(`${appId}/members`), { headers: bearer(leaving.token) })).status).toBe(404);
    const again = await fetch(url(`${appId}/members/${leaving.id}`), {
      method: 'DELETE',
      headers: bearer(admin.token),
    });
    expect(again.status).toBe(404);
    const events = await fetch(url(`${appId}/audit?action=membership.removed&entity_type=membership`), {
      headers: bearer(admin.token),
    });
    expect(((await events.json()) as { data: { before: unknown }[] }).data[0]?.before).toEqual({
      user_id: leaving.id,
      role: 'user',
    });
  });

  it('of another app are 404 under this app', async () => {
    expect((await patchRole(`${appId}/members/${outsider.id}`, admin.token, 'user')).status).toBe(404);
  });

  it('answer API keys by the key role in its own app', async () => {
    const adminKey = await fixture.newApiKey(appId, 'app_admin', admin.id);
    const userKey = await fixture.newApiKey(appId, 'user', admin.id);
    expect((await fetch(url(`${appId}/members`), { headers: { 'x-api-key': userKey } })).status).toBe(200);
    expect((await fetch(url(`${otherAppId}/members`), { headers: { 'x-api-key': adminKey } })).status).toBe(
      404,
    );
    const viaKey = await fetch(url(`${appId}/members/${reviewer.id}`), {
      method: 'PATCH',
      headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'reviewer' }),
    });
    expect(viaKey.status).toBe(200);
  });
});

describe('audit log endpoint', () => {
  it('is for app_admin only, filters and paginates, and records the request context', async () => {
    expect((await fetch(url(`${appId}/audit`), { headers: bearer(reviewer.token) })).status).toBe(403);
    expect((await fetch(url(`${appId}/audit`), { headers: bearer(outsider.token) })).status).toBe(404);
    const page = await fetch(url(`${appId}/audit?limit=1&page=1`), {
      headers: { ...bearer(admin.token), 'user-agent': 'audit-test' },
    });
    expect(page.status).toBe(200);
    const body = (await page.json()) as {
      data: { context: { request_id: string | null; client_ip: string | null } }[];
      pagination: { total: number };
    };
    expect(body.data).toHaveLength(1);
    expect(body.pagination.total).toBeGreaterThanOrEqual(3);
    expect(body.data[0]?.context.request_id).toEqual(expect.any(String));
    expect(body.data[0]?.context.client_ip).toEqual(expect.any(String));
    expect((await fetch(url(`${appId}/audit?limit=500`), { headers: bearer(admin.token) })).status).toBe(400);
  });

  it('contains no tokens, keys or passwords', async () => {
    const events = await fixture.database.db.collection('audit_events').find().toArray();
    const serialized = JSON.stringify(events);
    expect(serialized).not.toMatch(/eyJ|cmk_|tangerine/);
  });
});
