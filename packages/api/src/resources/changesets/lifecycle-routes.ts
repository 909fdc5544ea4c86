import { z } from 'zod';
import { ForbiddenError, InvalidTransitionError, type Changeset } from '@conman/core';
import { inTransaction } from '@conman/db';
import { objectId } from '../../platform/common-schemas';
import { pageWindow, paginationQuery } from '../../platform/pagination';
import { accepted, created, ok, paginated, paginatedSlice } from '../../platform/replies';
import { dataResponse, defineRoute, pageResponse } from '../../platform/route';
import { actorOf, authorizedCaller } from '../auth/caller';
import { jobView } from '../jobs/schemas';
import { callerAndChangeset, loadApp, requireAuthor } from './access';
import type { ChangesetsModuleDependencies } from './dependencies';
import { changesetDetail } from './detail';
import {
  changesetDetailSchema,
  changesetParams,
  changesetSchema,
  changesetView,
  createBody,
  listQuery,
  patchBody,
  revisionSchema,
  revisionView,
  submissionSchema,
} from './schemas';
import { resubmitActionFor, submitChangeset, type Submission } from './submission';

function submissionView(submission: Submission): z.output<typeof submissionSchema> {
  return {
    changeset: changesetView(submission.changeset),
    job: submission.job ? jobView(submission.job) : null,
    // Runtime-profile overrides (SPEC §6.8) do not exist yet: nothing is attached to a revision.
    included_profile_overrides: [],
  };
}

