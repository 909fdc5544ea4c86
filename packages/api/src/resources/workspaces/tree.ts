import { z } from 'zod';
import { validateRepoDirectory } from '@conman/core';
import { ok } from '../../platform/replies';
import { dataResponse, defineRoute, type Route } from '../../platform/route';
import type { WorkspacesModuleDependencies } from './context';
import { treeSchema, workspaceParams } from './schemas';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

/** GET A/workspaces/:wsId/tree: the working state's entries with `changed` markers against the baseline. */
export function treeRoutes(deps: WorkspacesModuleDependencies): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/apps/:appId/workspaces/:wsId/tree',
      operationId: 'listWorkspaceTree',
      access: { kind: 'app', capability: 'read_app' },
      summary: 'Entries of the working state (type, size, oid, changed vs the baseline)',
      request: {
        params: workspaceParams,
        query: z.object({ path: z.string().max(8192).optional(), recursive: flag }),
      },
      responses: { 200: dataResponse(treeSchema, 'The entries under the path') },
      errors: ['unauthorized', 'not_found'],
      handler: async ({ params, query, app }) => {
        const path = validateRepoDirectory(query.path);
        const tree = await deps.service.tree(app, params.wsId, path, query.recursive);
        return ok({
          path,
          head_sha: tree.workspace.headSha,
          working_sha: tree.workspace.workingSha,
          entries: tree.entries.map((entry) => ({
            path: entry.path,
            type: entry.type,
            mode: entry.mode,
            oid: entry.oid,
            size: entry.size ?? null,
            changed: entry.changed,
          })),
          removed_paths: tree.removedPaths,
        });
      },
    }),
  ];
}
