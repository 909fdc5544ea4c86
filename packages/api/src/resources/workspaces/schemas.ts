import { z } from 'zod';
import { COMMIT_MODES, CONTENT_ENCODINGS, type Workspace } from '@conman/core';
import { objectId } from '../../platform/common-schemas';

const sha = z.string().regex(/^[0-9a-f]{40}$/, 'Must be a 40-character hexadecimal commit sha');

export const workspaceSchema = z
  .object({
    id: z.string(),
    app_id: z.string(),
    owner_id: z.string(),
    title: z.string(),
    is_default: z.boolean(),
    branch: z.string(),
    base_ref_type: z.enum(['release', 'integration_head']),
    base_ref_value: z.string(),
    base_sha: z.string(),
    head_sha: z.string(),
    working_sha: z.string().nullable(),
    dirty: z.boolean(),
    commit_mode: z.enum(COMMIT_MODES).nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Workspace' });

export function workspaceView(workspace: Workspace): z.output<typeof workspaceSchema> {
  return {
    id: workspace.id,
    app_id: workspace.appId,
    owner_id: workspace.ownerId,
    title: workspace.title,
    is_default: workspace.isDefault,
    branch: workspace.branch,
    base_ref_type: workspace.baseRefType,
    base_ref_value: workspace.baseRefValue,
    base_sha: workspace.baseSha,
    head_sha: workspace.headSha,
    working_sha: workspace.workingSha,
    dirty: workspace.workingSha !== null,
    commit_mode: workspace.commitMode,
    created_at: workspace.createdAt.toISOString(),
    updated_at: workspace.updatedAt.toISOString(),
  };
}

/** The working state after an edit. */
export const workingStateSchema = z
  .object({
    path: z.string(),
    from: z.string().optional(),
    oid: z.string().optional(),
    size: z.number().int().optional(),
    head_sha: z.string(),
    working_sha: z.string().nullable(),
    dirty: z.boolean(),
  })
  .meta({ id: 'WorkspaceEdit' });

export const fileSchema = z
  .object({
    path: z.string(),
    content: z.string(),
    encoding: z.enum(CONTENT_ENCODINGS),
    size: z.number().int(),
    oid: z.string(),
  })
  .meta({ id: 'WorkspaceFile' });

export const treeEntrySchema = z
  .object({
    path: z.string(),
    type: z.enum(['blob', 'tree', 'commit']),
    mode: z.string(),
    oid: z.string(),
    size: z.number().int().nullable(),
    changed: z.boolean(),
  })
  .meta({ id: 'WorkspaceTreeEntry' });

export const treeSchema = z
  .object({
    path: z.string(),
    working_sha: z.string().nullable(),
    head_sha: z.string(),
    entries: z.array(treeEntrySchema),
    removed_paths: z.array(z.string()),
  })
  .meta({ id: 'WorkspaceTree' });

export const appParams = z.object({ appId: objectId });
export const workspaceParams = z.object({ appId: objectId, wsId: objectId });
export { sha as commitShaSchema };
/** Sent by clients to detect concurrent edits; null = "I expect no uncommitted edits". */
export const expectedWorkingSha = sha.nullable().optional();
