import { bearer, startIdentityApi, type IdentityFixture } from './support/identity-fixture';

let fixture: IdentityFixture;
let firstApp: string;
let secondApp: string;

beforeAll(async () => {
  fixture = await startIdentityApi();
  firstApp = await fixture.newApp('alpha');
  secondApp = await fixture.newApp('beta');
});

afterAll(() => fixture.close());

const names = async (response: Response) =>
  ((await response.json()) as { data: { name: string }[] }).data.map((app) => app.name);

describe('reading apps', () => {
  it('lists the apps of the caller; platform admins see all, API keys their own', async () => {
    const member = await fixture.newUser('member@example.com', { appId: secondApp, role: 'user' });
    const root = await fixture.newUser('root@example.com');
    await fixture.users.update(root.id, { isPlatformAdmin: true });
    const key = await fixture.newApiKey(firstApp, 'user', member.id);
    const list = (headers: Record<string, string>) => fetch(`${fixture.api.url}/api/apps`, { headers });
    expect(await names(await list(bearer(member.token)))).toEqual(['beta']);
    expect(await names(await list(bearer(root.token)))).toEqual(['alpha', 'beta']);
    expect(await names(await list({ 'x-api-key': key }))).toEqual(['alpha']);
    expect((await list({})).status).toBe(401);
  });

  it('shows one app with default settings to members and 404 to everyone else', async () => {
    const member = await fixture.newUser('reader@example.com', { appId: firstApp, role: 'reviewer' });
    const get = (appId: string) =>
      fetch(`${fixture.api.url}/api/apps/${appId}`, { headers: bearer(member.token) });
    const response = await get(firstApp);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { name: string; settings: Record<string, unknown> } };
    expect(body.data.name).toBe('alpha');
    expect(body.data.settings).toMatchObject({ required_approvals: 1, allow_self_approval: false });
    expect((await get(secondApp)).status).toBe(404);
    expect((await get('0123456789abcdef01234567')).status).toBe(404);
    expect((await get('not-an-id')).status).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents every identity route', async () => {
    const response = await fetch(`${fixture.api.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/auth/accept-invite',
        '/api/auth/forgot-password',
        '/api/me/notification-preferences',
        '/api/apps/{appId}/members/{userId}',
        '/api/apps/{appId}/invites/{inviteId}/resend',
        '/api/apps/{appId}/api-keys',
        '/api/apps/{appId}/environments',
        '/api/apps/{appId}/audit',
      ]),
    );
  });
});
