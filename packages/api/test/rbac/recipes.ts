import { randomBytes } from 'node:crypto';
import { INVITE_TTL_MS, PASSWORD_RESET_TTL_MS, type Role } from '@conman/core';
import { issueApiKey, issueOpaqueToken } from '@conman/auth';
import { PasswordResetTokensRepository } from '@conman/db';
import type { SuccessStatus } from '../../src/platform/route';
import { PASSWORD, type IdentityFixture } from '../support/identity-fixture';
import type { Caller, CallerWorld } from './callers';
import type { Ownership } from './expectations';
import { AuthoringItems } from './authoring-items';
import { AUTHORING_RECIPES } from './authoring-recipes';

/** One HTTP call; `headers` replaces the caller's standing credentials when a recipe needs others. */
export interface RbacRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Full path under the server root, e.g. `/api/apps/<id>/invites`. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Attempt {
  caller: Caller;
  /** Set for `own: true` operations: build the item authored by the caller or by someone else. */
  ownership: Ownership | undefined;
}

/** A valid request of an operation for one attempt: fresh entities whenever the call consumes them. */
export interface Recipe {
  /** The documented route (`POST /api/apps/{appId}/invites`); the test checks it against the document. */
  route: string;
  /** What the operation answers when the caller is allowed. */
  success: SuccessStatus;
  build(context: RecipeContext, attempt: Attempt): Promise<RbacRequest> | RbacRequest;
}

/** A password that passes the policy, for accounts the recipes create or reset. */
export const NEW_PASSWORD = 'marble quiver sunrise 7';

/** What recipes build their requests from: the target app and factories for fresh entities. */
export class RecipeContext {
  private counter = 0;
  private readonly resetTokens: PasswordResetTokensRepository;
  /** Workspaces, changesets, comments and jobs authored as an attempt needs. */
  readonly authoring: AuthoringItems;

  constructor(
    readonly fixture: IdentityFixture,
    readonly world: CallerWorld,
  ) {
    this.resetTokens = new PasswordResetTokensRepository(fixture.database.db);
    this.authoring = new AuthoringItems(fixture, world);
  }

  /** `/api/apps/<target app id>` followed by `suffix`. */
  appPath(suffix = ''): string {
    return `/api/apps/${this.world.targetAppId}${suffix}`;
  }

