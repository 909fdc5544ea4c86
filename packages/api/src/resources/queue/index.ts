import { z } from 'zod';
import { ConflictError, ValidationError } from '@conman/core';
import { type UnitOfWork } from '@conman/db';
import type { AuditLog, ChangesetsRepository, QueueCounters } from '@conman/db';
import { objectId } from '../../platform/common-schemas';
import { paginationQuery } from '../../platform/pagination';
import { ok, paginatedSlice } from '../../platform/replies';
import { dataResponse, defineRoute, pageResponse, type ApiModule } from '../../platform/route';
import { changesetSchema, changesetView } from '../changesets/schemas';

export interface QueueModuleDependencies {
  unitOfWork: UnitOfWork;
  changesets: ChangesetsRepository;
  queueCounters: QueueCounters;
  audit: AuditLog;
}

const appParams = z.object({ appId: objectId });

/** GET A/queue and POST A/queue/reorder (SPEC §6.4, §11). */
export function queueModule(deps: QueueModuleDependencies): ApiModule {
  return {
    name: 'queue',
    description: 'Approved changesets waiting to be released, in order',
    routes: [
      defineRoute({
        method: 'get',
        path: '/apps/:appId/queue',
        operationId: 'getQueue',
        access: { kind: 'app', capability: 'read_app' },
        summary: 'The queued changesets by position',
        request: { params: appParams, query: paginationQuery },
        responses: { 200: pageResponse(changesetSchema, 'A page of the queue, first position first') },
        errors: ['unauthorized', 'not_found'],
        handler: async ({ params, query }) =>
          paginatedSlice(await deps.changesets.listQueued(params.appId), query, changesetView),
      }),
      defineRoute({
        method: 'post',
        path: '/apps/:appId/queue/reorder',
        operationId: 'reorderQueue',
        access: { kind: 'app', capability: 'assemble_release' },
        summary: 'Reorder the queue: the ids must be exactly the queued changesets, in the new order',
        request: {
          params: appParams,
          body: z.strictObject({ changeset_ids: z.array(objectId).max(10_000) }),
        },
        responses: { 200: dataResponse(z.array(changesetSchema), 'The queue in its new order') },
        errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
        handler: async ({ params, body, actor }) => {
          const ids = body.changeset_ids;
          if (new Set(ids).size !== ids.length) throw new ValidationError('A changeset id is listed twice');
          const queue = await deps.unitOfWork.run(
            { appId: params.appId, actor },
            async ({ session, audit }) => {
              const before = await deps.changesets.listQueued(params.appId, session);
              const current = new Set(before.map((changeset) => changeset.id));
              if (ids.length !== current.size || ids.some((id) => !current.has(id))) {
                throw new ConflictError('changeset_ids must list exactly the changesets in the queue', {
                  queue: before.map((changeset) => changeset.id),
                });
              }
              await deps.changesets.renumberQueue(params.appId, ids, session);
              await deps.queueCounters.reset(params.appId, ids.length, session);
              const after = await deps.changesets.listQueued(params.appId, session);
              await audit({
                entityType: 'queue',
                entityId: params.appId,
                action: 'queue.reordered',
                before: before.map((changeset) => changeset.id),
                after: after.map((changeset) => changeset.id),
              });
              return after;
            },
          );
          return ok(queue.map(changesetView));
        },
      }),
    ],
  };
}
