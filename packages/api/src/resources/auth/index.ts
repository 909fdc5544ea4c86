import { UnauthorizedError, normalizeEmail, type Logger } from '@conman/core';
import type { LoginResult, RateLimitRule, RateLimiter, SessionService } from '@conman/auth';
import { type AuditLog, type SessionsRepository, type UnitOfWork } from '@conman/db';
import { dataResponse, defineRoute, emptyResponse, type ApiModule } from '../../platform/route';
import { noContent, ok } from '../../platform/replies';
import { recordedClientIp, recordedHeader } from '../../platform/recorded-headers';
import { auditFailedLogin, auditLogin } from './login-audit';
import { loginBody, loginResultSchema, userView } from './schemas';

export interface AuthModuleDependencies {
  /** Writes each change with its audit events in one transaction. */
  unitOfWork: UnitOfWork;
  sessionService: SessionService;
  sessions: SessionsRepository;
  rateLimiter: RateLimiter;
  audit: AuditLog;
  logger: Logger;
  /** Defaults to `LOGIN_LIMITS`. */
  loginLimits?: typeof LOGIN_LIMITS;
}

export const LOGIN_LIMITS: { perIp: RateLimitRule; perEmail: RateLimitRule } = {
  perIp: { name: 'login:ip', limit: 10, windowSeconds: 60 },
  perEmail: { name: 'login:email', limit: 5, windowSeconds: 900 },
};

/** POST /auth/login and /auth/logout (SPEC §4.1). */
export function authModule(deps: AuthModuleDependencies): ApiModule {
  const limits = deps.loginLimits ?? LOGIN_LIMITS;
  return {
    name: 'auth',
    description: 'Sign in and out',
    routes: [
      defineRoute({
        method: 'post',
        path: '/auth/login',
        operationId: 'login',
        access: { kind: 'public' },
        summary: 'Exchange email and password for a session token',
        request: { body: loginBody },
        responses: { 200: dataResponse(loginResultSchema, 'The session token and the user') },
        errors: ['unauthorized', 'rate_limited'],
        handler: async ({ body, request }) => {
          const clientIp = request.ip ?? 'unknown';
          await deps.rateLimiter.consume([
            { rule: limits.perIp, subject: clientIp },
            { rule: limits.perEmail, subject: normalizeEmail(body.email) },
          ]);
          const userAgent = recordedHeader(request, 'user-agent');
          let result: LoginResult;
          try {
            result = await deps.sessionService.login(body.email, body.password, {
              clientIp: recordedClientIp(request) ?? clientIp,
              ...(userAgent !== undefined && { userAgent }),
            });
          } catch (error) {
            if (error instanceof UnauthorizedError) await auditFailedLogin(deps, body.email);
            // The email is not a secret; the password is never logged nor audited.
            deps.logger.warn('login failed', { client_ip: clientIp });
            throw error;
          }
          const { token, user, session } = result;
          await auditLogin(deps, result);
          return ok({ token, expires_at: session.expiresAt.toISOString(), user: userView(user) });
        },
      }),
      defineRoute({
        method: 'post',
        path: '/auth/logout',
        operationId: 'logout',
        access: { kind: 'user' },
        summary: 'Revoke the current session',
        responses: { 204: emptyResponse('The session is revoked') },
        errors: ['unauthorized', 'forbidden'],
        handler: async ({ caller, actor }) => {
          await deps.unitOfWork.run({ appId: null, actor: actor }, async ({ session, audit }) => {
            await deps.sessions.revoke(caller.sessionId, session);
            await audit({
              entityType: 'session',
              entityId: caller.sessionId,
              action: 'session.revoked',
            });
          });
          await deps.sessionService.forgetSession(caller.sessionId);
          return noContent();
        },
      }),
    ],
  };
}
