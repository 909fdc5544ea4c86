import { z } from 'zod';
import { COMMIT_MODES, ValidationError } from '@conman/core';
import { paginationQuery, pageWindow } from '../../platform/pagination';
import { created, ok, paginated } from '../../platform/replies';
import { dataResponse, defineRoute, pageResponse, type Route } from '../../platform/route';
import { assertCheckpointsAllowed } from './commit-mode';
import { editAccess, workspaceActor, type WorkspacesModuleDependencies } from './context';
import { appParams, workspaceParams, workspaceSchema, workspaceView } from './schemas';
import { multiLineText, singleLineText } from '../../platform/common-schemas';

const title = singleLineText(200);
const commitMode = z.enum(COMMIT_MODES);

/** Workspace records: list (with the default created on first use), create, read, settings, reset, sync, checkpoints. */
export function workspaceRoutes(deps: WorkspacesModuleDependencies): Route[] {
  const { service } = deps;
  const EDIT = editAccess(service);
  return [
    defineRoute({
      method: 'get',
      path: '/apps/:appId/workspaces',
      operationId: 'listWorkspaces',
      access: { kind: 'app', capability: 'edit_own_workspace' },
      summary: "The caller's workspaces in the app; the default one is created on first use",
      request: { params: appParams, query: paginationQuery },
      responses: { 200: pageResponse(workspaceSchema, 'A page of workspaces, oldest first') },
      errors: ['unauthorized', 'not_found', 'conflict'],
      handler: async ({ query, app, ...grant }) => {
        const actor = workspaceActor(grant);
        const all = await service.listOwn(app, actor);
        const { skip, limit } = pageWindow(query);
        return paginated(all.slice(skip, skip + limit).map(workspaceView), {
          page: query.page,
          limit: query.limit,
          total: all.length,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/workspaces',
      operationId: 'createWorkspace',
      access: { kind: 'app', capability: 'edit_own_workspace' },
      summary: 'Create another workspace of the caller, branched from the baseline',
      request: { params: appParams, body: z.strictObject({ title }) },
      responses: { 201: dataResponse(workspaceSchema, 'The new workspace') },
      errors: ['unauthorized', 'not_found', 'conflict'],
      handler: async ({ body, app, ...grant }) => {
        const actor = workspaceActor(grant);
        return created(workspaceView(await service.create(app, actor, body.title)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/apps/:appId/workspaces/:wsId',
      operationId: 'getWorkspace',
      access: { kind: 'app', capability: 'read_app' },
      summary: 'A workspace with its branch head and working state',
      request: { params: workspaceParams },
      responses: { 200: dataResponse(workspaceSchema, 'The workspace') },
      errors: ['unauthorized', 'not_found'],
      handler: async ({ params, app }) => {
        return ok(workspaceView((await service.load(app, params.wsId)).workspace));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/apps/:appId/workspaces/:wsId',
      operationId: 'updateWorkspace',
      access: EDIT,
      summary: 'Change the title or the commit mode override (null = the app default)',
      request: {
        params: workspaceParams,
        body: z.strictObject({ title: title.optional(), commit_mode: commitMode.nullable().optional() }),
      },
      responses: { 200: dataResponse(workspaceSchema, 'The workspace after the change') },
      errors: ['unauthorized', 'forbidden', 'not_found'],
      handler: async ({ body, app, item: workspace, ...grant }) => {
        if (body.title === undefined && body.commit_mode === undefined)
          throw new ValidationError('Send title or commit_mode');
        const actor = workspaceActor(grant);
        const updated = await service.updateSettings(app, workspace, actor, {
          ...(body.title !== undefined && { title: body.title }),
          ...(body.commit_mode !== undefined && { commitMode: body.commit_mode }),
        });
        return ok(workspaceView(updated));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/workspaces/:wsId/reset',
      operationId: 'resetWorkspace',
      access: EDIT,
      summary: 'Move the branch and the working state back to the baseline (old heads stay in the audit log)',
      request: { params: workspaceParams },
      responses: { 200: dataResponse(workspaceSchema, 'The workspace after the reset') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
      handler: async ({ app, item: workspace, ...grant }) => {
        const actor = workspaceActor(grant);
        return ok(workspaceView(await service.reset(app, workspace, actor)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/workspaces/:wsId/sync-integration',
      operationId: 'syncWorkspaceWithIntegration',
      access: EDIT,
      summary:
        'Rebase onto the integration head (merge when the rebase conflicts); 409 with conflicting_paths when both conflict',
      request: { params: workspaceParams },
      responses: {
        200: dataResponse(
          z.object({ workspace: workspaceSchema, strategy: z.enum(['up_to_date', 'rebase', 'merge']) }),
          'The workspace and how it was brought up to date',
        ),
      },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
      handler: async ({ app, item: workspace, ...grant }) => {
        const actor = workspaceActor(grant);
        const result = await service.syncIntegration(app, workspace, actor);
        return ok({ workspace: workspaceView(result.workspace), strategy: result.strategy });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/workspaces/:wsId/checkpoints',
      operationId: 'createWorkspaceCheckpoint',
      access: EDIT,
      summary: 'Commit the working state as one commit on the workspace branch',
      request: {
        params: workspaceParams,
        body: z.strictObject({ message: multiLineText(5000) }),
      },
      responses: {
        200: dataResponse(
          z.object({ workspace: workspaceSchema, committed: z.boolean() }),
          'The workspace; committed=false when there was nothing to commit',
        ),
      },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
      handler: async ({ body, app, item: workspace, ...grant }) => {
        const actor = workspaceActor(grant);
        await assertCheckpointsAllowed(deps.preferences, app, workspace);
        const result = await service.checkpoint(app, workspace, actor, body.message);
        return ok({ workspace: workspaceView(result.workspace), committed: result.committed });
      },
    }),
  ];
}
