import { UnauthorizedError, ValidationError, checkPassword, type Invite, type User } from '@conman/core';
import {
  hashOpaqueToken,
  hashPassword,
  verifyPassword,
  type RateLimitRule,
  type RateLimiter,
  type RoleResolver,
} from '@conman/auth';
import {
  type AuditLog,
  type InvitesRepository,
  type MembershipsRepository,
  type UsersRepository,
  type UnitOfWork,
} from '@conman/db';
import { ok } from '../../platform/replies';
import { dataResponse, defineRoute, type ApiModule } from '../../platform/route';
import { acceptInviteBody, acceptedInviteSchema } from './schemas';

export interface AcceptInviteModuleDependencies {
  unitOfWork: UnitOfWork;
  invites: InvitesRepository;
  users: UsersRepository;
  memberships: MembershipsRepository;
  roles: RoleResolver;
  audit: AuditLog;
  rateLimiter: RateLimiter;
  /** Each rule defaults to its `ACCEPT_INVITE_LIMITS` entry. */
  limits?: Partial<AcceptInviteLimits>;
}

/**
 * Attempts per client IP, per invited email (an existing account's password can only be guessed so
 * often, whatever the token or IP) and per token (counted by its hash, never the token).
 */
export interface AcceptInviteLimits {
  perIp: RateLimitRule;
  perEmail: RateLimitRule;
  perToken: RateLimitRule;
}

export const ACCEPT_INVITE_LIMITS: AcceptInviteLimits = {
  perIp: { name: 'accept-invite:ip', limit: 10, windowSeconds: 60 },
  perEmail: { name: 'accept-invite:email', limit: 10, windowSeconds: 900 },
  perToken: { name: 'accept-invite:token', limit: 10, windowSeconds: 900 },
};

const INVALID_INVITE = 'Invalid or expired invite';

type Account = { kind: 'existing'; user: User } | { kind: 'new'; name: string; passwordHash: string };

/**
 * POST /auth/accept-invite: consumes the invite, creates the account (or, for an existing account,
 * checks its password) and the membership, all in one transaction — a failure leaves the invite usable.
 */
export function acceptInviteModule(deps: AcceptInviteModuleDependencies): ApiModule {
  const limits: AcceptInviteLimits = { ...ACCEPT_INVITE_LIMITS, ...deps.limits };

  const accountFor = async (
    invite: Invite,
    existing: User | null,
    body: { name?: string | undefined; password: string },
  ): Promise<Account> => {
    if (existing) {
      if (!(await verifyPassword(existing.passwordHash, body.password)))
        throw new UnauthorizedError(INVALID_INVITE);
      return { kind: 'existing', user: existing };
    }
    if (body.name === undefined)
      throw new ValidationError('A name is required for a new account', { fields: ['name'] });
    const policy = checkPassword(body.password, invite.email);
    if (!policy.ok)
      throw new ValidationError('Password does not meet the policy', { reasons: policy.reasons });
    return { kind: 'new', name: body.name, passwordHash: await hashPassword(body.password) };
  };

  return {
    name: 'auth',
    routes: [
      defineRoute({
        method: 'post',
        path: '/auth/accept-invite',
        operationId: 'acceptInvite',
        access: { kind: 'public' },
        summary: 'Accept an invite: create the account (or confirm an existing one) and join the app',
        request: { body: acceptInviteBody },
        responses: { 200: dataResponse(acceptedInviteSchema, 'The membership created') },
        errors: ['unauthorized', 'conflict', 'rate_limited'],
        handler: async ({ body, request }) => {
          const tokenHash = hashOpaqueToken(body.token);
          await deps.rateLimiter.consume([
            { rule: limits.perIp, subject: request.ip ?? 'unknown' },
            { rule: limits.perToken, subject: tokenHash },
          ]);
          const result = await deps.unitOfWork.run({}, async ({ session, audit }) => {
            const invite = await deps.invites.consume(tokenHash, session);
            if (!invite) throw new UnauthorizedError(INVALID_INVITE);
            // The email is known once the token matched; a 429 here aborts the transaction, so the
            // invite stays usable.
            await deps.rateLimiter.consume([{ rule: limits.perEmail, subject: invite.email }]);
            const existing = await deps.users.findByEmail(invite.email, session);
            const account = await accountFor(invite, existing, body);
            const user =
              account.kind === 'existing'
                ? account.user
                : await deps.users.create(
                    { email: invite.email, name: account.name, passwordHash: account.passwordHash },
                    session,
                  );
            const membership = await deps.memberships.add(invite.appId, user.id, invite.role, session);
            await audit({
              appId: invite.appId,
              actor: { type: 'user', id: user.id },
              entityType: 'invite',
              entityId: invite.id,
              action: 'invite.accepted',
              after: { user_id: user.id, role: invite.role, account_created: account.kind === 'new' },
            });
            return { user, membership, accountCreated: account.kind === 'new' };
          });
          await deps.roles.invalidate(result.membership.appId, result.user.id);
          return ok({
            user_id: result.user.id,
            app_id: result.membership.appId,
            role: result.membership.role,
            account_created: result.accountCreated,
          });
        },
      }),
    ],
  };
}
