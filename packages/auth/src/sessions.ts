import { UnauthorizedError, type Session, type User } from '@conman/core';
import { DEFAULT_SESSION_TTL_SECONDS, signSessionToken, verifySessionToken, type SessionClaims } from './jwt';
import { verifyPasswordOrDummy } from './passwords';
import type { CacheInvalidationBus } from './cache-invalidation';
import { ShortLivedCache } from './short-lived-cache';

/** What the session service needs from the user store (the db repositories satisfy these). */
export interface UserLookup {
  findByEmail(email: string): Promise<User | null>;
  findById(id: string): Promise<User | null>;
}

export interface SessionStore {
  create(input: { userId: string; expiresAt: Date; clientIp?: string; userAgent?: string }): Promise<Session>;
  findActive(id: string, userId: string): Promise<Session | null>;
  revoke(id: string): Promise<boolean>;
}

export interface SessionServiceOptions {
  users: UserLookup;
  sessions: SessionStore;
  jwtSecret: string;
  ttlSeconds?: number;
  /** How long an authenticated session is reused without reading it again (default 2 s). */
  cacheTtlMs?: number;
  now?: () => number;
  /** Carries session revocations between server processes; without it only this process drops entries. */
  bus?: CacheInvalidationBus;
}

export interface ClientInfo {
  clientIp?: string;
  userAgent?: string;
}

export interface LoginResult {
  token: string;
  user: User;
  session: Session;
}

export interface AuthenticatedSession {
  user: User;
  session: Session;
}

const BAD_CREDENTIALS = 'Invalid email or password';

/**
 * Login, token authentication and logout (docs/identity.md "Tokens"). The JWT only names the session; the
 * session document decides whether it is alive. Authenticated sessions are reused for a short TTL (reads are
 * the hot path); whoever revokes sessions calls `forgetSession` / `forgetUserSessions` after the revocation
 * commits, which drops them here and, through the bus, in every other process, so logout and password reset
 * take effect on the next request anywhere. A lost bus message leaves another process accepting the session
 * for at most `cacheTtlMs`.
 */
export class SessionService {
  private readonly ttlSeconds: number;
  private readonly cache: ShortLivedCache<AuthenticatedSession>;
  /**
   * Verified claims per token: a signature check depends only on the token and the secret, so a token
   * verified once stays valid until its `exp` (the entry never outlives it); revocation is the
   * session's business, checked through `cache` on every request.
   */
  private readonly verifiedTokens: ShortLivedCache<SessionClaims>;

  constructor(private readonly options: SessionServiceOptions) {
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
    const cacheOptions = {
      ttlMs: options.cacheTtlMs ?? 2_000,
      ...(options.now && { now: options.now }),
    };
    this.cache = new ShortLivedCache(cacheOptions);
    this.verifiedTokens = new ShortLivedCache(cacheOptions);
    options.bus?.onInvalidate('session', (sessionId) => this.cache.drop(sessionId));
    options.bus?.onInvalidate('user_sessions', (userId) =>
      this.cache.dropWhere((cached) => cached.user.id === userId),
    );
  }

  /** Same error, and one argon2 verification, whether the email is unknown or the password wrong. */
  async login(email: string, password: string, client: ClientInfo = {}): Promise<LoginResult> {
    const user = await this.options.users.findByEmail(email);
    const valid = await verifyPasswordOrDummy(user?.passwordHash, password);
    if (!user || !valid) throw new UnauthorizedError(BAD_CREDENTIALS);
    const issuedAt = Math.floor(Date.now() / 1000);
    const session = await this.options.sessions.create({
      userId: user.id,
      expiresAt: new Date((issuedAt + this.ttlSeconds) * 1000),
      ...client,
    });
    const token = signSessionToken({
      userId: user.id,
      sessionId: session.id,
      secret: this.options.jwtSecret,
      ttlSeconds: this.ttlSeconds,
      issuedAt,
    });
    return { token, user, session };
  }

  async authenticate(token: string): Promise<AuthenticatedSession> {
    const claims = await this.verifiedTokens.read(
      token,
      async () => verifySessionToken(token, this.options.jwtSecret),
      ({ exp }) => exp * 1000,
    );
    const found = await this.cache.read(
      claims.sid,
      async () => {
        const [session, user] = await Promise.all([
          this.options.sessions.findActive(claims.sid, claims.sub),
          this.options.users.findById(claims.sub),
        ]);
        if (!session || !user) throw new UnauthorizedError('Session revoked or expired');
        return { user, session };
      },
      ({ session }) => session.expiresAt.getTime(),
    );
    // The session id comes from a token this server signed, so it names one user; checked anyway.
    if (found.user.id !== claims.sub) throw new UnauthorizedError('Session revoked or expired');
    return found;
  }

  async logout(token: string): Promise<void> {
    const { session } = await this.authenticate(token);
    await this.options.sessions.revoke(session.id);
    await this.forgetSession(session.id);
  }

  /** After a session's revocation has committed: no process accepts it any more. */
  async forgetSession(sessionId: string): Promise<void> {
    this.cache.drop(sessionId);
    await this.options.bus?.publish('session', sessionId);
  }

  /** After every session of a user was revoked (password reset): no process accepts any of them. */
  async forgetUserSessions(userId: string): Promise<void> {
    this.cache.dropWhere((cached) => cached.user.id === userId);
    await this.options.bus?.publish('user_sessions', userId);
  }
}
