import { z } from 'zod';
import {
  PASSWORD_RESET_TTL_MS,
  UnauthorizedError,
  ValidationError,
  checkPassword,
  normalizeEmail,
  type Logger,
} from '@conman/core';
import {
  hashOpaqueToken,
  hashPassword,
  issueOpaqueToken,
  type RateLimitRule,
  type RateLimiter,
  type SessionService,
} from '@conman/auth';
import {
  type AuditLog,
  type MailOutbox,
  type PasswordResetTokensRepository,
  type SessionsRepository,
  type UsersRepository,
  type UnitOfWork,
} from '@conman/db';
import { accepted, noContent } from '../../platform/replies';
import { dataResponse, defineRoute, emptyResponse, type ApiModule } from '../../platform/route';

export interface PasswordResetModuleDependencies {
  unitOfWork: UnitOfWork;
  users: UsersRepository;
  sessions: SessionsRepository;
  /** Told after the reset commits, so no process keeps accepting the revoked sessions. */
  sessionService: SessionService;
  resetTokens: PasswordResetTokensRepository;
  outbox: MailOutbox;
  audit: AuditLog;
  rateLimiter: RateLimiter;
  logger: Logger;
  /** CONMAN_PUBLIC_URL without a trailing slash. */
  publicUrl: string;
  limits?: { perIp: RateLimitRule; perEmail: RateLimitRule };
}

export const FORGOT_PASSWORD_LIMITS = {
  perIp: { name: 'forgot:ip', limit: 10, windowSeconds: 60 },
  perEmail: { name: 'forgot:email', limit: 5, windowSeconds: 900 },
};

/** Audit actor of reset requests: they come from unauthenticated callers. */
export const FORGOT_PASSWORD_ACTOR = { type: 'system', id: 'forgot-password' } as const;

const forgotAnswer = { message: 'If an account exists for this email, a reset link has been sent.' };
const forgotAnswerSchema = z.object({ message: z.string() }).meta({ id: 'ForgotPasswordAnswer' });

/** POST /auth/forgot-password and /auth/reset-password (SPEC §4.1). */
export function passwordResetModule(deps: PasswordResetModuleDependencies): ApiModule {
  const limits = deps.limits ?? FORGOT_PASSWORD_LIMITS;

  const issueResetMail = async (email: string): Promise<void> => {
    const user = await deps.users.findByEmail(email);
    if (!user) return;
    const { token, hash } = issueOpaqueToken();
    const link = `${deps.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
    const expiresAt = new Date(Date.now() + PASSWORD_RESET_TTL_MS);
    await deps.unitOfWork.run({ appId: null, actor: FORGOT_PASSWORD_ACTOR }, async ({ session, audit }) => {
      await deps.resetTokens.create(user.id, hash, expiresAt, session);
      // The requester is not authenticated (anyone may ask for anyone), so the actor is the system
      // acting on an anonymous request; the request context (id, IP, user agent) tells who asked.
      await audit({
        entityType: 'user',
        entityId: user.id,
        action: 'user.password_reset_requested',
        after: { expires_at: expiresAt },
      });
      await deps.outbox.enqueue(
        {
          to: user.email,
          subject: 'Reset your Conman password',
          text: `Someone asked to reset the password of this account.\n\nReset it here (valid 60 minutes, once): ${link}\n\nIf it was not you, ignore this email.`,
        },
        session,
      );
    });
  };

  return {
    name: 'auth',
    routes: [
      defineRoute({
        method: 'post',
        path: '/auth/forgot-password',
        operationId: 'forgotPassword',
        access: { kind: 'public' },
        summary: 'Email a password reset link (same answer whether or not the account exists)',
        request: { body: z.strictObject({ email: z.string().min(3).max(254) }) },
        responses: { 202: dataResponse(forgotAnswerSchema, 'Always the same answer') },
        errors: ['rate_limited'],
        handler: async ({ body, request }) => {
          const email = normalizeEmail(body.email);
          await deps.rateLimiter.consume([
            { rule: limits.perIp, subject: request.ip ?? 'unknown' },
            { rule: limits.perEmail, subject: email },
          ]);
          // The work happens after the answer, so neither the body nor the timing tells whether the
          // account exists. A failure is logged; the user can ask again.
          void issueResetMail(email).catch((error: unknown) =>
            deps.logger.error('password reset email could not be queued', { error }),
          );
          return accepted(forgotAnswer);
        },
      }),
      defineRoute({
        method: 'post',
        path: '/auth/reset-password',
        operationId: 'resetPassword',
        access: { kind: 'public' },
        summary: 'Set a new password with a reset token; signs the account out everywhere',
        request: {
          body: z.strictObject({ token: z.string().min(16).max(200), password: z.string().min(1).max(1024) }),
        },
        responses: { 204: emptyResponse('The password is changed') },
        errors: ['unauthorized'],
        handler: async ({ body }) => {
          const userId = await deps.unitOfWork.run({ appId: null }, async ({ session, audit }) => {
            const reset = await deps.resetTokens.consume(hashOpaqueToken(body.token), session);
            const user = reset && (await deps.users.findById(reset.userId, session));
            if (!user) throw new UnauthorizedError('Invalid or expired reset token');
            const policy = checkPassword(body.password, user.email);
            if (!policy.ok)
              throw new ValidationError('Password does not meet the policy', { reasons: policy.reasons });
            await deps.users.setPassword(user.id, await hashPassword(body.password), session);
            await deps.resetTokens.deleteAllForUser(user.id, session);
            const revoked = await deps.sessions.revokeAllForUser(user.id, session);
            await audit({
              actor: { type: 'user', id: user.id },
              entityType: 'user',
              entityId: user.id,
              action: 'user.password_reset',
              after: { sessions_revoked: revoked },
            });
            return user.id;
          });
          await deps.sessionService.forgetUserSessions(userId);
          return noContent();
        },
      }),
    ],
  };
}
