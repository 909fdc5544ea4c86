import { UnauthorizedError, type Session, type User } from '@conman/core';
import { DEFAULT_SESSION_TTL_SECONDS, signSessionToken, verifySessionToken } from './jwt';
import { verifyPasswordOrDummy } from './passwords';

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
 * Login, token authentication and logout (SPEC §4.1). The JWT only names the session; the session
 * document decides whether it is alive, so logout and password reset take effect immediately.
 */
export class SessionService {
  private readonly ttlSeconds: number;

  constructor(private readonly options: SessionServiceOptions) {
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
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
    const claims = verifySessionToken(token, this.options.jwtSecret);
    const [session, user] = await Promise.all([
      this.options.sessions.findActive(claims.sid, claims.sub),
      this.options.users.findById(claims.sub),
    ]);
    if (!session || !user) throw new UnauthorizedError('Session revoked or expired');
    return { user, session };
  }

  async logout(token: string): Promise<void> {
    const { session } = await this.authenticate(token);
    await this.options.sessions.revoke(session.id);
  }
}