  unique(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.counter}-${randomBytes(3).toString('hex')}`;
  }

  /** A user whose password is the fixture `PASSWORD`, without a membership. */
  async newAccount(): Promise<{ id: string; email: string }> {
    const email = `${this.unique('account')}@example.com`;
    const user = await this.fixture.users.create({
      email,
      name: email.split('@')[0] ?? email,
      passwordHash: this.world.passwordHash,
    });
    return { id: user.id, email };
  }

  /** A new member of the target app, to change or remove. */
  async newMember(role: Role = 'user'): Promise<string> {
    const { id } = await this.newAccount();
    await this.fixture.memberships.add(this.world.targetAppId, id, role);
    return id;
  }

  /** A pending invite of the target app for a new email, and its token. */
  async newInvite(): Promise<{ id: string; email: string; token: string }> {
    const { token, hash } = issueOpaqueToken();
    const email = `${this.unique('invitee')}@example.com`;
    const invite = await this.fixture.invites.create({
      appId: this.world.targetAppId,
      email,
      role: 'user',
      tokenHash: hash,
      invitedBy: this.world.adminId,
      expiresAt: new Date(Date.now() + INVITE_TTL_MS),
    });
    return { id: invite.id, email, token };
  }

  /** The id of a new API key of the target app, to revoke. */
  async newApiKeyId(): Promise<string> {
    const { token, hash } = issueApiKey();
    const key = await this.fixture.apiKeys.create({
      appId: this.world.targetAppId,
      name: this.unique('key'),
      role: 'user',
      tokenHash: hash,
      displayPrefix: token.slice(0, 8),
      createdBy: this.world.adminId,
      expiresAt: null,
    });
    return key.id;
  }

  /** A reset token of a new account. */
  async newResetToken(): Promise<string> {
    const { id } = await this.newAccount();
    const { token, hash } = issueOpaqueToken();
    await this.resetTokens.create(id, hash, new Date(Date.now() + PASSWORD_RESET_TTL_MS));
    return token;
  }
}

const get = (path: string): RbacRequest => ({ method: 'GET', path });

/** Recipes of the identity, app administration and service endpoints (issue 5). */
const IDENTITY_RECIPES: Readonly<Record<string, Recipe>> = {
  // service (health and meta modules, always mounted)
  getHealth: { route: 'GET /api/health', success: 200, build: () => get('/api/health') },
  getReadiness: { route: 'GET /api/health/ready', success: 200, build: () => get('/api/health/ready') },
  getMetrics: { route: 'GET /api/metrics', success: 200, build: () => get('/api/metrics') },
  getOpenApiDocument: {
    route: 'GET /api/openapi.json',
    success: 200,
    build: () => get('/api/openapi.json'),
  },
  getDocs: { route: 'GET /api/docs', success: 200, build: () => get('/api/docs') },
  getDocsAsset: {
    route: 'GET /api/docs/assets/{asset}',
    success: 200,
    build: () => get('/api/docs/assets/swagger-ui.css'),
  },

  // auth
  login: {
    route: 'POST /api/auth/login',
    success: 200,
    build: async (context) => ({
      method: 'POST',
      path: '/api/auth/login',
      body: { email: (await context.newAccount()).email, password: PASSWORD },
    }),
  },
  logout: {
    route: 'POST /api/auth/logout',
    success: 204,
    // Logout ends the session it is called with: each attempt uses a new session of the caller.
    build: async (_context, { caller }) => ({
      method: 'POST',
      path: '/api/auth/logout',
      headers: await caller.freshHeaders(),
    }),
  },
  forgotPassword: {
    route: 'POST /api/auth/forgot-password',
    success: 202,
    // A new account per attempt keeps the per-email limit (5 per 15 minutes) out of the way.
    build: async (context) => ({
      method: 'POST',
      path: '/api/auth/forgot-password',
      body: { email: (await context.newAccount()).email },
    }),
  },
  resetPassword: {
    route: 'POST /api/auth/reset-password',
    success: 204,
    build: async (context) => ({
      method: 'POST',
      path: '/api/auth/reset-password',
      body: { token: await context.newResetToken(), password: NEW_PASSWORD },
    }),
  },
  acceptInvite: {
    route: 'POST /api/auth/accept-invite',
    success: 200,
    build: async (context) => ({
      method: 'POST',
      path: '/api/auth/accept-invite',
      body: { token: (await context.newInvite()).token, name: 'New Person', password: NEW_PASSWORD },
    }),
  },

  // me
  getMe: { route: 'GET /api/me', success: 200, build: () => get('/api/me') },
  getNotificationPreferences: {
    route: 'GET /api/me/notification-preferences',
    success: 200,
    build: () => get('/api/me/notification-preferences'),
  },
  updateNotificationPreferences: {
    route: 'PATCH /api/me/notification-preferences',
    success: 200,
    build: () => ({
      method: 'PATCH',
      path: '/api/me/notification-preferences',
      body: { email_enabled: false },
    }),
  },

  // apps
  listApps: { route: 'GET /api/apps', success: 200, build: () => get('/api/apps') },
  createApp: {
    route: 'POST /api/apps',
    success: 201,
    build: (context) => {
      const name = context.unique('rbac-app');
      return { method: 'POST', path: '/api/apps', body: { name, repo_path: `${name}.git`, seed: true } };
    },
  },
  getApp: { route: 'GET /api/apps/{appId}', success: 200, build: (context) => get(context.appPath()) },
  updateAppSettings: {
    route: 'PATCH /api/apps/{appId}/settings',
    success: 200,
    build: (context) => ({
      method: 'PATCH',
      path: context.appPath('/settings'),
      // The default value: other recipes approve changesets with one reviewer.
      body: { required_approvals: 1 },
    }),
  },

  // members
  listMembers: {
    route: 'GET /api/apps/{appId}/members',
    success: 200,
    build: (context) => get(context.appPath('/members')),
  },
  changeMemberRole: {
    route: 'PATCH /api/apps/{appId}/members/{userId}',
    success: 200,
    build: async (context) => ({
      method: 'PATCH',
      path: context.appPath(`/members/${await context.newMember('user')}`),
      body: { role: 'reviewer' },
    }),
  },
  removeMember: {
    route: 'DELETE /api/apps/{appId}/members/{userId}',
    success: 204,
    build: async (context) => ({
      method: 'DELETE',
      path: context.appPath(`/members/${await context.newMember('user')}`),
    }),
  },

  // invites
  listInvites: {
    route: 'GET /api/apps/{appId}/invites',
    success: 200,
    build: (context) => get(context.appPath('/invites')),
  },
  createInvite: {
    route: 'POST /api/apps/{appId}/invites',
    success: 201,
    build: (context) => ({
      method: 'POST',
      path: context.appPath('/invites'),
      body: { email: `${context.unique('invited')}@example.com`, role: 'user' },
    }),
  },
  resendInvite: {
    route: 'POST /api/apps/{appId}/invites/{inviteId}/resend',
    success: 200,
    build: async (context) => ({
      method: 'POST',
      path: context.appPath(`/invites/${(await context.newInvite()).id}/resend`),
    }),
  },
  revokeInvite: {
    route: 'DELETE /api/apps/{appId}/invites/{inviteId}',
    success: 204,
    build: async (context) => ({
      method: 'DELETE',
      path: context.appPath(`/invites/${(await context.newInvite()).id}`),
    }),
  },

  // api keys
  listApiKeys: {
    route: 'GET /api/apps/{appId}/api-keys',
    success: 200,
    build: (context) => get(context.appPath('/api-keys')),
  },
  createApiKey: {
    route: 'POST /api/apps/{appId}/api-keys',
    success: 201,
    build: (context) => ({
      method: 'POST',
      path: context.appPath('/api-keys'),
      body: { name: context.unique('ci'), role: 'user' },
    }),
  },
  revokeApiKey: {
    route: 'DELETE /api/apps/{appId}/api-keys/{keyId}',
    success: 204,
    build: async (context) => ({
      method: 'DELETE',
      path: context.appPath(`/api-keys/${await context.newApiKeyId()}`),
    }),
  },

  // environments
  listEnvironments: {
    route: 'GET /api/apps/{appId}/environments',
    success: 200,
    build: (context) => get(context.appPath('/environments')),
  },
  replaceEnvironments: {
    route: 'PATCH /api/apps/{appId}/environments',
    success: 200,
    build: (context) => ({
      method: 'PATCH',
      path: context.appPath('/environments'),
      body: { environments: [{ name: 'dev', position: 0 }] },
    }),
  },

  // audit
  listAuditEvents: {
    route: 'GET /api/apps/{appId}/audit',
    success: 200,
    build: (context) => get(context.appPath('/audit')),
  },
};

/**
 * Every operation the API mounts, keyed by operationId. An endpoint added without a recipe here fails
 * the RBAC test; see docs/identity.md ("RBAC test").
 */
export const RECIPES: Readonly<Record<string, Recipe>> = { ...IDENTITY_RECIPES, ...AUTHORING_RECIPES };

/**
 * Operations whose recipes exist before the endpoint is merged (helpers add them in parallel). Only
 * these may be missing from the document; keep this list short and empty it once they are merged.
 */
export const NOT_YET_MOUNTED: readonly string[] = [];
