import { bearer, startIdentityApi, type IdentityFixture } from './support/identity-fixture';

let fixture: IdentityFixture;
let appId: string;
let otherAppId: string;
let admin: { id: string; token: string };

beforeAll(async () => {
  fixture = await startIdentityApi();
  appId = await fixture.newApp('settings-app');
  otherAppId = await fixture.newApp('other-app');
  admin = await fixture.newUser('admin@example.com', { appId, role: 'app_admin' });
});

afterAll(() => fixture.close());

function patchSettings(body: unknown, headers: Record<string, string> = bearer(admin.token), app = appId) {
  return fetch(`${fixture.api.url}/api/apps/${app}/settings`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function settingsOf(response: Response): Promise<Record<string, any>> {
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { settings: Record<string, any> } }).data.settings;
}

async function replaceEnvironments(app: string, environments: unknown[], token = admin.token) {
  const response = await fetch(`${fixture.api.url}/api/apps/${app}/environments`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...bearer(token) },
    body: JSON.stringify({ environments }),
  });
  return ((await response.json()) as { data: { id: string; name: string; is_canonical: boolean }[] }).data;
}

describe('PATCH /apps/:appId/settings', () => {
  it('replaces the named settings only and audits before/after with secrets masked', async () => {
    const gates = [
      {
        name: 'msuite_submit',
        command: ['msuite', 'run', '--gate', 'submit'],
        timeout_seconds: 300,
        profile_scope: 'temp',
      },
      { name: 'msuite_deploy', command: null, timeout_seconds: 60, profile_scope: 'environment' },
    ];
    const settings = await settingsOf(
      await patchSettings({
        required_approvals: 2,
        blocked_paths: ['secrets/**'],
        validation_gates: gates,
        semantic_diff_rules: [{ glob: 'custom/*.yaml', config_type: 'workflow' }],
        default_env_vars: { API_URL: 'https://api.example.com', API_TOKEN: 'super-secret-value' },
        temp_url_domain: 'preview.example.com',
      }),
    );
    expect(settings).toMatchObject({
      required_approvals: 2,
      blocked_paths: ['secrets/**'],
      validation_gates: gates,
      allow_self_approval: false,
      baseline_mode: 'canonical_env_release',
      temp_url_domain: 'preview.example.com',
    });
    const read = await fetch(`${fixture.api.url}/api/apps/${appId}`, { headers: bearer(admin.token) });
    expect(((await read.json()) as { data: { settings: unknown } }).data.settings).toEqual(settings);

    const [event] = await fixture.database.db
      .collection('audit_events')
      .find({ action: 'app.settings_updated', app_id: { $exists: true } })
      .toArray();
    expect(event).toMatchObject({
      entity_type: 'app',
      actor: { type: 'user', id: admin.id },
      before: { required_approvals: 1, blocked_paths: ['.git/**', '.gitignore', '.github/**'] },
      after: { required_approvals: 2, default_env_vars: { API_URL: 'https://api.example.com' } },
    });
    expect(JSON.stringify(event)).not.toContain('super-secret-value');
  });

  it('loses no update when settings are patched concurrently', async () => {
    const patches = [
      { allow_self_approval: true },
      { file_size_limit_bytes: 1024 },
      { commit_mode_default: 'manual_checkpoint' },
      { runtime_profile_approval_policy: 'same_as_changeset' },
      { baseline_mode: 'integration_head' },
    ];
    const responses = await Promise.all(patches.map((patch) => patchSettings(patch)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await fixture.apps.findById(appId))?.settings).toMatchObject(Object.assign({}, ...patches));
    await settingsOf(
      await patchSettings({
        allow_self_approval: false,
        file_size_limit_bytes: 5 * 1024 * 1024,
        commit_mode_default: 'submit_commit',
        runtime_profile_approval_policy: 'stricter_two_approvals',
        baseline_mode: 'canonical_env_release',
      }),
    );
  });

  it.each([
    [{ colour: 'red' }],
    [{ required_approvals: 0 }],
    [{ file_size_limit_bytes: -1 }],
    [{ commit_mode_default: 'sometimes' }],
    [{ blocked_paths: ['[unclosed'] }],
    [{ semantic_diff_rules: [{ glob: 'a/**', config_type: 'widget' }] }],
    [{ default_env_vars: { CONMAN_APP_ID: 'spoof' } }],
    [{ canonical_env_id: 'prod' }],
    [
      {
        validation_gates: [
          { name: 'msuite_submit', command: 'a', timeout_seconds: 1, profile_scope: 'temp' },
          { name: 'msuite_submit', command: 'b', timeout_seconds: 1, profile_scope: 'temp' },
        ],
      },
    ],
  ])('refuses %j with 400 and changes nothing', async (body) => {
    const before = await fixture.apps.findById(appId);
    const response = await patchSettings(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('validation_error');
    expect((await fixture.apps.findById(appId))?.settings).toEqual(before?.settings);
  });

  it('moves the canonical flag of the environments with canonical_env_id', async () => {
    const [dev, prod] = await replaceEnvironments(appId, [
      { name: 'dev', position: 0 },
      { name: 'prod', position: 1 },
    ]);
    expect((await settingsOf(await patchSettings({ canonical_env_id: prod!.id }))).canonical_env_id).toBe(
      prod!.id,
    );
    const flags = async () =>
      (await fixture.services.environments.listForApp(appId)).map((env) => [env.name, env.isCanonical]);
    expect(await flags()).toEqual([
      ['dev', false],
      ['prod', true],
    ]);
    await settingsOf(await patchSettings({ canonical_env_id: dev!.id }));
    expect(await flags()).toEqual([
      ['dev', true],
      ['prod', false],
    ]);
    expect((await settingsOf(await patchSettings({ canonical_env_id: null }))).canonical_env_id).toBeNull();
    expect(await flags()).toEqual([
      ['dev', false],
      ['prod', false],
    ]);
  });

  it('answers 404 for a canonical_env_id of another app or of nothing, changing nothing', async () => {
    const [foreign] = await replaceEnvironments(
      otherAppId,
      [{ name: 'prod', position: 0 }],
      (await fixture.newUser('other-admin@example.com', { appId: otherAppId, role: 'app_admin' })).token,
    );
    const before = await fixture.apps.findById(appId);
    expect((await patchSettings({ canonical_env_id: foreign!.id, required_approvals: 5 })).status).toBe(404);
    expect((await patchSettings({ canonical_env_id: '0123456789abcdef01234567' })).status).toBe(404);
    expect((await fixture.apps.findById(appId))?.settings).toEqual(before?.settings);
    expect((await fixture.services.environments.listForApp(otherAppId))[0]?.isCanonical).toBe(false);
  });

  it('is for app admins: 403 for other roles, 404 for non-members; API keys act as api_key', async () => {
    const manager = await fixture.newUser('manager@example.com', { appId, role: 'config_manager' });
    const stranger = await fixture.newUser('stranger@example.com');
    expect((await patchSettings({ required_approvals: 3 }, bearer(manager.token))).status).toBe(403);
    expect((await patchSettings({ required_approvals: 3 }, bearer(stranger.token))).status).toBe(404);
    expect((await patchSettings({ required_approvals: 3 }, {})).status).toBe(401);
    expect((await patchSettings({ required_approvals: 3 }, bearer(admin.token), otherAppId)).status).toBe(
      404,
    );

    const key = await fixture.newApiKey(appId, 'app_admin', admin.id);
    expect(
      (await settingsOf(await patchSettings({ required_approvals: 3 }, { 'x-api-key': key })))
        .required_approvals,
    ).toBe(3);
    const last = await fixture.database.db
      .collection('audit_events')
      .find({ action: 'app.settings_updated' })
      .sort({ _id: -1 })
      .limit(1)
      .next();
    expect(last?.actor.type).toBe('api_key');
  });
});
