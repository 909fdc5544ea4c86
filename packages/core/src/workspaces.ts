import type { CommitMode } from './identity';

/** Where a workspace branched from (SPEC §5.2): a release tag or the integration head. */
export type WorkspaceBaseRefType = 'release' | 'integration_head';

/**
 * A user's editing branch in one app (SPEC §6.2). `headSha` is the branch head; `workingSha` the
 * autosave head when it differs from the branch head (uncommitted edits), else null.
 */
export interface Workspace {
  id: string;
  appId: string;
  ownerId: string;
  title: string;
  isDefault: boolean;
  branch: string;
  baseRefType: WorkspaceBaseRefType;
  baseRefValue: string;
  baseSha: string;
  headSha: string;
  workingSha: string | null;
  /** Per-workspace override of the app's `commit_mode_default`; null = the owner's preference, else the app default. */
  commitMode: CommitMode | null;
  /**
   * Who wrote to the workspace since it was created or last reset (edits, checkpoints, syncs): the
   * four-eyes rule keeps them from approving its changeset (docs/changesets.md "Review").
   */
  editorIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The commit mode in force on a workspace (SPEC §5.3): the workspace's override, else its owner's
 * preference, else the app's `commit_mode_default`. Null means "not set" at each level.
 */
export function effectiveCommitMode(levels: {
  workspace: CommitMode | null;
  user: CommitMode | null;
  appDefault: CommitMode;
}): CommitMode {
  return levels.workspace ?? levels.user ?? levels.appDefault;
}

/** Full ref of a workspace's working state (SPEC §5.1). */
export function autosaveRef(workspaceId: string): string {
  return `refs/conman/autosave/${workspaceId}`;
}

/** Full ref of a workspace branch. */
export function workspaceBranchRef(branch: string): string {
  return `refs/heads/${branch}`;
}

/**
 * Lowercase `a-z0-9-` slug for branch names (valid in any git ref component); `fallback` when
 * nothing usable is left.
 */
export function slugify(value: string, fallback: string): string {
  const slug = value
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug === '' ? fallback : slug;
}

/**
 * Branch of a workspace: `ws/<user>/<app>` for the default one, `ws/<user>/<app>-<n>` (n ≥ 2) for
 * the others. SPEC §5.1 writes `ws/<user>/<app>/<n>`, but git cannot hold a ref and a ref below it
 * (`ws/u/a` and `ws/u/a/2` clash in the files backend), so the number is a suffix.
 */
export function workspaceBranchName(userSlug: string, appSlug: string, number?: number): string {
  return number === undefined || number <= 1
    ? `ws/${userSlug}/${appSlug}`
    : `ws/${userSlug}/${appSlug}-${number}`;
}