/** Create, list, read, edit, submit, resubmit and revisions of changesets (SPEC §6.3). */
export function lifecycleRoutes(deps: ChangesetsModuleDependencies) {
  return [
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets',
      operationId: 'createChangeset',
      access: { kind: 'app', capability: 'modify_own_changeset', own: 'author' },
      summary: 'Open a changeset on one of your workspaces (one open changeset per workspace)',
      request: { params: z.object({ appId: objectId }), body: createBody },
      responses: { 201: dataResponse(changesetSchema, 'The new draft changeset') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
      handler: async ({ params, body, request }) => {
        const caller = await authorizedCaller(deps.access, request, params.appId, 'modify_own_changeset');
        const workspace = await deps.workspaces.get(params.appId, body.workspace_id);
        const authorId = actorOf(caller).id;
        if (workspace.ownerId !== authorId)
          throw new ForbiddenError('Only the owner of the workspace can open a changeset on it');
        const changeset = await inTransaction(deps.client, async (session) => {
          const changeset = await deps.changesets.create(
            {
              appId: params.appId,
              workspaceId: workspace.id,
              authorId,
              title: body.title,
              description: body.description,
            },
            session,
          );
          await deps.audit.record(
            {
              appId: params.appId,
              actor: actorOf(caller),
              entityType: 'changeset',
              entityId: changeset.id,
              action: 'changeset.created',
              after: changesetView(changeset),
            },
            session,
          );
          return changeset;
        });
        return created(changesetView(changeset));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/apps/:appId/changesets',
      operationId: 'listChangesets',
      access: { kind: 'app', capability: 'read_app' },
      summary: 'Changesets of an app, newest first',
      request: { params: z.object({ appId: objectId }), query: listQuery },
      responses: { 200: pageResponse(changesetSchema, 'A page of changesets') },
      errors: ['unauthorized', 'not_found'],
      handler: async ({ params, query, request }) => {
        await authorizedCaller(deps.access, request, params.appId, 'read_app');
        const { items, total } = await deps.changesets.list(
          params.appId,
          {
            ...(query.state !== undefined && { state: query.state }),
            ...(query.author !== undefined && { authorId: query.author }),
          },
          pageWindow(query),
        );
        return paginated(items.map(changesetView), { page: query.page, limit: query.limit, total });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/apps/:appId/changesets/:changesetId',
      operationId: 'getChangeset',
      access: { kind: 'app', capability: 'read_app' },
      summary: 'A changeset with its current revision, approvals and gate status',
      request: { params: changesetParams },
      responses: { 200: dataResponse(changesetDetailSchema, 'The changeset') },
      errors: ['unauthorized', 'not_found'],
      handler: async ({ params, request }) => {
        const { changeset } = await callerAndChangeset(deps, request, params, 'read_app');
        return ok(await changesetDetail(deps, await loadApp(deps, params.appId), changeset));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/apps/:appId/changesets/:changesetId',
      operationId: 'updateChangeset',
      access: { kind: 'app', capability: 'modify_own_changeset', own: 'author' },
      summary: 'Change the title or description (author; not once released or rejected)',
      request: { params: changesetParams, body: patchBody },
      responses: { 200: dataResponse(changesetSchema, 'The changeset') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
      handler: async ({ params, body, request }) => {
        const { caller, changeset } = await callerAndChangeset(deps, request, params, 'modify_own_changeset');
        requireAuthor(caller, changeset.authorId, 'edit this changeset');
        assertOpen(changeset);
        const updated = await inTransaction(deps.client, async (session) => {
          const updated = await deps.changesets.updateDetails(changeset, body, session);
          await deps.audit.record(
            {
              appId: params.appId,
              actor: actorOf(caller),
              entityType: 'changeset',
              entityId: changeset.id,
              action: 'changeset.updated',
              before: { title: changeset.title, description: changeset.description },
              after: { title: updated.title, description: updated.description },
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
      path: '/apps/:appId/changesets/:changesetId/submit',
      operationId: 'submitChangeset',
      access: { kind: 'app', capability: 'submit_changeset', own: 'author' },
      summary: 'Commit pending edits, freeze the next revision and start the submit gate',
      request: { params: changesetParams },
      responses: { 202: dataResponse(submissionSchema, 'The submitted changeset and its gate job') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
      handler: async ({ params, request }) => {
        const { caller, changeset } = await callerAndChangeset(deps, request, params, 'submit_changeset');
        requireAuthor(caller, changeset.authorId, 'submit this changeset');
        const app = await loadApp(deps, params.appId);
        return accepted(
          submissionView(await submitChangeset(deps, app, changeset, 'submit', actorOf(caller))),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/resubmit',
      operationId: 'resubmitChangeset',
      access: { kind: 'app', capability: 'submit_changeset', own: 'author' },
      summary: 'Resubmit after requested changes, or freeze new commits as the next revision while in review',
      request: { params: changesetParams },
      responses: { 202: dataResponse(submissionSchema, 'The resubmitted changeset and its gate job') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
      handler: async ({ params, request }) => {
        const { caller, changeset } = await callerAndChangeset(deps, request, params, 'submit_changeset');
        requireAuthor(caller, changeset.authorId, 'resubmit this changeset');
        const app = await loadApp(deps, params.appId);
        const action = resubmitActionFor(changeset.state);
        return accepted(submissionView(await submitChangeset(deps, app, changeset, action, actorOf(caller))));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/apps/:appId/changesets/:changesetId/revisions',
      operationId: 'listChangesetRevisions',
      access: { kind: 'app', capability: 'read_app' },
      summary: 'Every frozen revision of a changeset, oldest first',
      request: { params: changesetParams, query: paginationQuery },
      responses: { 200: pageResponse(revisionSchema, 'A page of the revisions') },
      errors: ['unauthorized', 'not_found'],
      handler: async ({ params, query, request }) => {
        const { changeset } = await callerAndChangeset(deps, request, params, 'read_app');
        return paginatedSlice(await deps.revisions.list(changeset.id), query, revisionView);
      },
    }),
  ];
}

/** Released and rejected changesets are history: their details no longer change. */
export function assertOpen(changeset: Changeset): void {
  if (changeset.state === 'released' || changeset.state === 'rejected') {
    throw new InvalidTransitionError(`A ${changeset.state} changeset can no longer be edited`, {
      from: changeset.state,
      action: 'edit_details',
    });
  }
}
