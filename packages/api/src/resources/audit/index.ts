import { z } from 'zod';
import type { AuditEvent } from '@conman/core';
import type { AuditLog } from '@conman/db';
import { objectId } from '../../platform/common-schemas';
import { paginationQuery } from '../../platform/pagination';
import { paginated } from '../../platform/replies';
import { defineRoute, pageResponse, type ApiModule } from '../../platform/route';

export const auditEventSchema = z
  .object({
    id: z.string(),
    app_id: z.string().nullable(),
    actor: z.object({ type: z.enum(['user', 'api_key', 'system']), id: z.string() }),
    entity_type: z.string(),
    entity_id: z.string(),
    action: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    git_sha: z.string().nullable(),
    context: z.object({
      request_id: z.string().nullable(),
      client_ip: z.string().nullable(),
      user_agent: z.string().nullable(),
    }),
    created_at: z.string(),
  })
  .meta({ id: 'AuditEvent' });

/** An audit event as the API shows it. */
export function auditEventView(event: AuditEvent): z.output<typeof auditEventSchema> {
  return {
    id: event.id,
    app_id: event.appId,
    actor: event.actor,
    entity_type: event.entityType,
    entity_id: event.entityId,
    action: event.action,
    before: event.before,
    after: event.after,
    git_sha: event.gitSha,
    context: {
      request_id: event.context.requestId,
      client_ip: event.context.clientIp,
      user_agent: event.context.userAgent,
    },
    created_at: event.createdAt.toISOString(),
  };
}

const filterValue = z.string().min(1).max(200).optional();

/**
 * GET A/audit (docs/identity.md "Audit", docs/audit.md "Reads"): app admins read the append-only log with
 * filters.
 */
export function auditModule(deps: { audit: AuditLog }): ApiModule {
  return {
    name: 'audit',
    description: 'The audit log of an app',
    routes: [
      defineRoute({
        method: 'get',
        path: '/apps/:appId/audit',
        operationId: 'listAuditEvents',
        access: { kind: 'app', capability: 'manage_app' },
        summary: 'Audit events of an app, newest first',
        request: {
          params: z.object({ appId: objectId }),
          query: paginationQuery.extend({
            entity_type: filterValue,
            entity_id: filterValue,
            action: filterValue,
            actor: filterValue,
          }),
        },
        responses: { 200: pageResponse(auditEventSchema, 'A page of audit events') },
        errors: ['unauthorized', 'forbidden', 'not_found'],
        handler: async ({ params, query }) => {
          const { events, total } = await deps.audit.list({
            appId: params.appId,
            page: query.page,
            limit: query.limit,
            ...(query.entity_type !== undefined && { entityType: query.entity_type }),
            ...(query.entity_id !== undefined && { entityId: query.entity_id }),
            ...(query.action !== undefined && { action: query.action }),
            ...(query.actor !== undefined && { actorId: query.actor }),
          });
          const items = events.map(auditEventView);
          return paginated(items, { page: query.page, limit: query.limit, total });
        },
      }),
    ],
  };
}
