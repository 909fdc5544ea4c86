import { ok } from '../../platform/replies';
import { dataResponse, defineRoute } from '../../platform/route';
import { changesetItem } from './access';
import type { ChangesetsModuleDependencies } from './dependencies';
import { changesetParams, changesetSchema, changesetView } from './schemas';
import type { ChangesetService } from './service';

/** POST …/queue (docs/changesets.md): approved + passed submit gate of the current revision → next position. */
export function queueRoute(deps: ChangesetsModuleDependencies, service: ChangesetService) {
  return defineRoute({
    method: 'post',
    path: '/apps/:appId/changesets/:changesetId/queue',
    operationId: 'queueChangeset',
    access: { kind: 'app', capability: 'assemble_release', item: changesetItem(deps) },
    summary: 'Put an approved changeset whose submit gate passed at the end of the queue (config_manager+)',
    request: { params: changesetParams },
    responses: { 200: dataResponse(changesetSchema, 'The queued changeset with its position') },
    errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
    handler: async ({ app, actor, item: changeset }) =>
      ok(changesetView(await service.queue(app, changeset, actor))),
  });
}
