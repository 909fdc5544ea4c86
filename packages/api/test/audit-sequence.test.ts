/**
 * SPEC §6.12 end to end: every mutation of the API, called over HTTP in one scripted sequence, leaves
 * exactly one audit event with its actor, action, entity, request id and before/after; and no audit
 * event, log line or response body (except the one-time API key creation response and the login
 * response's own token) carries a password, session token, invite or reset token, or API key used
 * along the way.
 */
import { inspect } from 'node:util';
import { hashPassword } from '@conman/auth';
import { AUDIT_EVENTS } from '@conman/db';
import { FORGOT_PASSWORD_ACTOR } from '../src/resources/auth/password-reset';
import {
  RecordingClient,
  appAuditEvents,
  mailedTokens,
  platformAuditEvents,
  sessionIdOf,
  until,
  type AuditView,
  type Call,
  type CallOptions,
} from './support/audit-trail';
import { PASSWORD, bearer, startIdentityApi, type IdentityFixture } from './support/identity-fixture';
import { seedAppRepository } from './support/workspace-repo';

const ACCEPT_PASSWORD = 'copper meadow whistle 31';
const RESET_PASSWORD = 'saffron glacier bicycle 58';

type Presence = 'present' | 'absent';

interface ExpectedEvent {
  appId: string | null;
  actor: { type: 'user' | 'api_key' | 'system'; id: string };
  action: string;
  entityType: string;
  entityId: string;
  before: Presence;
  after: Presence;
  /** Checks of the before/after content where the change is the point of the event. */
  content?: (event: AuditView) => void;
}

interface Mutation {
  step: string;
  requestId: string;
  /** Usually one event; a call with an API key also records `api_key.used` (at most hourly). */
  expected: ExpectedEvent[];
}

let fixture: IdentityFixture;
let client: RecordingClient;
const mutations: Mutation[] = [];
const secrets: { label: string; value: string }[] = [];

beforeAll(async () => {
  fixture = await startIdentityApi();
  client = new RecordingClient(fixture.api.url);
}, 60_000);

afterAll(() => fixture.close());

function secret(label: string, value: string | undefined): string {
  if (!value) throw new Error(`secret ${label} is missing`);
  secrets.push({ label, value });
  return value;
}

/** Calls a mutation, checks its success status and remembers the audit event it must leave. */
async function mutate(
  step: string,
  status: number,
  method: string,
  path: string,
  options: CallOptions,
  expected: (result: Call) => ExpectedEvent | ExpectedEvent[],
): Promise<Call> {
  const result = await client.call(step, method, path, options);
  expect({ step, status: result.status, error: result.json?.error }).toEqual({
    step,
    status,
    error: undefined,
  });
  mutations.push({ step, requestId: result.requestId, expected: [expected(result)].flat() });
  return result;
}

const isPresent = (value: unknown): Presence =>
  value === null || value === undefined ? 'absent' : 'present';

/**
 * Workspaces, changesets, the queue and jobs: one call of each kind of mutation. The gate job is
 * finished through the job store, as the worker does (not an API mutation, so not audited).
 */
