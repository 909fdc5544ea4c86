import { normalizeEmail, type AuditActor } from '@conman/core';
import type { LoginResult } from '@conman/auth';
import type { SessionsRepository, UnitOfWork } from '@conman/db';

interface LoginAuditDependencies {
  unitOfWork: UnitOfWork;
  sessions: SessionsRepository;
}

/**
 * The actor of a failed login: who tried is unknown (the email may name nobody), so the request
 * context (request id, client IP, user agent) is what identifies the attempt.
 */
export const LOGIN_ACTOR: AuditActor = { type: 'system', id: 'login' };

/**
 * `session.created` for a successful login. The session is written by the session service, so the
 * two cannot share a transaction: when the event cannot be written the session is revoked before the
 * error is reported, and a sign-in missing from the audit log never worked.
 */
export async function auditLogin(
  deps: LoginAuditDependencies,
  { user, session }: LoginResult,
): Promise<void> {
  try {
    await deps.unitOfWork.run({ appId: null, actor: { type: 'user', id: user.id } }, (tx) =>
      tx.audit({
        entityType: 'session',
        entityId: session.id,
        action: 'session.created',
        after: { user_id: user.id, expires_at: session.expiresAt },
      }),
    );
  } catch (error) {
    await deps.sessions.revoke(session.id);
    throw error;
  }
}

/**
 * `login.failed` for wrong credentials. The event is the same whether or not an account has that
 * email (entity: the normalized email as typed, no user id), so the log reveals no more than the
 * 401 did; the password is never part of it.
 */
export async function auditFailedLogin(deps: LoginAuditDependencies, email: string): Promise<void> {
  await deps.unitOfWork.run({ appId: null, actor: LOGIN_ACTOR }, (tx) =>
    tx.audit({ entityType: 'login', entityId: normalizeEmail(email), action: 'login.failed' }),
  );
}
