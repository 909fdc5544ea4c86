import { z } from 'zod';
import { objectId } from '../../platform/common-schemas';
import { pageWindow, paginationQuery } from '../../platform/pagination';
import { accepted, created, ok, paginated, paginatedSlice } from '../../platform/replies';
import { dataResponse, defineRoute, pageResponse } from '../../platform/route';
import { jobView } from '../jobs/schemas';
import { bodyWorkspaceItem, changesetItem } from './access';
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
import type { Submission } from './submission';
import type { ChangesetService } from './service';

function submissionView(submission: Submission): z.output<typeof submissionSchema> {
  return {
    changeset: changesetView(submission.changeset),
    job: submission.job ? jobView(submission.job) : null,
    // Runtime-profile overrides (SPEC §6.8) do not exist yet: nothing is attached to a revision.
    included_profile_overrides: [],
  };
}

/** Create, list, read, edit, submit, resubmit and revisions of changesets (SPEC §6.3). */
export function lifecycleRoutes(deps: ChangesetsModuleDependencies, service: ChangesetService) {
  return [
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets',
      operationId: 'createChangeset',
      access: {
        kind: 'app',
        capability: 'modify_own_changeset',
        item: bodyWorkspaceItem(deps),
        own: 'author',
      },
      summary: 'Open a changeset on one of your workspaces (one open changeset per workspace)',
      request: { params: z.object({ appId: objectId }), body: createBody },
      responses: { 201: dataResponse(changesetSchema, 'The new draft changeset') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
      handler: async ({ body, app, actor, item: workspace }) =>
        created(changesetView(await service.create(app, workspace, actor, body))),
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
      handler: async ({ params, query }) => {
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
      access: { kind: 'app', capability: 'read_app', item: changesetItem(deps) },
      summary: 'A changeset with its current revision, approvals and gate status',
      request: { params: changesetParams },
      responses: { 200: dataResponse(changesetDetailSchema, 'The changeset') },
      errors: ['unauthorized', 'not_found'],
      handler: async ({ app, item: changeset }) => ok(await changesetDetail(deps, app, changeset)),
    }),
    defineRoute({
      method: 'patch',
      path: '/apps/:appId/changesets/:changesetId',
      operationId: 'updateChangeset',
      access: { kind: 'app', capability: 'modify_own_changeset', item: changesetItem(deps), own: 'author' },
      summary: 'Change the title or description (author; not once released or rejected)',
      request: { params: changesetParams, body: patchBody },
      responses: { 200: dataResponse(changesetSchema, 'The changeset') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
      handler: async ({ body, app, actor, item: changeset }) =>
        ok(changesetView(await service.updateDetails(app, changeset, actor, body))),
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/submit',
      operationId: 'submitChangeset',
      access: { kind: 'app', capability: 'submit_changeset', item: changesetItem(deps), own: 'author' },
      summary: 'Commit pending edits, freeze the next revision and start the submit gate',
      request: { params: changesetParams },
      responses: { 202: dataResponse(submissionSchema, 'The submitted changeset and its gate job') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
      handler: async ({ app, actor, item: changeset }) =>
        accepted(submissionView(await service.submit(app, changeset, actor, 'submit'))),
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/resubmit',
      operationId: 'resubmitChangeset',
      access: { kind: 'app', capability: 'submit_changeset', item: changesetItem(deps), own: 'author' },
      summary: 'Resubmit after requested changes, or freeze new commits as the next revision while in review',
      request: { params: changesetParams },
      responses: { 202: dataResponse(submissionSchema, 'The resubmitted changeset and its gate job') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_transition'],
      handler: async ({ app, actor, item: changeset }) =>
        accepted(submissionView(await service.submit(app, changeset, actor, 'resubmit'))),
    }),
    defineRoute({
      method: 'get',
      path: '/apps/:appId/changesets/:changesetId/revisions',
      operationId: 'listChangesetRevisions',
      access: { kind: 'app', capability: 'read_app', item: changesetItem(deps) },
      summary: 'Every frozen revision of a changeset, oldest first',
      request: { params: changesetParams, query: paginationQuery },
      responses: { 200: pageResponse(revisionSchema, 'A page of the revisions') },
      errors: ['unauthorized', 'not_found'],
      handler: async ({ query, item: changeset }) =>
        paginatedSlice(await deps.revisions.list(changeset.id), query, revisionView),
    }),
  ];
}