async function authoringSequence(appId: string, admin: { id: string; token: string }): Promise<void> {
  await seedAppRepository(fixture, appId);
  const reviewer = await fixture.newUser('seq-reviewer@example.com', { appId, role: 'reviewer' });
  secret('reviewer session', reviewer.token);
  const asAdmin = { headers: bearer(admin.token) };
  const app = (suffix: string) => `/api/apps/${appId}${suffix}`;
  const byAdmin = { type: 'user' as const, id: admin.id };
  const event = (
    action: string,
    entityType: string,
    entityId: string,
    before: Presence,
    after: Presence,
    actor = byAdmin,
  ): ExpectedEvent => ({ appId, actor, action, entityType, entityId, before, after });

  const workspace = await mutate(
    'create-workspace',
    201,
    'POST',
    app('/workspaces'),
    { ...asAdmin, body: { title: 'Audit trail' } },
    (result) => event('workspace.created', 'workspace', result.json.data.id as string, 'absent', 'present'),
  );
  const workspaceId = workspace.json.data.id as string;
  await mutate(
    'write-file',
    200,
    'PUT',
    app(`/workspaces/${workspaceId}/files`),
    { ...asAdmin, body: { path: 'entities/audit.json', content: '{"name":"audit"}\n', encoding: 'utf8' } },
    () => event('workspace.file_written', 'workspace', workspaceId, 'present', 'present'),
  );
  const changeset = await mutate(
    'create-changeset',
    201,
    'POST',
    app('/changesets'),
    { ...asAdmin, body: { workspace_id: workspaceId, title: 'Audit entity' } },
    (result) => event('changeset.created', 'changeset', result.json.data.id as string, 'absent', 'present'),
  );
  const changesetId = changeset.json.data.id as string;
  const submitted = await mutate(
    'submit-changeset',
    202,
    'POST',
    app(`/changesets/${changesetId}/submit`),
    asAdmin,
    // Submit commits the working state first (SPEC §5.3), audited on the workspace.
    () => [
      event('workspace.committed', 'workspace', workspaceId, 'present', 'present'),
      event('changeset.submitted', 'changeset', changesetId, 'present', 'present'),
    ],
  );
  const gateJobId = submitted.json.data.job.id as string;
  await fixture.services.jobs.start(gateJobId, 'seq-worker', 60_000);
  await fixture.services.jobs.finish(gateJobId, 'seq-worker', { state: 'succeeded' });
  await mutate(
    'approve-changeset',
    200,
    'POST',
    app(`/changesets/${changesetId}/review`),
    { headers: bearer(reviewer.token), body: { action: 'approve' } },
    () =>
      event('changeset.review.approve', 'changeset', changesetId, 'present', 'present', {
        type: 'user',
        id: reviewer.id,
      }),
  );
  await mutate('queue-changeset', 200, 'POST', app(`/changesets/${changesetId}/queue`), asAdmin, () =>
    event('changeset.queued', 'changeset', changesetId, 'present', 'present'),
  );
  const validation = await mutate(
    'validate-commit',
    202,
    'POST',
    app('/validate'),
    { ...asAdmin, body: { ref: 'main' } },
    (result) =>
      event('job.validation_requested', 'job', result.json.data.job.id as string, 'absent', 'present'),
  );
  const jobId = validation.json.data.job.id as string;
  await mutate('cancel-job', 200, 'POST', app(`/jobs/${jobId}/cancel`), asAdmin, () =>
    event('job.cancel_requested', 'job', jobId, 'present', 'present'),
  );
}

