import { created, ok } from '../../platform/replies';
import { dataResponse, defineRoute } from '../../platform/route';
import { changesetItem } from './access';
import type { ChangesetsModuleDependencies } from './dependencies';
import { changesetDetail } from './detail';
import {
  changesetDetailSchema,
  changesetParams,
  changesetSchema,
  changesetView,
  cloneBody,
  reviewBody,
} from './schemas';
import type { ChangesetService } from './service';

/** Review, move-to-draft and clone (docs/changesets.md "Decisions"). */
export function reviewRoutes(deps: ChangesetsModuleDependencies, service: ChangesetService) {
  return [
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/review',
      operationId: 'reviewChangeset',
      access: { kind: 'app', capability: 'review_changeset', item: changesetItem(deps) },
      summary: 'Approve, request changes or reject the current revision (reviewer+; four-eyes)',
      request: { params: changesetParams, body: reviewBody },
      responses: { 200: dataResponse(changesetDetailSchema, 'The changeset after the review') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
      handler: async ({ body, app, actor, item: changeset }) => {
        const updated = await service.review(app, changeset, actor, {
          action: body.action,
          comment: body.comment ?? null,
        });
        return ok(await changesetDetail(deps, app, updated));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/move-to-draft',
      operationId: 'moveChangesetToDraft',
      access: { kind: 'app', capability: 'move_to_draft', item: changesetItem(deps), own: 'matrix' },
      summary: 'Send a changes-requested, conflicted or needs-revalidation changeset back to draft',
      request: { params: changesetParams },
      responses: { 200: dataResponse(changesetSchema, 'The changeset, now a draft') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
      handler: async ({ app, actor, item: changeset }) =>
        ok(changesetView(await service.moveToDraft(app, changeset, actor))),
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/clone',
      operationId: 'cloneChangeset',
      access: { kind: 'app', capability: 'modify_own_changeset', item: changesetItem(deps), own: 'author' },
      summary: 'Open a new draft on the same workspace from a rejected changeset (its author)',
      request: { params: changesetParams, body: cloneBody },
      responses: { 201: dataResponse(changesetSchema, 'The new draft changeset') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
      handler: async ({ body, app, actor, item: changeset }) =>
        created(changesetView(await service.clone(app, changeset, actor, body))),
    }),
  ];
}
