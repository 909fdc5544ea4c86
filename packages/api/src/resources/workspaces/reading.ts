import {
  NotFoundError,
  autosaveRef,
  type App,
  type BlobContent,
  type TreeEntry,
  type Workspace,
} from '@conman/core';
import { GitNotFoundError, type GitAdapter } from '@conman/git';
import type { WorkspaceRecords } from './records';
import { withRefs, type RefState, type WorkspaceRefs } from './refs';

export interface WorkspaceTree {
  workspace: Workspace;
  entries: (TreeEntry & { changed: boolean })[];
  removedPaths: string[];
}

function markWithParents(set: Set<string>, path: string): void {
  set.add(path);
  for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
    set.add(path.slice(0, slash));
  }
}

/** Reading a workspace: its refs, a file of the working state, the tree with change markers. */
export class WorkspaceReader {
  constructor(
    private readonly git: GitAdapter,
    private readonly records: WorkspaceRecords,
    private readonly refs: WorkspaceRefs,
  ) {}

  /** The workspace in `app` with its current refs (the app already loaded by the caller). */
  async load(app: App, workspaceId: string): Promise<{ workspace: Workspace; state: RefState }> {
    const workspace = await this.records.find(app, workspaceId);
    const state = await this.refs.read(app, workspace);
    return { workspace: withRefs(workspace, state), state };
  }

  /**
   * A file of the working state; 404 when it does not exist. Read straight from the autosave ref (one
   * cat-file request); only a workspace whose refs do not exist yet takes the slower path that creates them.
   */
  async readFile(app: App, workspaceId: string, path: string): Promise<BlobContent> {
    const workspace = await this.records.find(app, workspaceId);
    let blob: BlobContent | null;
    try {
      blob = await this.git.readBlob(app.repoPath, autosaveRef(workspace.id), path);
    } catch (error) {
      if (!(error instanceof GitNotFoundError)) throw error;
      const state = await this.refs.read(app, workspace);
      blob = await this.git.readBlob(app.repoPath, state.autosave, path);
    }
    if (!blob) throw new NotFoundError('File not found', { path });
    return blob;
  }

  /**
   * Entries of the working state under `path` with a `changed` marker relative to the baseline (a
   * directory is changed when something below it is), and the baseline paths that no longer exist.
   */
  async tree(app: App, workspaceId: string, path: string, recursive: boolean): Promise<WorkspaceTree> {
    const { workspace, state } = await this.load(app, workspaceId);
    const [entries, diff] = await Promise.all([
      this.git.listTree(app.repoPath, state.autosave, { ...(path !== '' && { path }), recursive }),
      this.git.diffFiles(app.repoPath, workspace.baseSha, state.autosave),
    ]);
    const changed = new Set<string>();
    const removed: string[] = [];
    const inScope = (candidate: string) => path === '' || candidate.startsWith(`${path}/`);
    for (const entry of diff) {
      if (entry.status !== 'deleted') markWithParents(changed, entry.path);
      const gone =
        entry.status === 'deleted' ? entry.path : entry.status === 'renamed' ? entry.oldPath : undefined;
      if (gone !== undefined && inScope(gone)) removed.push(gone);
    }
    return {
      workspace,
      entries: entries.map((entry) => ({ ...entry, changed: changed.has(entry.path) })),
      removedPaths: removed.sort(),
    };
  }
}
