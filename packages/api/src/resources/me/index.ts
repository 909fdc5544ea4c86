import { inTransaction, type AuditLog, type NotificationPreferencesRepository } from '@conman/db';
import type { RoleResolver } from '@conman/auth';
import { dataResponse, defineRoute, type ApiModule } from '../../platform/route';
import { ok } from '../../platform/replies';
import {
  notificationPreferencesBody,
  notificationPreferencesSchema,
  profileSchema,
  userView,
} from '../auth/schemas';

export interface MeModuleDependencies {
  /** For `inTransaction`: the change and its audit event commit together. */
  client: Parameters<typeof inTransaction>[0];
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
        summary: 'Whether the signed-in user receives notification emails',
        responses: { 200: dataResponse(notificationPreferencesSchema, 'The preferences') },
        errors: ['unauthorized', 'forbidden'],
        handler: async ({ caller: { user } }) => {
          const preferences = await deps.preferences.get(user.id);
          return ok({ email_enabled: preferences.emailEnabled });
        },
      }),
      defineRoute({
        method: 'patch',
        path: '/me/notification-preferences',
        operationId: 'updateNotificationPreferences',
        access: { kind: 'user' },
        summary: 'Turn notification emails on or off',
        request: { body: notificationPreferencesBody },
        responses: { 200: dataResponse(notificationPreferencesSchema, 'The updated preferences') },
        errors: ['unauthorized', 'forbidden'],
        handler: async ({ caller: { user }, body }) => {
          const updated = await inTransaction(deps.client, async (session) => {
            const before = await deps.preferences.get(user.id, { session });
            const after = await deps.preferences.set(user.id, body.email_enabled, { session });
            await deps.audit.record(
              {
                appId: null,
                actor: { type: 'user', id: user.id },
                entityType: 'notification_preferences',
                entityId: user.id,
                action: 'notification_preferences.updated',
                before: { email_enabled: before.emailEnabled },
                after: { email_enabled: after.emailEnabled },
              },
              session,
            );
            return after;
          });
          return ok({ email_enabled: updated.emailEnabled });
        },
      }),
    ],
  };
}
