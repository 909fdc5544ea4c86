import { ConflictError, NotFoundError, transitionChangeset, type Changeset } from '@conman/core';
import { inTransaction, isDuplicateKeyError } from '@conman/db';
import { ok } from '../../platform/replies';
import { dataResponse, defineRoute } from '../../platform/route';
import { actorOf } from '../auth/caller';
import { callerAndChangeset } from './access';
import type { ChangesetsModuleDependencies } from './dependencies';
import { gateOf } from './detail';
import { changesetParams, changesetSchema, changesetView } from './schemas';

/** A duplicate position can only come from a counter out of step with the index; try a few times. */
const QUEUE_ATTEMPTS = 5;

/** POST …/queue (SPEC §6.4): approved + passed submit gate of the current revision → next position. */
export function queueRoute(deps: ChangesetsModuleDependencies) {
  return defineRoute({
    method: 'post',
    path: '/apps/:appId/changesets/:changesetId/queue',
    operationId: 'queueChangeset',
    access: { kind: 'app', capability: 'assemble_release' },
    summary: 'Put an approved changeset whose submit gate passed at the end of the queue (config_manager+)',
    request: { params: changesetParams },
    responses: { 200: dataResponse(changesetSchema, 'The queued changeset with its position') },
    errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
    handler: async ({ params, request }) => {
      const { caller, changeset } = await callerAndChangeset(deps, request, params, 'assemble_release');
      transitionChangeset(changeset.state, { type: 'queue' });
      const revision = await deps.revisions.get(changeset.id, changeset.revision);
      if (!revision) throw new ConflictError('The changeset has no frozen revision');
      const gate = await gateOf(deps, revision);
      if (gate.state !== 'succeeded') {
        throw new ConflictError('The submit gate has not passed for the current revision', { gate });
      }
      for (let attempt = 1; ; attempt += 1) {
        try {
          const queued = await inTransaction(deps.client, async (session): Promise<Changeset> => {
            const current = await deps.changesets.findById(params.appId, changeset.id, session);
            if (!current) throw new NotFoundError('Changeset not found');
            if (current.revision !== changeset.revision) {
              throw new ConflictError('A new revision was frozen meanwhile; its gate must pass first');
            }
            const position = await deps.queueCounters.next(params.appId, session);
            const queued = await deps.changesets.transition(
              current,
              { type: 'queue' },
              { queuePosition: position },
              session,
            );
            await deps.audit.record(
              {
                appId: params.appId,
                actor: actorOf(caller),
                entityType: 'changeset',
                entityId: current.id,
                action: 'changeset.queued',
                before: { state: current.state },
                after: { state: queued.state, queue_position: queued.queuePosition },
              },
              session,
            );
            return queued;
          });
          return ok(changesetView(queued));
        } catch (error) {
          if (!isDuplicateKeyError(error) || attempt >= QUEUE_ATTEMPTS) throw error;
        }
      }
    },
  });
}
