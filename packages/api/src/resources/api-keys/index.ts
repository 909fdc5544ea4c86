import { z } from 'zod';
import { NotFoundError, ROLES, ValidationError, type ApiKey } from '@conman/core';
import { issueApiKey } from '@conman/auth';
import { type ApiKeysRepository, type AuditLog, type UnitOfWork } from '@conman/db';
import { paginationQuery } from '../../platform/pagination';
import { created, noContent, paginatedSlice } from '../../platform/replies';
import { dataResponse, defineRoute, emptyResponse, pageResponse, type ApiModule } from '../../platform/route';
import { objectId, singleLineText } from '../../platform/common-schemas';

export interface ApiKeysModuleDependencies {
  unitOfWork: UnitOfWork;
  apiKeys: ApiKeysRepository;
  audit: AuditLog;
}

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    display_prefix: z.string(),
    created_by: z.string(),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

const createdKeySchema = apiKeySchema.extend({ key: z.string() }).meta({ id: 'CreatedApiKey' });

function apiKeyView(key: ApiKey): z.output<typeof apiKeySchema> {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    display_prefix: key.displayPrefix,
    created_by: key.createdBy,
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt?.toISOString() ?? null,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
  };
}

/** App-scoped API keys (SPEC §13), managed by app admins; the key itself is shown once, at creation. */
export function apiKeysModule(deps: ApiKeysModuleDependencies): ApiModule {
  const auditedKey = (key: ApiKey) => ({ name: key.name, role: key.role, expires_at: key.expiresAt });
  return {
    name: 'api-keys',
    description: 'Service credentials for automation',
    routes: [
      defineRoute({
        method: 'post',
        path: '/apps/:appId/api-keys',
        operationId: 'createApiKey',
        access: { kind: 'app', capability: 'manage_app' },
        summary: 'Create an API key (the key is returned only in this response)',
        request: {
          params: z.object({ appId: objectId }),
          body: z.strictObject({
            name: singleLineText(100),
            role: z.enum(ROLES),
            expires_at: z.iso.datetime().optional(),
          }),
        },
        responses: { 201: dataResponse(createdKeySchema, 'The key, shown once') },
        errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
        handler: async ({ params, body, actor }) => {
          const expiresAt = body.expires_at === undefined ? null : new Date(body.expires_at);
          if (expiresAt && expiresAt.getTime() <= Date.now()) {
            throw new ValidationError('expires_at must be in the future', { fields: ['expires_at'] });
          }
          const { token, hash } = issueApiKey();
          const key = await deps.unitOfWork.run(
            { appId: params.appId, actor },
            async ({ session, audit }) => {
              const createdKey = await deps.apiKeys.create(
                {
                  appId: params.appId,
                  name: body.name,
                  role: body.role,
                  tokenHash: hash,
                  displayPrefix: token.slice(0, 8),
                  createdBy: actor.id,
                  expiresAt,
                },
                session,
              );
              await audit({
                entityType: 'api_key',
                entityId: createdKey.id,
                action: 'api_key.created',
                after: auditedKey(createdKey),
              });
              return createdKey;
            },
          );
          return created({ ...apiKeyView(key), key: token });
        },
      }),
      defineRoute({
        method: 'get',
        path: '/apps/:appId/api-keys',
        operationId: 'listApiKeys',
        access: { kind: 'app', capability: 'manage_app' },
        summary: 'API keys of an app (without the keys)',
        request: { params: z.object({ appId: objectId }), query: paginationQuery },
        responses: { 200: pageResponse(apiKeySchema, 'A page of the keys') },
        errors: ['unauthorized', 'forbidden', 'not_found'],
        handler: async ({ params, query }) =>
          paginatedSlice(await deps.apiKeys.listForApp(params.appId), query, apiKeyView),
      }),
      defineRoute({
        method: 'delete',
        path: '/apps/:appId/api-keys/:keyId',
        operationId: 'revokeApiKey',
        access: { kind: 'app', capability: 'manage_app' },
        summary: 'Revoke an API key',
        request: { params: z.object({ appId: objectId, keyId: objectId }) },
        responses: { 204: emptyResponse('The key no longer works') },
        errors: ['unauthorized', 'forbidden', 'not_found'],
        handler: async ({ params, actor }) => {
          await deps.unitOfWork.run({ appId: params.appId, actor }, async ({ session, audit }) => {
            const revoked = await deps.apiKeys.revoke(params.appId, params.keyId, session);
            if (!revoked) throw new NotFoundError('API key not found');
            await audit({
              entityType: 'api_key',
              entityId: revoked.id,
              action: 'api_key.revoked',
              before: auditedKey(revoked),
            });
          });
          return noContent();
        },
      }),
    ],
  };
}
