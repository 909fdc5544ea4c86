import { bearer, startIdentityApi, type IdentityFixture } from './support/identity-fixture';

let fixture: IdentityFixture;
let appId: string;
let admin: { id: string; token: string };

beforeAll(async () => {
  fixture = await startIdentityApi();
  appId = await fixture.newApp('env-app');
  admin = await fixture.newUser('admin@example.com', { appId, role: 'app_admin' });
});

afterAll(() => fixture.close());

interface EnvironmentView {
  id: string;
  name: string;
  position: number;
  is_canonical: boolean;
}

const url = () => `${fixture.api.url}/api/apps/${appId}/environments`;

async function patch(environments: unknown[], token = admin.token): Promise<Response> {
  return fetch(url(), {
    method: 'PATCH',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify({ environments }),
  });
}

async function data(response: Response): Promise<EnvironmentView[]> {
  return ((await response.json()) as { data: EnvironmentView[] }).data;
}

describe('environments', () => {
  it('keep their ids when the same set is PATCHed twice, and every change is audited', async () => {
    const first = await data(
      await patch([
        { name: 'dev', position: 0 },
        { name: 'prod', position: 1, is_canonical: true },
      ]),
    );
    const second = await data(await patch(first));
    expect(second.map((env) => env.id)).toEqual(first.map((env) => env.id));
    expect(await data(await fetch(url(), { headers: bearer(admin.token) }))).toEqual(second);
    const events = await fixture.database.db
      .collection('audit_events')
      .find({ action: 'environments.updated' })
      .toArray();
    expect(events).toHaveLength(2);
  });

  it('refuse removing the environment named by canonical_env_id', async () => {
    const current = await data(await fetch(url(), { headers: bearer(admin.token) }));
    const prod = current.find((env) => env.name === 'prod');
    const app = await fixture.apps.findById(appId);
    await fixture.apps.updateSettings(appId, { ...app!.settings, canonical_env_id: prod!.id });
    const response = await patch(current.filter((env) => env.name !== 'prod'));
    expect(response.status).toBe(409);
    expect((await data(await fetch(url(), { headers: bearer(admin.token) }))).map((env) => env.name)).toEqual(
      ['dev', 'prod'],
    );
  });

  it('keep canonical_env_id and the is_canonical flag naming the same environment', async () => {
    const current = await data(await fetch(url(), { headers: bearer(admin.token) }));
    const prod = current.find((env) => env.name === 'prod')!;
    // The first PATCH flagged prod: it became the app's canonical_env_id.
    expect((await fixture.apps.findById(appId))?.settings.canonical_env_id).toBe(prod.id);
    const settingsEvents = await fixture.database.db
      .collection('audit_events')
      .find({ action: 'app.settings_updated', entity_id: appId })
      .toArray();
    expect(settingsEvents.map((event) => event.after.canonical_env_id)).toContain(prod.id);
    // Once set, it moves only through the settings: flagging another one, or none, is refused.
    const flagDev = current.map((env) => ({ ...env, is_canonical: env.name === 'dev' }));
    expect((await patch(flagDev)).status).toBe(409);
    expect((await patch(current.map((env) => ({ ...env, is_canonical: false })))).status).toBe(409);
    expect(await data(await fetch(url(), { headers: bearer(admin.token) }))).toEqual(current);
  });

  it('refuse duplicate names and a second canonical environment with 409, bad input with 400', async () => {
    expect(
      (
        await patch([
          { name: 'a', position: 0 },
          { name: 'a', position: 1 },
        ])
      ).status,
    ).toBe(409);
    expect(
      (
        await patch([
          { name: 'a', position: 0, is_canonical: true },
          { name: 'b', position: 1, is_canonical: true },
        ])
      ).status,
    ).toBe(409);
    expect((await patch([{ name: '../x', position: 0 }])).status).toBe(400);
    expect((await patch([{ name: 'a', position: 0, colour: 'red' }])).status).toBe(400);
  });

  it('are read by members and changed by app_admin only', async () => {
    const user = await fixture.newUser('user@example.com', { appId, role: 'config_manager' });
    const stranger = await fixture.newUser('stranger@example.com');
    expect((await fetch(url(), { headers: bearer(user.token) })).status).toBe(200);
    expect((await patch([], user.token)).status).toBe(403);
    expect((await fetch(url(), { headers: bearer(stranger.token) })).status).toBe(404);
  });
});
