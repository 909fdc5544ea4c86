import { z } from 'zod';
import { SEMANTIC_CONFIG_TYPES } from '@conman/core';
import { ok } from '../../platform/replies';
import { dataResponse, defineRoute } from '../../platform/route';
import { changesetItem } from './access';
import type { ChangesetsModuleDependencies } from './dependencies';
import { revisionFor, semanticDiffOf } from './diff';
import { changesetParams } from './schemas';

const diffFileSchema = z.object({
  path: z.string(),
  old_path: z.string().nullable(),
  status: z.enum(['added', 'modified', 'deleted', 'renamed', 'copied', 'type_changed']),
  additions: z.number().int(),
  deletions: z.number().int(),
  binary: z.boolean(),
});

export const rawDiffSchema = z
  .object({
    mode: z.literal('raw'),
    revision: z.number().int(),
    base_sha: z.string(),
    head_sha: z.string(),
    files: z.array(diffFileSchema),
    patch: z.string().meta({ description: 'Unified patch (git diff) from base_sha to head_sha' }),
  })
  .meta({ id: 'ChangesetRawDiff' });

const configTypeSchema = z.enum(SEMANTIC_CONFIG_TYPES);

/** SPEC §6.6, camelCase on the wire. */
export const semanticDiffSchema = z
  .object({
    baseSha: z.string(),
    headSha: z.string(),
    summary: z.object({
      totalChanges: z.number().int(),
      byConfigType: z.record(configTypeSchema, z.number().int()),
    }),
    changes: z.array(
      z.object({
        id: z.string(),
        configType: configTypeSchema,
        operation: z.enum(['added', 'modified', 'removed', 'moved']),
        target: z.string(),
        description: z.string(),
        filePath: z.string(),
        lineStart: z.number().int().optional(),
        lineEnd: z.number().int().optional(),
        details: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  })
  .meta({ id: 'SemanticDiff' });

const diffQuery = z.object({
  mode: z.enum(['raw', 'semantic']).default('raw'),
  revision: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'Revision number (default current)' }),
});

/** GET …/diff (SPEC §6.3, §6.6): always between a revision's merge base and its frozen head. */
export function diffRoutes(deps: ChangesetsModuleDependencies) {
  return [
    defineRoute({
      method: 'get',
      path: '/apps/:appId/changesets/:changesetId/diff',
      operationId: 'getChangesetDiff',
      access: { kind: 'app', capability: 'read_app', item: changesetItem(deps) },
      summary: 'Raw (patch) or semantic diff of a revision against its merge base',
      request: { params: changesetParams, query: diffQuery },
      responses: {
        200: dataResponse(z.union([rawDiffSchema, semanticDiffSchema]), 'The diff (shape depends on mode)'),
      },
      errors: ['unauthorized', 'not_found', 'conflict', 'payload_too_large'],
      handler: async ({ query, app, item: changeset }) => {
        const revision = await revisionFor(deps, changeset, query.revision);
        if (query.mode === 'semantic') {
          return ok((await semanticDiffOf(deps, app, revision)).diff);
        }
        const [entries, patch] = await Promise.all([
          deps.git.diffFiles(app.repoPath, revision.baseSha, revision.headSha),
          deps.git.diffPatch(app.repoPath, revision.baseSha, revision.headSha),
        ]);
        return ok({
          mode: 'raw' as const,
          revision: revision.number,
          base_sha: revision.baseSha,
          head_sha: revision.headSha,
          files: entries.map((entry) => ({
            path: entry.path,
            old_path: entry.oldPath ?? null,
            status: entry.status,
            additions: entry.additions,
            deletions: entry.deletions,
            binary: entry.binary,
          })),
          patch: patch.toString('utf8'),
        });
      },
    }),
  ];
}
