import { ValidationError } from '@conman/core';
import { type AuditLog, type NotificationPreferencesRepository, type UnitOfWork } from '@conman/db';
import type { RoleResolver } from '@conman/auth';
import { dataResponse, defineRoute, type ApiModule } from '../../platform/route';
import { ok } from '../../platform/replies';
import {
  notificationPreferencesBody,
  notificationPreferencesSchema,
  preferencesView,
  profileSchema,
  userView,
} from '../auth/schemas';

export interface MeModuleDependencies {
  /** Writes each change with its audit events in one transaction. */
  unitOfWork: UnitOfWork;
  /** The user's memberships, from the short-lived cache every membership change invalidates. */
  roles: Pick<RoleResolver, 'membershipsOf'>;
  preferences: NotificationPreferencesRepository;
  audit: AuditLog;
}

/** GET /me and the notification toggle of the signed-in user. */
export function meModule(deps: MeModuleDependencies): ApiModule {
  return {
    name: 'me',
    description: 'The signed-in user',
    routes: [
      defineRoute({
        method: 'get',
        path: '/me',
        operationId: 'getMe',
        access: { kind: 'user' },
        summary: 'The signed-in user and their app roles',
        responses: { 200: dataResponse(profileSchema, 'The profile') },
        errors: ['unauthorized', 'forbidden'],
        handler: async ({ caller: { user } }) => {
          const memberships = await deps.roles.membershipsOf(user.id);
          return ok({
            ...userView(user),
            memberships: memberships.map((membership) => ({
              app_id: membership.appId,
              role: membership.role,
            })),
          });
        },
      }),
      defineRoute({
        method: 'get',
        path: '/me/notification-preferences',
        operationId: 'getNotificationPreferences',
        access: { kind: 'user' },
        summary: 'Whether the signed-in user receives notification emails, and their commit mode',
        responses: { 200: dataResponse(notificationPreferencesSchema, 'The preferences') },
        errors: ['unauthorized', 'forbidden'],
        handler: async ({ caller: { user } }) => ok(preferencesView(await deps.preferences.get(user.id))),
      }),
      defineRoute({
        method: 'patch',
        path: '/me/notification-preferences',
        operationId: 'updateNotificationPreferences',
        access: { kind: 'user' },
        summary: 'Turn notification emails on or off; choose a commit mode (null: the app default)',
        request: { body: notificationPreferencesBody },
        responses: { 200: dataResponse(notificationPreferencesSchema, 'The updated preferences') },
        errors: ['unauthorized', 'forbidden'],
        handler: async ({ caller: { user }, actor, body }) => {
          if (body.email_enabled === undefined && body.commit_mode === undefined)
            throw new ValidationError('Send email_enabled or commit_mode');
          const changes = {
            ...(body.email_enabled !== undefined && { emailEnabled: body.email_enabled }),
            ...(body.commit_mode !== undefined && { commitMode: body.commit_mode }),
          };
          const updated = await deps.unitOfWork.run({ appId: null, actor }, async ({ session, audit }) => {
            const before = await deps.preferences.get(user.id, session);
            const after = await deps.preferences.set(user.id, changes, session);
            await audit({
              entityType: 'notification_preferences',
              entityId: user.id,
              action: 'notification_preferences.updated',
              before: preferencesView(before),
              after: preferencesView(after),
            });
            return after;
          });
          return ok(preferencesView(updated));
        },
      }),
    ],
  };
}
