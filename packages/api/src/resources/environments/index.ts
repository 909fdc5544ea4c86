import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, type Environment } from '@conman/core';
import { type AppsRepository, type AuditLog, type EnvironmentsRepository, type UnitOfWork } from '@conman/db';
import { objectId } from '../../platform/common-schemas';
import { paginationQuery } from '../../platform/pagination';
import { ok, paginatedSlice } from '../../platform/replies';
import { dataResponse, defineRoute, pageResponse, type ApiModule } from '../../platform/route';
import type { AppListCache } from '../apps/app-list';

export interface EnvironmentsModuleDependencies {
  unitOfWork: UnitOfWork;
  apps: AppsRepository;
  environments: EnvironmentsRepository;
  audit: AuditLog;
  /** Dropped when the first canonical environment sets the app's canonical_env_id. */
  appList: Pick<AppListCache, 'forget'>;
}

export const environmentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    position: z.number().int(),
    is_canonical: z.boolean(),
    runtime_profile_id: z.string().nullable(),
  })
  .meta({ id: 'Environment' });

const environmentInput = z.strictObject({
  id: objectId.optional(),
  name: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Letters, digits, dot, dash and underscore'),
  position: z.number().int().min(0).max(1000),
  is_canonical: z.boolean().default(false),
  // Runtime profiles do not exist yet (docs/identity.md "HTTP modules"); until they do, no environment can
  // reference one.
  runtime_profile_id: z.null().default(null),
});

function environmentView(env: Environment): z.output<typeof environmentSchema> {
  return {
    id: env.id,
    name: env.name,
    position: env.position,
    is_canonical: env.isCanonical,
    runtime_profile_id: env.runtimeProfileId,
  };
}

/** GET/PATCH A/environments: the ordered stages of an app, replaced as a set with stable ids. */
export function environmentsModule(deps: EnvironmentsModuleDependencies): ApiModule {
  return {
    name: 'environments',
    description: 'Deployment stages of an app',
    routes: [
      defineRoute({
        method: 'get',
        path: '/apps/:appId/environments',
        operationId: 'listEnvironments',
        access: { kind: 'app', capability: 'read_app' },
        summary: 'Environments of an app, by position',
        request: { params: z.object({ appId: objectId }), query: paginationQuery },
        responses: { 200: pageResponse(environmentSchema, 'A page of the environments, by position') },
        errors: ['unauthorized', 'not_found'],
        handler: async ({ params, query }) =>
          paginatedSlice(await deps.environments.listForApp(params.appId), query, environmentView),
      }),
      defineRoute({
        method: 'patch',
        path: '/apps/:appId/environments',
        operationId: 'replaceEnvironments',
        access: { kind: 'app', capability: 'manage_app' },
        summary: 'Set the environments: listed ids are updated in place, new entries added, the rest removed',
        request: {
          params: z.object({ appId: objectId }),
          body: z.strictObject({ environments: z.array(environmentInput).max(50) }),
        },
        responses: { 200: dataResponse(z.array(environmentSchema), 'The environments after the change') },
        errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
        handler: async ({ params, body, actor }) => {
          const ids = body.environments.flatMap((env) => (env.id ? [env.id] : []));
          if (new Set(ids).size !== ids.length)
            throw new ValidationError('An environment id is listed twice');
          const result = await deps.unitOfWork.run(
            { appId: params.appId, actor },
            async ({ session, audit }) => {
              const app = await deps.apps.findById(params.appId, session);
              if (!app) throw new NotFoundError('App not found');
              const canonical = app.settings.canonical_env_id;
              if (canonical !== null && !ids.includes(canonical)) {
                throw new ConflictError('The environment named by canonical_env_id cannot be removed', {
                  environment_id: canonical,
                });
              }
              // canonical_env_id and the is_canonical flags name the same environment: once it is set,
              // it moves only through PATCH settings, so a set that flags another one (or none) is refused.
              const flagged = body.environments.filter((env) => env.is_canonical);
              if (canonical !== null && (flagged.length !== 1 || flagged[0]?.id !== canonical)) {
                throw new ConflictError(
                  'The canonical environment must stay flagged is_canonical; change it with PATCH settings canonical_env_id',
                  { environment_id: canonical },
                );
              }
              const before = await deps.environments.listForApp(params.appId, session);
              const after = await deps.environments.replaceSet(
                params.appId,
                body.environments.map((env) => ({
                  ...(env.id !== undefined && { id: env.id }),
                  name: env.name,
                  position: env.position,
                  isCanonical: env.is_canonical,
                  runtimeProfileId: env.runtime_profile_id,
                })),
                session,
              );
              await audit({
                entityType: 'environments',
                entityId: params.appId,
                action: 'environments.updated',
                before: before.map(environmentView),
                after: after.map(environmentView),
              });
              const newCanonical = after.find((env) => env.isCanonical)?.id ?? null;
              if (canonical === null && newCanonical !== null) {
                // The first environment flagged canonical becomes the app's canonical_env_id.
                const settings = { ...app.settings, canonical_env_id: newCanonical };
                await deps.apps.updateSettings(params.appId, settings, session);
                await audit({
                  entityType: 'app',
                  entityId: params.appId,
                  action: 'app.settings_updated',
                  before: app.settings,
                  after: settings,
                });
              }
              return after;
            },
          );
          await deps.appList.forget(params.appId);
          return ok(result.map(environmentView));
        },
      }),
    ],
  };
}
