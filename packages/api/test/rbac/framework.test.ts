/** The RBAC test's own machinery, including every owner rule. */
import { CALLER_PROFILES } from './callers';
import { effectiveRole, expectedStatus } from './expectations';
import { mountedOperations, routeMatches } from './operations';

describe('RBAC expectations', () => {
  const moveToDraft = { kind: 'app', capability: 'move_to_draft', own: 'matrix' } as const;

  it('applies own cells only to the caller’s own items', () => {
    const status = (kind: keyof typeof CALLER_PROFILES, ownership: 'owner' | 'other') =>
      expectedStatus(moveToDraft, CALLER_PROFILES[kind], 200, ownership).status;
    expect(status('member_user', 'owner')).toBe(200);
    expect(status('member_user', 'other')).toBe(403);
    expect(status('key_reviewer', 'other')).toBe(403);
    expect(status('member_config_manager', 'other')).toBe(200);
    expect(status('platform_admin', 'other')).toBe(200);
    expect(status('non_member', 'owner')).toBe(404);
    expect(status('anonymous', 'owner')).toBe(401);
  });

  it('applies author rules after the matrix: app_admins pass author_or_app_admin, nobody passes author', () => {
    const editWorkspace = {
      kind: 'app',
      capability: 'edit_own_workspace',
      own: 'author_or_app_admin',
    } as const;
    const submit = { kind: 'app', capability: 'submit_changeset', own: 'author' } as const;
    const status = (access: typeof editWorkspace | typeof submit, kind: keyof typeof CALLER_PROFILES) =>
      expectedStatus(access, CALLER_PROFILES[kind], 200, 'other').status;
    expect(status(editWorkspace, 'member_config_manager')).toBe(403);
    expect(status(editWorkspace, 'key_app_admin')).toBe(200);
    expect(status(submit, 'platform_admin')).toBe(403);
    expect(expectedStatus(submit, CALLER_PROFILES.key_user, 202, 'owner').status).toBe(202);
  });

  it('resolves roles like RoleResolver: platform admins are app_admin, foreign keys are not members', () => {
    expect(effectiveRole(CALLER_PROFILES.platform_admin)).toBe('app_admin');
    expect(effectiveRole(CALLER_PROFILES.key_of_other_app)).toBeNull();
    expect(effectiveRole(CALLER_PROFILES.key_config_manager)).toBe('config_manager');
    expect(effectiveRole(CALLER_PROFILES.non_member)).toBeNull();
  });

  it('refuses platform capabilities to everyone but platform admins, API keys included', () => {
    const createApp = { kind: 'platform', capability: 'create_app' } as const;
    expect(expectedStatus(createApp, CALLER_PROFILES.platform_admin, 201).status).toBe(201);
    expect(expectedStatus(createApp, CALLER_PROFILES.member_app_admin, 201).status).toBe(403);
    expect(expectedStatus(createApp, CALLER_PROFILES.key_app_admin, 201).status).toBe(403);
    expect(expectedStatus(createApp, CALLER_PROFILES.anonymous, 201).status).toBe(401);
  });
});

describe('RBAC operations', () => {
  const documentWith = (access: unknown) => ({
    paths: {
      '/api/apps/{appId}/things': {
        post: { operationId: 'createThing', 'x-conman-access': access, responses: { 201: {}, 400: {} } },
      },
    },
  });

  it('reads each operation’s access and success statuses', () => {
    expect(mountedOperations(documentWith({ kind: 'app', capability: 'read_app' }))).toEqual([
      {
        operationId: 'createThing',
        route: 'POST /api/apps/{appId}/things',
        access: { kind: 'app', capability: 'read_app' },
        successStatuses: [201],
      },
    ]);
  });

  it('refuses an operation without a valid access declaration, naming it', () => {
    expect(() => mountedOperations(documentWith(undefined))).toThrow(/createThing/);
    expect(() => mountedOperations(documentWith({ kind: 'app', capability: 'fly' }))).toThrow(/createThing/);
  });

  it('matches concrete requests to their route template', () => {
    const route = 'DELETE /api/apps/{appId}/invites/{inviteId}';
    expect(routeMatches(route, 'DELETE', '/api/apps/abc/invites/def')).toBe(true);
    expect(routeMatches(route, 'POST', '/api/apps/abc/invites/def')).toBe(false);
    expect(routeMatches(route, 'DELETE', '/api/apps/abc/invites/def/resend')).toBe(false);
    expect(routeMatches('GET /api/openapi.json', 'GET', '/api/openapiXjson')).toBe(false);
    expect(routeMatches('GET /api/apps/{appId}/jobs', 'GET', '/api/apps/abc/jobs?state=queued')).toBe(true);
  });
});
