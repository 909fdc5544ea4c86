import { z } from 'zod';
import { appSettingsPatchSchema, type Logger } from '@conman/core';
import type {
  AppsRepository,
  AuditLog,
  EnvironmentsRepository,
  MembershipsRepository,
  UnitOfWork,
} from '@conman/db';
import type { GitAdapter } from '@conman/git';
import type { RoleResolver } from '@conman/auth';
import { objectId } from '../../platform/common-schemas';
import { paginationQuery } from '../../platform/pagination';
import { created, ok, paginatedSlice } from '../../platform/replies';
import { dataResponse, defineRoute, pageResponse, type ApiModule } from '../../platform/route';
import type { AppListCache } from './app-list';
import { createApp } from './create-app';
import { appSchema, appView, createAppBody } from './schemas';
import { updateAppSettings } from './update-settings';

export { appSchema } from './schemas';
export { AppListCache } from './app-list';

export interface AppsModuleDependencies {
  unitOfWork: UnitOfWork;
  apps: AppsRepository;
  memberships: MembershipsRepository;
  /** The caller's memberships (cached), and their invalidation once a creator's membership commits. */
  roles: Pick<RoleResolver, 'membershipsOf' | 'invalidate'>;
  /** The apps GET /apps lists (cached), dropped when an app is created or its settings change. */
  appList: AppListCache;
  environments: EnvironmentsRepository;
  audit: AuditLog;
  git: GitAdapter;
  logger: Logger;
}

/** Apps: the caller's apps (platform admins: all; API keys: their own), one app, creation, settings. */
export function appsModule(deps: AppsModuleDependencies): ApiModule {
  return {
    name: 'apps',
    description: 'Apps and their Git repositories',
    routes: [
      defineRoute({
        method: 'get',
        path: '/apps',
        operationId: 'listApps',
        access: { kind: 'authenticated' },
        summary: 'Apps the caller belongs to (all apps for platform admins)',
        request: { query: paginationQuery },
        responses: { 200: pageResponse(appSchema, 'A page of the apps, by name') },
        errors: ['unauthorized'],
        handler: async ({ query, caller: { principal } }) => {
          const visible = async () => {
            if (principal.kind === 'api_key') return deps.appList.list([principal.appId]);
            if (principal.isPlatformAdmin) return deps.appList.list();
            const memberships = await deps.roles.membershipsOf(principal.userId);
            return deps.appList.list(memberships.map((m) => m.appId));
          };
          return paginatedSlice(await visible(), query, appView);
        },
      }),
      defineRoute({
        method: 'post',
        path: '/apps',
        operationId: 'createApp',
        access: { kind: 'platform', capability: 'create_app' },
        summary:
          'Create an app on a new (seed) or existing Git repository; the creator becomes its app_admin',
        request: { body: createAppBody },
        responses: { 201: dataResponse(appSchema, 'The app') },
        errors: ['unauthorized', 'forbidden', 'conflict', 'git_error', 'unavailable'],
        handler: async ({ body, caller, actor }) => {
          const { user } = caller;
          const app = await createApp(deps, body, {
            userId: user.id,
            actor,
            signature: { name: user.name, email: user.email },
          });
          return created(appView(app));
        },
      }),
      defineRoute({
        method: 'get',
        path: '/apps/:appId',
        operationId: 'getApp',
        access: { kind: 'app', capability: 'read_app' },
        summary: 'One app with its settings',
        request: { params: z.object({ appId: objectId }) },
        responses: { 200: dataResponse(appSchema, 'The app') },
        errors: ['unauthorized', 'not_found'],
        handler: ({ app }) => ok(appView(app)),
      }),
      defineRoute({
        method: 'patch',
        path: '/apps/:appId/settings',
        operationId: 'updateAppSettings',
        access: { kind: 'app', capability: 'manage_app' },
        summary: 'Change some settings of an app (named settings are replaced whole)',
        request: { params: z.object({ appId: objectId }), body: appSettingsPatchSchema },
        responses: { 200: dataResponse(appSchema, 'The app with its new settings') },
        errors: ['unauthorized', 'forbidden', 'not_found'],
        handler: async ({ params, body, actor }) =>
          ok(appView(await updateAppSettings(deps, params.appId, body, actor))),
      }),
    ],
  };
}
