import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  CONTENT_ENCODINGS,
  ConflictError,
  assertFileSize,
  assertPathNotBlocked,
  decodeContent,
  encodeContent,
  validateRepoPath,
  type App,
} from '@conman/core';
import { ok } from '../../platform/replies';
import { dataResponse, defineRoute, type Route } from '../../platform/route';
import { editAccess, workspaceActor, type WorkspacesModuleDependencies } from './context';
import type { WorkingStateChange } from './service';
import {
  commitShaSchema,
  expectedWorkingSha,
  fileSchema,
  workingStateSchema,
  workspaceParams,
} from './schemas';

// Bounded here so zod refuses absurd input before the guardrails run; the exact rules are in core.
const pathField = z.string().max(8192);
const EDIT_ERRORS = ['unauthorized', 'forbidden', 'not_found', 'conflict', 'payload_too_large'] as const;

/** A path that may be written or deleted in this app: 400 malformed, 403 blocked. */
function editablePath(app: App, path: string): string {
  validateRepoPath(path);
  assertPathNotBlocked(path, app.settings.blocked_paths);
  return path;
}

/** Git's blob id, so a write can answer with the oid without reading the object back. */
function blobOid(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

function stateView(change: WorkingStateChange) {
  return {
    head_sha: change.workspace.headSha,
    working_sha: change.workspace.workingSha,
    dirty: change.workspace.workingSha !== null,
  };
}

/** GET/PUT/DELETE A/workspaces/:wsId/files and POST .../files/move (paths travel in query or body, docs/workspaces.md "Path guardrails"). */
export function fileRoutes(deps: WorkspacesModuleDependencies): Route[] {
  const { service } = deps;
  const EDIT = editAccess(service);
  return [
    defineRoute({
      method: 'get',
      path: '/apps/:appId/workspaces/:wsId/files',
      operationId: 'readWorkspaceFile',
      access: { kind: 'app', capability: 'read_app' },
      summary: 'A file of the working state (base64 unless encoding=utf8)',
      request: {
        params: workspaceParams,
        query: z.object({ path: pathField, encoding: z.enum(CONTENT_ENCODINGS).default('base64') }),
      },
      responses: { 200: dataResponse(fileSchema, 'The file') },
      errors: ['unauthorized', 'not_found'],
      handler: async ({ params, query, app }) => {
        const path = validateRepoPath(query.path);
        const blob = await service.readFile(app, params.wsId, path);
        return ok({
          path,
          content: encodeContent(blob.content, query.encoding),
          encoding: query.encoding,
          size: blob.size,
          oid: blob.oid,
        });
      },
    }),
    defineRoute({
      method: 'put',
      path: '/apps/:appId/workspaces/:wsId/files',
      operationId: 'writeWorkspaceFile',
      access: EDIT,
      summary: 'Create or replace a file in the working state (one autosave commit)',
      request: {
        params: workspaceParams,
        body: z.strictObject({
          path: pathField,
          content: z.string(),
          encoding: z.enum(CONTENT_ENCODINGS).default('base64'),
          expected_working_sha: expectedWorkingSha,
        }),
      },
      responses: { 200: dataResponse(workingStateSchema, 'The working state after the write') },
      errors: [...EDIT_ERRORS],
      handler: async ({ body, app, item: workspace, ...grant }) => {
        validateRepoPath(body.path);
        const content = decodeContent(body.content, body.encoding);
        const actor = workspaceActor(grant);
        const path = editablePath(app, body.path);
        assertFileSize(content.length, app.settings.file_size_limit_bytes);
        const change = await service.edit(app, workspace, actor, {
          action: 'write',
          changes: [{ action: 'write', path, content }],
          paths: [path],
          ...(body.expected_working_sha !== undefined && { expectedWorkingSha: body.expected_working_sha }),
        });
        return ok({ path, oid: blobOid(content), size: content.length, ...stateView(change) });
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/apps/:appId/workspaces/:wsId/files',
      operationId: 'deleteWorkspaceFile',
      access: EDIT,
      summary: 'Delete a file from the working state (one autosave commit)',
      request: {
        params: workspaceParams,
        query: z.object({ path: pathField, expected_working_sha: commitShaSchema.optional() }),
      },
      responses: { 200: dataResponse(workingStateSchema, 'The working state after the delete') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
      handler: async ({ query, app, item: workspace, ...grant }) => {
        validateRepoPath(query.path);
        const actor = workspaceActor(grant);
        const path = editablePath(app, query.path);
        const change = await service.edit(app, workspace, actor, {
          action: 'delete',
          changes: [{ action: 'delete', path }],
          paths: [path],
          ...(query.expected_working_sha !== undefined && { expectedWorkingSha: query.expected_working_sha }),
        });
        return ok({ path, ...stateView(change) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/workspaces/:wsId/files/move',
      operationId: 'moveWorkspaceFile',
      access: EDIT,
      summary: 'Rename a file in the working state; 409 when the target exists',
      request: {
        params: workspaceParams,
        body: z.strictObject({ from: pathField, to: pathField, expected_working_sha: expectedWorkingSha }),
      },
      responses: { 200: dataResponse(workingStateSchema, 'The working state after the move') },
      errors: ['unauthorized', 'forbidden', 'not_found', 'conflict'],
      handler: async ({ body, app, item: workspace, ...grant }) => {
        validateRepoPath(body.from);
        validateRepoPath(body.to);
        const actor = workspaceActor(grant);
        const from = editablePath(app, body.from);
        const to = editablePath(app, body.to);
        if (from === to) throw new ConflictError('from and to are the same path', { path: to });
        const change = await service.moveFile(app, workspace, actor, from, to, body.expected_working_sha);
        return ok({ path: to, from, ...stateView(change) });
      },
    }),
  ];
}
