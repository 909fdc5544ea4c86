import { z } from 'zod';
import { NotFoundError, type App } from '@conman/core';
import type { AccessControl } from '@conman/auth';
import type { AppsRepository, MembershipsRepository } from '@conman/db';
import { objectId } from '../../platform/common-schemas';
import { ok } from '../../platform/replies';
import { dataResponse, defineRoute, type ApiModule } from '../../platform/route';
import { authorizedCaller, callerOf } from '../auth/caller';

export interface AppsModuleDependencies {
  access: AccessControl;
  apps: AppsRepository;
  memberships: MembershipsRepository;
}

export const appSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    repo_path: z.string(),
    integration_branch: z.string(),
    settings: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'App' });

function appView(app: App): z.output<typeof appSchema> {
  return {
    id: app.id,
    name: app.name,
    repo_path: app.repoPath,
    integration_branch: app.integrationBranch,
    settings: { ...app.settings },
    created_at: app.createdAt.toISOString(),
    updated_at: app.updatedAt.toISOString(),
  };
}

/** Reading apps: the caller's apps (platform admins: all; API keys: their own) and one app. */
export function appsModule(deps: AppsModuleDependencies): ApiModule {
  return {
    name: 'apps',
    description: 'Apps and their Git repositories',
    routes: [
      defineRoute({
        method: 'get',
        path: '/apps',
        operationId: 'listApps',
        summary: 'Apps the caller belongs to (all apps for platform admins)',
        responses: { 200: dataResponse(z.array(appSchema), 'The apps, by name') },
        errors: ['unauthorized'],
        handler: async ({ request }) => {
          const { principal } = await callerOf(deps.access, request);
          if (principal.kind === 'api_key') return ok((await deps.apps.list([principal.appId])).map(appView));
          if (principal.isPlatformAdmin) return ok((await deps.apps.list()).map(appView));
          const memberships = await deps.memberships.listForUser(principal.userId);
          return ok((await deps.apps.list(memberships.map((m) => m.appId))).map(appView));
        },
      }),
      defineRoute({
        method: 'get',
        path: '/apps/:appId',
        operationId: 'getApp',
        summary: 'One app with its settings',
        request: { params: z.object({ appId: objectId }) },
        responses: { 200: dataResponse(appSchema, 'The app') },
        errors: ['unauthorized', 'not_found'],
        handler: async ({ params, request }) => {
          await authorizedCaller(deps.access, request, params.appId, 'read_app');
          const app = await deps.apps.findById(params.appId);
          if (!app) throw new NotFoundError('App not found');
          return ok(appView(app));
        },
      }),
    ],
  };
}
