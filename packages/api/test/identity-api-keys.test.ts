import { postJson } from './support/harness';
import { bearer, startIdentityApi, type IdentityFixture } from './support/identity-fixture';

let fixture: IdentityFixture;
let appId: string;
let admin: { id: string; token: string };

beforeAll(async () => {
  fixture = await startIdentityApi();
  appId = await fixture.newApp('keys-app');
  admin = await fixture.newUser('admin@example.com', { appId, role: 'app_admin' });
});

afterAll(() => fixture.close());

const keysUrl = () => `${fixture.api.url}/api/apps/${appId}/api-keys`;

describe('API keys', () => {
  it('are shown once, authenticate with their role, and stop working when revoked', async () => {
    const response = await postJson(keysUrl(), { name: 'ci', role: 'reviewer' }, bearer(admin.token));
    expect(response.status).toBe(201);
    const { data } = (await response.json()) as { data: { id: string; key: string; display_prefix: string } };
    expect(data.key).toMatch(/^cmk_[A-Za-z0-9_-]{43}$/);
    expect(data.key.startsWith(data.display_prefix)).toBe(true);

    const listing = await fetch(keysUrl(), { headers: bearer(admin.token) });
    expect(await listing.text()).not.toContain(data.key);

    const members = `${fixture.api.url}/api/apps/${appId}/members`;
    expect((await fetch(members, { headers: { 'x-api-key': data.key } })).status).toBe(200);
    // A reviewer key cannot manage keys.
    expect((await fetch(keysUrl(), { headers: { 'x-api-key': data.key } })).status).toBe(403);

    const revoke = await fetch(`${keysUrl()}/${data.id}`, { method: 'DELETE', headers: bearer(admin.token) });
    expect(revoke.status).toBe(204);
    expect((await fetch(members, { headers: { 'x-api-key': data.key } })).status).toBe(401);

    const stored = JSON.stringify(await fixture.database.db.collection('api_keys').find().toArray());
    expect(stored).not.toContain(data.key);
    const audit = JSON.stringify(await fixture.database.db.collection('audit_events').find().toArray());
    expect(audit).toContain('api_key.created');
    expect(audit).toContain('api_key.revoked');
    expect(audit).not.toContain(data.key);
  });

  it('are managed by app_admin only and refuse past expiry and duplicate names', async () => {
    const manager = await fixture.newUser('manager@example.com', { appId, role: 'config_manager' });
    expect((await postJson(keysUrl(), { name: 'x', role: 'user' }, bearer(manager.token))).status).toBe(403);
    const past = await postJson(
      keysUrl(),
      { name: 'old', role: 'user', expires_at: '2001-01-01T00:00:00Z' },
      bearer(admin.token),
    );
    expect(past.status).toBe(400);
    expect((await postJson(keysUrl(), { name: 'dup', role: 'user' }, bearer(admin.token))).status).toBe(201);
    expect((await postJson(keysUrl(), { name: 'dup', role: 'user' }, bearer(admin.token))).status).toBe(409);
  });

  it('leave a bounded trace of their use: last_used_at and one api_key.used event per hour', async () => {
    const response = await postJson(keysUrl(), { name: 'usage', role: 'app_admin' }, bearer(admin.token));
    const { data } = (await response.json()) as { data: { id: string; key: string } };
    const members = `${fixture.api.url}/api/apps/${appId}/members`;
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => fetch(members, { headers: { 'x-api-key': data.key } })),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const usedEvents = () =>
      fixture.database.db
        .collection('audit_events')
        .find({ action: 'api_key.used', entity_id: data.id })
        .toArray();
    const events = await usedEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: { type: 'api_key', id: data.id }, entity_type: 'api_key' });
    expect(JSON.stringify(events)).not.toContain(data.key);

    const listed = await (await fetch(keysUrl(), { headers: bearer(admin.token) })).json();
    const usage = (listed as { data: { id: string; last_used_at: string | null }[] }).data.find(
      (k) => k.id === data.id,
    );
    expect(Date.parse(usage!.last_used_at!)).toBeGreaterThan(Date.now() - 60_000);

    // An hour later (moved back in the database) the next use is audited again.
    await fixture.database.db
      .collection('api_keys')
      .updateOne(
        { display_prefix: data.key.slice(0, 8) },
        { $set: { usage_audited_at: new Date(Date.now() - 3_600_001) } },
      );
    expect((await fetch(members, { headers: { 'x-api-key': data.key } })).status).toBe(200);
    expect(await usedEvents()).toHaveLength(2);

    // What the key changes is attributed to it.
    const invite = await postJson(
      `${fixture.api.url}/api/apps/${appId}/invites`,
      { email: 'by-key@example.com', role: 'user' },
      { 'x-api-key': data.key },
    );
    expect(invite.status).toBe(201);
    const created = await fixture.database.db
      .collection('audit_events')
      .findOne({ action: 'invite.created' });
    expect(created?.actor).toEqual({ type: 'api_key', id: data.id });
  });
});
