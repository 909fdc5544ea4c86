import {
  ForbiddenError,
  canOnItem,
  InvalidTransitionError,
  NotFoundError,
  transitionChangeset,
  type ChangesetAction,
} from '@conman/core';
import { inTransaction } from '@conman/db';
import { created, ok } from '../../platform/replies';
import { dataResponse, defineRoute } from '../../platform/route';
import { actorOf, authorizedCaller } from '../auth/caller';
import { callerAndChangeset, isAuthor, loadApp, loadChangeset, requireAuthor } from './access';
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

/** Review, move-to-draft and clone (SPEC §6.3, §6.4). */
export function reviewRoutes(deps: ChangesetsModuleDependencies) {
  return [
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/review',
      operationId: 'reviewChangeset',
      access: { kind: 'app', capability: 'review_changeset' },
      summary: 'Approve, request changes or reject the current revision (reviewer+; four-eyes)',
      request: { params: changesetParams, body: reviewBody },
      responses: { 200: dataResponse(changesetDetailSchema, 'The changeset after the review') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
      handler: async ({ params, body, request }) => {
        const { caller, changeset } = await callerAndChangeset(deps, request, params, 'review_changeset');
        const reviewerId = actorOf(caller).id;
        const app = await loadApp(deps, params.appId);
        if (
          body.action === 'approve' &&
          isAuthor(caller, changeset.authorId) &&
          !app.settings.allow_self_approval
        )
          throw new ForbiddenError('The author cannot approve their own changeset (four-eyes policy)');
        const updated = await inTransaction(deps.client, async (session) => {
          // Read inside the transaction: a retried transaction must decide on the state it sees.
          const current = await deps.changesets.findById(params.appId, changeset.id, session);
          if (!current) throw new NotFoundError('Changeset not found');
          // Ask the machine before recording anything (the approval count is only known afterwards).
          transitionChangeset(
            current.state,
            body.action === 'approve'
              ? { type: 'approve', approvals: 0, required: 1 }
              : { type: body.action },
          );
          await deps.reviews.create(
            {
              appId: params.appId,
              changesetId: current.id,
              revision: current.revision,
              reviewerId,
              action: body.action,
              comment: body.comment ?? null,
            },
            session,
          );
          let action: ChangesetAction;
          if (body.action === 'approve') {
            const approvals = await deps.reviews.approvalsOf(current.id, current.revision, session);
            action = {
              type: 'approve',
              approvals: approvals.length,
              required: app.settings.required_approvals,
            };
          } else {
            action = { type: body.action };
          }
          const updated = await deps.changesets.transition(current, action, {}, session);
          await deps.audit.record(
            {
              appId: params.appId,
              actor: actorOf(caller),
              entityType: 'changeset',
              entityId: current.id,
              action: `changeset.review.${body.action}`,
              before: { state: current.state, revision: current.revision },
              after: { state: updated.state, revision: updated.revision, comment: body.comment ?? null },
            },
            session,
          );
          return updated;
        });
        return ok(await changesetDetail(deps, app, updated));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/move-to-draft',
      operationId: 'moveChangesetToDraft',
      access: { kind: 'app', capability: 'move_to_draft', own: 'matrix' },
      summary: 'Send a changes-requested, conflicted or needs-revalidation changeset back to draft',
      request: { params: changesetParams },
      responses: { 200: dataResponse(changesetSchema, 'The changeset, now a draft') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
      handler: async ({ params, request }) => {
        const caller = await authorizedCaller(deps.access, request, params.appId, 'read_app');
        const changeset = await loadChangeset(deps, params.appId, params.changesetId);
        // The role is known already: only the owner rule is left to apply.
        if (!canOnItem(caller.role, 'move_to_draft', 'matrix', isAuthor(caller, changeset.authorId)))
          throw new ForbiddenError(`Your role (${caller.role}) does not allow this`);
        const updated = await inTransaction(deps.client, async (session) => {
          const updated = await deps.changesets.transition(changeset, { type: 'move_to_draft' }, {}, session);
          await deps.audit.record(
            {
              appId: params.appId,
              actor: actorOf(caller),
              entityType: 'changeset',
              entityId: changeset.id,
              action: 'changeset.moved_to_draft',
              before: { state: changeset.state },
              after: { state: updated.state },
            },
            session,
          );
          return updated;
        });
        return ok(changesetView(updated));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/clone',
      operationId: 'cloneChangeset',
      access: { kind: 'app', capability: 'modify_own_changeset', own: 'author' },
      summary: 'Open a new draft on the same workspace from a rejected changeset (its author)',
      request: { params: changesetParams, body: cloneBody },
      responses: { 201: dataResponse(changesetSchema, 'The new draft changeset') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
      handler: async ({ params, body, request }) => {
        const { caller, changeset } = await callerAndChangeset(deps, request, params, 'modify_own_changeset');
        requireAuthor(caller, changeset.authorId, 'clone this changeset');
        if (changeset.state !== 'rejected') {
          throw new InvalidTransitionError('Only a rejected changeset can be cloned', {
            from: changeset.state,
            action: 'clone',
          });
        }
        const clone = await inTransaction(deps.client, async (session) => {
          const clone = await deps.changesets.create(
            {
              appId: params.appId,
              workspaceId: changeset.workspaceId,
              authorId: actorOf(caller).id,
              title: body.title ?? changeset.title,
              description: body.description ?? changeset.description,
              clonedFromId: changeset.id,
            },
            session,
          );
          await deps.audit.record(
            {
              appId: params.appId,
              actor: actorOf(caller),
              entityType: 'changeset',
              entityId: clone.id,
              action: 'changeset.cloned',
              before: { cloned_from_id: changeset.id },
              after: changesetView(clone),
            },
            session,
          );
          return clone;
        });
        return created(changesetView(clone));
      },
    }),
  ];
}
