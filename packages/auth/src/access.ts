import {
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  can,
  canOnPlatform,
  enrichRequestContext,
  type ApiKey,
  type Capability,
  type PlatformCapability,
  type Role,
  type User,
} from '@conman/core';
import { hashOpaqueToken, looksLikeApiKey } from './opaque-tokens';
import type { Principal, RoleResolver } from './role-resolver';
import type { SessionService } from './sessions';

export interface ApiKeyLookup {
  /** The live key with this SHA-256 hash, or null. */
  authenticate(tokenHash: string): Promise<ApiKey | null>;
}

/** The credentials of a request, as sent: `Authorization` and `X-API-Key` header values. */
export interface Credentials {
  authorization?: string | undefined;
  apiKey?: string | undefined;
}

export interface Caller {
  principal: Principal;
  /** Present for signed-in users. */
  user?: User;
  /** Present for JWT callers: logout revokes this session. */
  sessionId?: string;
}

export interface AccessControlOptions {
  sessions: SessionService;
  apiKeys: ApiKeyLookup;
  roles: RoleResolver;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/**
 * The single authentication and authorization helper every route uses: who is calling (401 when
 * unknown), and may they do this in this app (404 for non-members — existence is not revealed —
 * then 403 when the role lacks the capability). What it learns (user, API key, app) goes into the
 * request context, so every later log line of the request names it.
 */
export class AccessControl {
  constructor(private readonly options: AccessControlOptions) {}

  async identify(credentials: Credentials): Promise<Caller> {
    if (credentials.apiKey !== undefined) {
      if (credentials.authorization !== undefined)
        throw new UnauthorizedError('Send either a token or an API key');
      return this.identifyApiKey(credentials.apiKey);
    }
    const match = BEARER.exec(credentials.authorization ?? '');
    if (!match?.[1]) throw new UnauthorizedError();
    const { user, session } = await this.options.sessions.authenticate(match[1]);
    enrichRequestContext({ userId: user.id });
    return {
      principal: { kind: 'user', userId: user.id, isPlatformAdmin: user.isPlatformAdmin },
      user,
      sessionId: session.id,
    };
  }

  /** The caller's role in the app, after checking the capability; throws 404 or 403. */
  async authorize(caller: Caller, appId: string, capability: Capability, isOwner?: boolean): Promise<Role> {
    const role = await this.options.roles.roleIn(appId, caller.principal);
    if (role === null) throw new NotFoundError('App not found');
    // Members only: a log line never names an app the caller was refused as a non-member.
    enrichRequestContext({ appId });
    if (!can(role, capability, { isOwner }))
      throw new ForbiddenError(`Your role (${role}) does not allow this`);
    return role;
  }

  authorizePlatform(caller: Caller, capability: PlatformCapability): void {
    const isPlatformAdmin = caller.principal.kind === 'user' && caller.principal.isPlatformAdmin;
    if (!canOnPlatform({ isPlatformAdmin }, capability))
      throw new ForbiddenError('Platform administrators only');
  }

  private async identifyApiKey(presented: string): Promise<Caller> {
    if (!looksLikeApiKey(presented)) throw new UnauthorizedError('Invalid API key');
    const key = await this.options.apiKeys.authenticate(hashOpaqueToken(presented));
    if (!key) throw new UnauthorizedError('Invalid API key');
    enrichRequestContext({ apiKeyId: key.id, appId: key.appId });
    return { principal: { kind: 'api_key', keyId: key.id, appId: key.appId, role: key.role } };
  }
}