describe('audit sequence', () => {
  it('records one complete event per mutation and leaks no secret anywhere', async () => {
    // Setup through the repositories: none of it is audited.
    const appId = await fixture.newApp('audit-sequence');
    const admin = await fixture.newUser('seq-admin@example.com', { appId, role: 'app_admin' });
    const member = await fixture.newUser('seq-member@example.com', { appId, role: 'user' });
    const existing = await fixture.newUser('seq-existing@example.com');
    secret('fixture password', PASSWORD);
    secret('accept-invite password', ACCEPT_PASSWORD);
    secret('reset password', RESET_PASSWORD);
    secret('admin session', admin.token);
    secret('member session', member.token);
    secret('existing user session', existing.token);
    const asAdmin = { headers: bearer(admin.token) };
    const app = (suffix: string) => `/api/apps/${appId}${suffix}`;

    // Invites: create three, resend one, revoke one.
    const inviteCreated = (result: Call): ExpectedEvent => ({
      appId,
      actor: { type: 'user', id: admin.id },
      action: 'invite.created',
      entityType: 'invite',
      entityId: result.json.data.id as string,
      before: 'absent',
      after: 'present',
      content: (event) => expect(event.after).toMatchObject({ email: result.json.data.email }),
    });
    const newcomerInvite = await mutate(
      'create-invite-new',
      201,
      'POST',
      app('/invites'),
      { ...asAdmin, body: { email: 'seq-newcomer@example.com', role: 'reviewer' } },
      inviteCreated,
    );
    const existingInvite = await mutate(
      'create-invite-existing',
      201,
      'POST',
      app('/invites'),
      { ...asAdmin, body: { email: 'seq-existing@example.com', role: 'config_manager' } },
      inviteCreated,
    );
    const revokedInvite = await mutate(
      'create-invite-to-revoke',
      201,
      'POST',
      app('/invites'),
      { ...asAdmin, body: { email: 'seq-revoked@example.com', role: 'user' } },
      inviteCreated,
    );
    const newcomerInviteId = newcomerInvite.json.data.id as string;
    await mutate('resend-invite', 200, 'POST', app(`/invites/${newcomerInviteId}/resend`), asAdmin, () => ({
      appId,
      actor: { type: 'user', id: admin.id },
      action: 'invite.resent',
      entityType: 'invite',
      entityId: newcomerInviteId,
      before: 'present',
      after: 'present',
    }));
    const revokedInviteId = revokedInvite.json.data.id as string;
    await mutate('revoke-invite', 204, 'DELETE', app(`/invites/${revokedInviteId}`), asAdmin, () => ({
      appId,
      actor: { type: 'user', id: admin.id },
      action: 'invite.revoked',
      entityType: 'invite',
      entityId: revokedInviteId,
      before: 'present',
      after: 'absent',
    }));

    const inviteTokens = await mailedTokens(fixture, 'accept-invite');
    const newcomerTokens = inviteTokens.get('seq-newcomer@example.com') ?? [];
    expect(newcomerTokens).toHaveLength(2); // the first mail and the resent one
    newcomerTokens.forEach((token, index) => secret(`newcomer invite token ${index + 1}`, token));
    const existingToken = secret('existing invite token', inviteTokens.get('seq-existing@example.com')?.[0]);
    secret('revoked invite token', inviteTokens.get('seq-revoked@example.com')?.[0]);

    // Accepting: a new account, then an existing account (with its password).
    const accepted = (inviteId: string, role: string, accountCreated: boolean) => (result: Call) => ({
      appId,
      actor: { type: 'user' as const, id: result.json.data.user_id as string },
      action: 'invite.accepted',
      entityType: 'invite',
      entityId: inviteId,
      before: 'absent' as const,
      after: 'present' as const,
      content: (event: AuditView) =>
        expect(event.after).toEqual({
          user_id: result.json.data.user_id,
          role,
          account_created: accountCreated,
        }),
    });
    const newcomer = await mutate(
      'accept-invite-new-account',
      200,
      'POST',
      '/api/auth/accept-invite',
      { body: { token: newcomerTokens[1], name: 'Newcomer', password: ACCEPT_PASSWORD } },
      accepted(newcomerInviteId, 'reviewer', true),
    );
    const acceptedExisting = await mutate(
      'accept-invite-existing-account',
      200,
      'POST',
      '/api/auth/accept-invite',
      { body: { token: existingToken, password: PASSWORD } },
      accepted(existingInvite.json.data.id as string, 'config_manager', false),
    );
    expect(acceptedExisting.json.data.user_id).toBe(existing.id);

    // Members: change a role, then remove the member.
    const membership = await fixture.memberships.find(appId, member.id);
    if (!membership) throw new Error('the member was set up');
    await mutate(
      'change-member-role',
      200,
      'PATCH',
      app(`/members/${member.id}`),
      { ...asAdmin, body: { role: 'reviewer' } },
      () => ({
        appId,
        actor: { type: 'user', id: admin.id },
        action: 'membership.role_changed',
        entityType: 'membership',
        entityId: membership.id,
        before: 'present',
        after: 'present',
        content: (event) => {
          expect(event.before).toEqual({ user_id: member.id, role: 'user' });
          expect(event.after).toEqual({ user_id: member.id, role: 'reviewer' });
        },
      }),
    );
    await mutate('remove-member', 204, 'DELETE', app(`/members/${member.id}`), asAdmin, () => ({
      appId,
      actor: { type: 'user', id: admin.id },
      action: 'membership.removed',
      entityType: 'membership',
      entityId: membership.id,
      before: 'present',
      after: 'absent',
      content: (event) => expect(event.before).toEqual({ user_id: member.id, role: 'reviewer' }),
    }));

    // API keys: create one, change the environments with it, revoke it.
    const createdKey = await mutate(
      'create-api-key',
      201,
      'POST',
      app('/api-keys'),
      { ...asAdmin, body: { name: 'seq-ci', role: 'app_admin' } },
      (result) => ({
        appId,
        actor: { type: 'user', id: admin.id },
        action: 'api_key.created',
        entityType: 'api_key',
        entityId: result.json.data.id as string,
        before: 'absent',
        after: 'present',
        content: (event) => expect(event.after).toMatchObject({ name: 'seq-ci', role: 'app_admin' }),
      }),
    );
    const keyId = createdKey.json.data.id as string;
    const apiKey = secret('API key', createdKey.json.data.key as string);
    await mutate(
      'replace-environments-with-api-key',
      200,
      'PATCH',
      app('/environments'),
      { headers: { 'x-api-key': apiKey }, body: { environments: [{ name: 'dev', position: 0 }] } },
      () => [
        {
          appId,
          actor: { type: 'api_key', id: keyId },
          action: 'api_key.used',
          entityType: 'api_key',
          entityId: keyId,
          before: 'absent',
          after: 'present',
          content: (event) => expect(event.after).toMatchObject({ name: 'seq-ci', role: 'app_admin' }),
        },
        {
          appId,
          actor: { type: 'api_key', id: keyId },
          action: 'environments.updated',
          entityType: 'environments',
          entityId: appId,
          before: 'present',
          after: 'present',
          content: (event) => {
            expect(event.before).toEqual([]);
            expect(event.after).toMatchObject([{ name: 'dev', position: 0 }]);
          },
        },
      ],
    );
    await mutate('revoke-api-key', 204, 'DELETE', app(`/api-keys/${keyId}`), asAdmin, () => ({
      appId,
      actor: { type: 'user', id: admin.id },
      action: 'api_key.revoked',
      entityType: 'api_key',
      entityId: keyId,
      before: 'present',
      after: 'absent',
    }));

    // The signed-in user's own settings.
    await mutate(
      'update-notification-preferences',
      200,
      'PATCH',
      '/api/me/notification-preferences',
      { headers: bearer(existing.token), body: { email_enabled: false } },
      () => ({
        appId: null,
        actor: { type: 'user', id: existing.id },
        action: 'notification_preferences.updated',
        entityType: 'notification_preferences',
        entityId: existing.id,
        before: 'present',
        after: 'present',
        content: (event) => {
          expect(event.before).toEqual({ email_enabled: true, commit_mode: null });
          expect(event.after).toEqual({ email_enabled: false, commit_mode: null });
        },
      }),
    );

    // Password reset: the request (work done after the 202) and the reset itself.
    await mutate(
      'forgot-password',
      202,
      'POST',
      '/api/auth/forgot-password',
      { body: { email: 'seq-existing@example.com' } },
      () => ({
        appId: null,
        actor: { ...FORGOT_PASSWORD_ACTOR },
        action: 'user.password_reset_requested',
        entityType: 'user',
        entityId: existing.id,
        before: 'absent',
        after: 'present',
      }),
    );
    const resetToken = secret(
      'reset token',
      await until(
        async () => (await mailedTokens(fixture, 'reset-password')).get('seq-existing@example.com')?.[0],
        'the reset mail',
      ),
    );
    await mutate(
      'reset-password',
      204,
      'POST',
      '/api/auth/reset-password',
      { body: { token: resetToken, password: RESET_PASSWORD } },
      () => ({
        appId: null,
        actor: { type: 'user', id: existing.id },
        action: 'user.password_reset',
        entityType: 'user',
        entityId: existing.id,
        before: 'absent',
        after: 'present',
      }),
    );

    // A failed login (audited without the password or whether the account exists), a login, and the
    // logout of that session of the account created by the invite.
    const wrongPassword = secret('wrong login password', 'not the newcomer password 9');
    const failedLogin = await client.call('login-failed', 'POST', '/api/auth/login', {
      body: { email: 'seq-newcomer@example.com', password: wrongPassword },
    });
    expect(failedLogin.status).toBe(401);
    mutations.push({
      step: 'login-failed',
      requestId: failedLogin.requestId,
      expected: [
        {
          appId: null,
          actor: { type: 'system', id: 'login' },
          action: 'login.failed',
          entityType: 'login',
          entityId: 'seq-newcomer@example.com',
          before: 'absent',
          after: 'absent',
        },
      ],
    });
    const newcomerLogin = await mutate(
      'login',
      200,
      'POST',
      '/api/auth/login',
      { body: { email: 'seq-newcomer@example.com', password: ACCEPT_PASSWORD } },
      (result) => ({
        appId: null,
        actor: { type: 'user', id: newcomer.json.data.user_id as string },
        action: 'session.created',
        entityType: 'session',
        entityId: sessionIdOf(result.json.data.token as string),
        before: 'absent',
        after: 'present',
      }),
    );
    const newcomerSession = secret('newcomer session', newcomerLogin.json.data.token as string);
    await mutate('logout', 204, 'POST', '/api/auth/logout', { headers: bearer(newcomerSession) }, () => ({
      appId: null,
      actor: { type: 'user', id: newcomer.json.data.user_id as string },
      action: 'session.revoked',
      entityType: 'session',
      entityId: sessionIdOf(newcomerSession),
      before: 'absent',
      after: 'absent',
    }));

    // Apps and settings.
    const platformAdmin = await fixture.users.create({
      email: 'seq-platform@example.com',
      name: 'Platform',
      passwordHash: await hashPassword(PASSWORD),
      isPlatformAdmin: true,
    });
    const platformToken = secret(
      'platform admin session',
      (await fixture.sessionService.login('seq-platform@example.com', PASSWORD)).token,
    );
    const createdApp = await mutate(
      'create-app',
      201,
      'POST',
      '/api/apps',
      {
        headers: bearer(platformToken),
        body: { name: 'seq-created', repo_path: 'seq-created.git', seed: true },
      },
      (result) => ({
        appId: result.json.data.id as string,
        actor: { type: 'user', id: platformAdmin.id },
        action: 'app.created',
        entityType: 'app',
        entityId: result.json.data.id as string,
        before: 'absent',
        after: 'present',
      }),
    );
    const auditedApps = [
      { appId, token: admin.token },
      { appId: createdApp.json.data.id as string, token: platformToken },
    ];
    // Before the settings change below raises required_approvals.
    await authoringSequence(appId, admin);
    await mutate(
      'update-app-settings',
      200,
      'PATCH',
      app('/settings'),
      { ...asAdmin, body: { required_approvals: 2 } },
      () => ({
        appId,
        actor: { type: 'user', id: admin.id },
        action: 'app.settings_updated',
        entityType: 'app',
        entityId: appId,
        before: 'present',
        after: 'present',
        content: (event) => {
          expect(event.before).toMatchObject({ required_approvals: 1 });
          expect(event.after).toMatchObject({ required_approvals: 2 });
        },
      }),
    );

    // Read the log back: app events through the API (as app_admin), the rest from the repository.
    const events = [
      ...(
        await Promise.all(auditedApps.map((audited) => appAuditEvents(client, audited.appId, audited.token)))
      ).flat(),
      ...(await platformAuditEvents(fixture)),
    ];
    expect(events).toHaveLength(await fixture.database.db.collection(AUDIT_EVENTS).countDocuments());
    expect(events).toHaveLength(mutations.flatMap((mutation) => mutation.expected).length);

    // Each step's events, in the order its expectations list them (by action).
    const byAction = (left: { action: string }, right: { action: string }) =>
      left.action.localeCompare(right.action);
    const found = mutations.flatMap(({ step, requestId, expected }) => {
      const matching = events.filter((event) => event.context.request_id === requestId).sort(byAction);
      if (matching.length !== expected.length) return [{ step, events: matching.length }];
      return [...expected].sort(byAction).map((wanted, index) => {
        const event = matching[index]!;
        wanted.content?.(event);
        return {
          step,
          events: expected.length,
          app_id: event.app_id,
          actor: event.actor,
          action: event.action,
          entity: `${event.entity_type}/${event.entity_id}`,
          before: isPresent(event.before),
          after: isPresent(event.after),
          client_ip: event.context.client_ip !== null,
          user_agent: event.context.user_agent !== null,
        };
      });
    });
    expect(found).toEqual(
      mutations.flatMap(({ step, expected: all }) =>
        [...all].sort(byAction).map((expected) => ({
          step,
          events: all.length,
          app_id: expected.appId,
          actor: expected.actor,
          action: expected.action,
          entity: `${expected.entityType}/${expected.entityId}`,
          before: expected.before,
          after: expected.after,
          client_ip: true,
          user_agent: true,
        })),
      ),
    );

    // No secret in the audit log, the logs, or any response but the key's own creation response.
    const rawEvents = JSON.stringify(await fixture.database.db.collection(AUDIT_EVENTS).find().toArray());
    const logLines = inspect(fixture.api.logger.lines, { depth: null, maxStringLength: null });
    expect(fixture.api.logger.lines.length).toBeGreaterThan(mutations.length);
    const keyCreation = client.responses.find((response) => response.step === 'create-api-key');
    expect(keyCreation?.text).toContain(apiKey);
    const loginResponse = client.responses.find((response) => response.step === 'login');
    expect(loginResponse?.text).toContain(newcomerSession);
    const leaks: string[] = [];
    for (const { label, value } of secrets) {
      if (rawEvents.includes(value)) leaks.push(`${label} in the audit log`);
      if (logLines.includes(value)) leaks.push(`${label} in the logs`);
      for (const response of client.responses) {
        const documented =
          (response === keyCreation && value === apiKey) ||
          (response === loginResponse && value === newcomerSession);
        if (!documented && response.text.includes(value))
          leaks.push(`${label} in the ${response.step} response`);
      }
    }
    expect(leaks).toEqual([]);
  }, 120_000);
});
