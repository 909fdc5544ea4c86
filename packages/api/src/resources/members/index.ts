import { z } from 'zod';
import { NotFoundError, ROLES, type AppMembership, type User } from '@conman/core';
import type { RoleResolver } from '@conman/auth';
import { type AuditLog, type MembershipsRepository, type UsersRepository, type UnitOfWork } from '@conman/db';
import { objectId } from '../../platform/common-schemas';
import { dataResponse, defineRoute, emptyResponse, pageResponse, type ApiModule } from '../../platform/route';
import { noContent, ok, paginated } from '../../platform/replies';
import { paginationQuery } from '../../platform/pagination';

export interface MembersModuleDependencies {
  /** Writes each change with its audit events in one transaction. */
  unitOfWork: UnitOfWork;
  roles: RoleResolver;
  memberships: MembershipsRepository;
  users: UsersRepository;
  audit: AuditLog;
}

export const memberSchema = z
  .object({
    user_id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    joined_at: z.string(),
  })
  .meta({ id: 'Member' });

const memberParams = z.object({ appId: objectId, userId: objectId });

function toMemberView(membership: AppMembership, user: User): z.output<typeof memberSchema> {
  return {
    user_id: user.id,
    email: user.email,
    name: user.name,
    role: membership.role,
    joined_at: membership.createdAt.toISOString(),
  };
}

/** Members of an app: list (any member), change role and remove (app_admin; never the last app_admin). */
export function membersModule(deps: MembersModuleDependencies): ApiModule {
  const memberView = async (appId: string, userId: string) => {
    const [membership, user] = await Promise.all([
      deps.memberships.find(appId, userId),
      deps.users.findById(userId),
    ]);
    if (!membership || !user) throw new NotFoundError('Member not found');
    return toMemberView(membership, user);
  };

  return {
    name: 'members',
    description: 'Who belongs to an app, with which role',
    routes: [
      defineRoute({
        method: 'get',
        path: '/apps/:appId/members',
        operationId: 'listMembers',
        access: { kind: 'app', capability: 'read_app' },
        summary: 'Members of an app',
        request: { params: z.object({ appId: objectId }), query: paginationQuery },
        responses: { 200: pageResponse(memberSchema, 'A page of members') },
        errors: ['unauthorized', 'not_found'],
        handler: async ({ params, query }) => {
          const memberships = await deps.memberships.listForApp(params.appId);
          const window = memberships.slice((query.page - 1) * query.limit, query.page * query.limit);
          const users = new Map(
            (await deps.users.findManyByIds(window.map((m) => m.userId))).map((user) => [user.id, user]),
          );
          const items = window.flatMap((membership) => {
            const user = users.get(membership.userId);
            return user ? [toMemberView(membership, user)] : [];
          });
          return paginated(items, { page: query.page, limit: query.limit, total: memberships.length });
        },
      }),
      defineRoute({
        method: 'patch',
        path: '/apps/:appId/members/:userId',
        operationId: 'changeMemberRole',
        access: { kind: 'app', capability: 'manage_app' },
        summary: "Change a member's role",
        request: { params: memberParams, body: z.strictObject({ role: z.enum(ROLES) }) },
        responses: { 200: dataResponse(memberSchema, 'The member with the new role') },
        errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
        handler: async ({ params, body, actor }) => {
          await deps.unitOfWork.run({ appId: params.appId, actor }, async ({ session, audit }) => {
            const before = await deps.memberships.find(params.appId, params.userId, session);
            const after = await deps.memberships.changeRole(params.appId, params.userId, body.role, session);
            if (!before || !after) throw new NotFoundError('Member not found');
            await audit({
              entityType: 'membership',
              entityId: after.id,
              action: 'membership.role_changed',
              before: { user_id: before.userId, role: before.role },
              after: { user_id: after.userId, role: after.role },
            });
          });
          await deps.roles.invalidate(params.appId, params.userId);
          return ok(await memberView(params.appId, params.userId));
        },
      }),
      defineRoute({
        method: 'delete',
        path: '/apps/:appId/members/:userId',
        operationId: 'removeMember',
        access: { kind: 'app', capability: 'manage_app' },
        summary: 'Remove a member from an app',
        request: { params: memberParams },
        responses: { 204: emptyResponse('The member is removed') },
        errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
        handler: async ({ params, actor }) => {
          await deps.unitOfWork.run({ appId: params.appId, actor }, async ({ session, audit }) => {
            const removed = await deps.memberships.remove(params.appId, params.userId, session);
            if (!removed) throw new NotFoundError('Member not found');
            await audit({
              entityType: 'membership',
              entityId: removed.id,
              action: 'membership.removed',
              before: { user_id: removed.userId, role: removed.role },
            });
          });
          await deps.roles.invalidate(params.appId, params.userId);
          return noContent();
        },
      }),
    ],
  };
}
