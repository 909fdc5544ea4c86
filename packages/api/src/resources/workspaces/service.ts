import {
  ConflictError,
  NotFoundError,
  autosaveRef,
  slugify,
  workspaceBranchName,
  workspaceBranchRef,
  type App,
  type AuditActor,
  type BlobContent,
  type TreeEntry,
  type CommitMode,
  type CommitSha,
  type FileChange,
  type GitSignature,
  type RefUpdate,
  type Workspace,
} from '@conman/core';
import {
  type UnitOfWork,
  type AppsRepository,
  type AuditRecord,
  type UsersRepository,
  type WorkspaceUpdate,
  type WorkspacesRepository,
  type ClientSession,
  type RefMoveTransaction,
} from '@conman/db';
import { GitNotFoundError, MergeConflictError, RefConflictError, type GitAdapter } from '@conman/git';
import { NO_DEPLOYMENTS, integrationHead, resolveBaseline, type CanonicalReleaseSource } from './baseline';
import { KeyedLock } from './keyed-lock';
import { squashOnto } from './working-state';

/** What changesets need to hear from workspaces (docs/changesets.md "Revisions"). */
export interface WorkspaceListeners {
  /** A checkpoint or sync moved the branch head. */
  headMoved(workspace: Workspace, newHeadSha: string): Promise<void>;
  /** An edit changed the working state. */
  edited(app: App, workspace: Workspace, actor: AuditActor): Promise<void>;
}

/** Who acts on a workspace: the audit identity, the owner identity and the commit signature. */
export interface WorkspaceActor {
  audit: AuditActor;
  /** User id, or API key id for service accounts. */
  ownerId: string;
  ownerSlug: string;
  signature: GitSignature;
}

export interface WorkspaceServiceDependencies {
  unitOfWork: UnitOfWork;
  git: GitAdapter;
  workspaces: WorkspacesRepository;
  users: UsersRepository;
  apps: AppsRepository;
  releases?: CanonicalReleaseSource;
  /** Read at each event: the listeners (changesets) are built after the workspace service. */
  listeners?: () => WorkspaceListeners;
}

/** Both refs of a workspace as Git holds them right now. */
interface RefState {
  head: CommitSha;
  /** The autosave ref; equal to `head` when there are no uncommitted edits. */
  autosave: CommitSha;
}

export interface WorkingStateChange {
  workspace: Workspace;
  /** The autosave commit written, or null when nothing changed. */
  commit: CommitSha | null;
}

/** The file change of one request, with what its audit event says (never file content). */
export interface EditRequest {
  action: 'write' | 'delete' | 'move';
  changes: FileChange[];
  /** Paths for the audit log and the commit message. */
  paths: string[];
  /** Undefined: not sent; null: the client expects a clean workspace. */
  expectedWorkingSha?: string | null;
  /** Checks against the state the change is applied to (e.g. a move target must not exist). */
  precheck?: (autosave: CommitSha) => Promise<void>;
}

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

const CAS_ATTEMPTS = 16;
const CAS_BACKOFF_BASE_MS = 4;
const CAS_BACKOFF_CAP_MS = 100;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const EDIT_ACTIONS = {
  write: 'workspace.file_written',
  delete: 'workspace.file_deleted',
  move: 'workspace.file_moved',
} as const;
const DEFAULT_TITLE = 'Default workspace';

function workingOf(state: RefState): CommitSha | null {
  return state.autosave === state.head ? null : state.autosave;
}

function withRefs(workspace: Workspace, state: RefState): Workspace {
  return { ...workspace, headSha: state.head, workingSha: workingOf(state) };
}

function staleWorkingState(expected: string | null, actual: string | null): ConflictError {
  return new ConflictError('The working state changed since you read it (expected_working_sha is stale)', {
    expected_working_sha: expected,
    working_sha: actual,
  });
}

/**
 * Workspaces and their working state (SPEC §5.1–§5.5, §6.2). Git refs are the truth: the branch
 * `refs/heads/<branch>` and the autosave ref `refs/conman/autosave/<id>`, which always exists and
 * equals the branch head when there is nothing uncommitted. Every move is a ref CAS; writers to one
 * workspace additionally queue in-process so they do not burn CAS attempts on each other.
 */
export class WorkspaceService {
  private readonly lock = new KeyedLock();
  private readonly releases: CanonicalReleaseSource;

  constructor(private readonly deps: WorkspaceServiceDependencies) {
    this.releases = deps.releases ?? NO_DEPLOYMENTS;
  }

  // --- reading

  /** The workspace with its current refs; 404 when missing or of another app. */
  async get(appId: string, workspaceId: string): Promise<Workspace> {
    const workspace = await this.recordOf(appId, workspaceId);
    const repoPath = await this.repoPathOf(workspace);
    return withRefs(workspace, await this.refs(repoPath, workspace));
  }

  /** The workspace in `app` with its current refs (the app already loaded by the caller). */
  async load(app: App, workspaceId: string): Promise<{ workspace: Workspace; state: RefState }> {
    const workspace = await this.recordOf(app.id, workspaceId);
    const state = await this.refs(app.repoPath, workspace);
    return { workspace: withRefs(workspace, state), state };
  }

  /** The workspace record without reading its refs (ownership checks before an edit re-reads them). */
  findRecord(app: App, workspaceId: string): Promise<Workspace> {
    return this.recordOf(app.id, workspaceId);
  }

  private async recordOf(appId: string, workspaceId: string): Promise<Workspace> {
    const workspace = await this.deps.workspaces.findInApp(appId, workspaceId);
    if (!workspace) throw new NotFoundError('Workspace not found');
    return workspace;
  }

  /**
   * A file of the working state; 404 when it does not exist. Read straight from the autosave ref (one
   * cat-file request); only a workspace whose refs do not exist yet takes the slower path that creates them.
   */
  async readFile(app: App, workspaceId: string, path: string): Promise<BlobContent> {
    const workspace = await this.findRecord(app, workspaceId);
    let blob: BlobContent | null;
    try {
      blob = await this.deps.git.readBlob(app.repoPath, autosaveRef(workspace.id), path);
    } catch (error) {
      if (!(error instanceof GitNotFoundError)) throw error;
      const state = await this.refs(app.repoPath, workspace);
      blob = await this.deps.git.readBlob(app.repoPath, state.autosave, path);
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
      this.deps.git.listTree(app.repoPath, state.autosave, { ...(path !== '' && { path }), recursive }),
      this.deps.git.diffFiles(app.repoPath, workspace.baseSha, state.autosave),
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

  /** The caller's workspaces, creating the default one on first use (SPEC §6.2). */
  async listOwn(app: App, actor: WorkspaceActor): Promise<Workspace[]> {
    let workspaces = await this.deps.workspaces.listForOwner(app.id, actor.ownerId);
    if (!workspaces.some((workspace) => workspace.isDefault)) {
      await this.createDefault(app, actor);
      workspaces = await this.deps.workspaces.listForOwner(app.id, actor.ownerId);
    }
    return Promise.all(
      workspaces.map(async (workspace) => withRefs(workspace, await this.refs(app.repoPath, workspace))),
    );
  }

  /** 403 unless the actor owns the workspace or is an app_admin. */
  // --- creating and settings

  /** Another workspace of the actor with a title: branch `ws/<user>/<app>-<n>`. */
  async create(app: App, actor: WorkspaceActor, title: string): Promise<Workspace> {
    const baseline = await resolveBaseline(this.deps.git, app, this.releases);
    const appSlug = slugify(app.name, 'app');
    let number = Math.max(2, (await this.deps.workspaces.countForOwner(app.id, actor.ownerId)) + 1);
    for (let attempt = 0; attempt < 50; attempt += 1, number += 1) {
      const created = await this.insert(app, actor, {
        title,
        isDefault: false,
        branch: workspaceBranchName(actor.ownerSlug, appSlug, number),
        baseline,
      });
      if (created) return created;
    }
    throw new ConflictError('Could not find a free branch name for the workspace');
  }

  /** The default workspace, created once even under concurrent first visits (unique index). */
  private async createDefault(app: App, actor: WorkspaceActor): Promise<void> {
    const baseline = await resolveBaseline(this.deps.git, app, this.releases);
    const appSlug = slugify(app.name, 'app');
    // Two owners can share a slug (alice@a, alice@b): the second one's branch gets its id's tail.
    const slugs = [actor.ownerSlug, `${actor.ownerSlug}-${actor.ownerId.slice(-6)}`, actor.ownerId];
    for (const slug of slugs) {
      const result = await this.insert(app, actor, {
        title: DEFAULT_TITLE,
        isDefault: true,
        branch: workspaceBranchName(slug, appSlug),
        baseline,
      });
      if (result !== null) return;
      if (await this.deps.workspaces.findDefault(app.id, actor.ownerId)) return;
    }
    throw new ConflictError('Could not find a free branch name for the default workspace');
  }

  /** Inserts the record with its audit event, then creates the refs; null when the branch is taken. */
  private async insert(
    app: App,
    actor: WorkspaceActor,
    input: {
      title: string;
      isDefault: boolean;
      branch: string;
      baseline: Awaited<ReturnType<typeof resolveBaseline>>;
    },
  ): Promise<Workspace | null> {
    const clash = Symbol('clash');
    let workspace: Workspace;
    try {
      workspace = await this.deps.unitOfWork.run(
        { appId: app.id, actor: actor.audit },
        async ({ session, audit }) => {
          const result = await this.deps.workspaces.create(
            {
              appId: app.id,
              ownerId: actor.ownerId,
              title: input.title,
              isDefault: input.isDefault,
              branch: input.branch,
              baseRefType: input.baseline.refType,
              baseRefValue: input.baseline.refValue,
              baseSha: input.baseline.sha,
            },
            session,
          );
          // A duplicate key aborts the transaction: leave it and decide outside.
          if ('clash' in result) throw clash;
          await audit({
            ...this.auditEntity(result.id, 'workspace.created'),
            after: {
              title: result.title,
              branch: result.branch,
              is_default: result.isDefault,
              base_sha: result.baseSha,
            },
            gitSha: result.baseSha,
          });
          return result;
        },
      );
    } catch (error) {
      if (error === clash) return null;
      throw error;
    }
    return withRefs(workspace, await this.refs(app.repoPath, workspace));
  }

  async updateSettings(
    app: App,
    workspace: Workspace,
    actor: WorkspaceActor,
    changes: { title?: string; commitMode?: CommitMode | null },
  ): Promise<Workspace> {
    const updated = await this.deps.unitOfWork.run(
      { appId: app.id, actor: actor.audit },
      async ({ session, audit }) => {
        const result = await this.deps.workspaces.update(workspace.id, changes, session);
        if (!result) throw new NotFoundError('Workspace not found');
        await audit({
          ...this.auditEntity(workspace.id, 'workspace.updated'),
          before: { title: workspace.title, commit_mode: workspace.commitMode },
          after: { title: result.title, commit_mode: result.commitMode },
        });
        return result;
      },
    );
    return withRefs(updated, await this.refs(app.repoPath, updated));
  }

  // --- editing the working state

  /**
   * Applies one edit as an autosave commit (parent: the current autosave) and moves the autosave ref
   * by CAS. Without `expectedWorkingSha` a lost CAS is retried on the new state; with it, the stale
   * expectation is a 409.
   */
  async edit(
    app: App,
    workspace: Workspace,
    actor: WorkspaceActor,
    request: EditRequest,
  ): Promise<WorkingStateChange> {
    const result = await this.lock.run(workspace.id, async () => {
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
        const state = await this.refs(app.repoPath, workspace);
        const working = workingOf(state);
        if (request.expectedWorkingSha !== undefined && request.expectedWorkingSha !== working)
          throw staleWorkingState(request.expectedWorkingSha, working);
        await request.precheck?.(state.autosave);
        const commit = await this.deps.git.commitFiles(app.repoPath, {
          parent: state.autosave,
          changes: request.changes,
          message: `autosave: ${request.action} ${request.paths.join(' -> ')}`,
          author: actor.signature,
        });
        const after: RefState = { head: state.head, autosave: commit };
        try {
          const autosave = { ref: autosaveRef(workspace.id), newSha: commit, expectedOldSha: state.autosave };
          await this.journaledMove(app, actor.audit, [autosave], async (tx) => {
            await this.addEditor(workspace, actor.audit, tx.session);
            await tx.audit({
              ...this.auditEntity(workspace.id, EDIT_ACTIONS[request.action]),
              before: { working_sha: workingOf(state) },
              after: { working_sha: workingOf(after), paths: request.paths },
              gitSha: commit,
            });
          });
          return after;
        } catch (error) {
          if (!(error instanceof RefConflictError)) throw error;
          if (request.expectedWorkingSha !== undefined) {
            const now = await this.refs(app.repoPath, workspace);
            throw staleWorkingState(request.expectedWorkingSha, workingOf(now));
          }
          // Another process moved the working state: apply the edit on top of the new one, after a
          // jittered pause so two processes in lockstep do not keep colliding (or both lose on the lock).
          await pause(Math.random() * Math.min(CAS_BACKOFF_CAP_MS, CAS_BACKOFF_BASE_MS * 2 ** attempt));
        }
      }
      throw new ConflictError('The workspace kept changing concurrently; retry the edit');
    });
    await this.deps.listeners?.().edited(app, workspace, actor.audit);
    return { workspace: withRefs(workspace, result), commit: result.autosave };
  }

  /** Renames a file: 404 when `from` is missing, 409 when `to` exists (checked on the state edited). */
  async moveFile(
    app: App,
    workspace: Workspace,
    actor: WorkspaceActor,
    from: string,
    to: string,
    expectedWorkingSha: string | null | undefined,
  ): Promise<WorkingStateChange> {
    return this.edit(app, workspace, actor, {
      action: 'move',
      changes: [{ action: 'move', from, to }],
      paths: [from, to],
      ...(expectedWorkingSha !== undefined && { expectedWorkingSha }),
      precheck: async (autosave) => {
        const [source, target] = await this.deps.git.readBlobs(app.repoPath, [
          { revision: autosave, path: from },
          { revision: autosave, path: to },
        ]);
        if (!source) throw new NotFoundError('File not found', { path: from });
        if (target) throw new ConflictError('A file already exists at the target path', { path: to });
      },
    });
  }

  // --- committing, resetting, syncing

  /**
   * Turns the working state into ONE commit on the workspace branch (ref CAS on branch and autosave
   * together) and clears it; `committed=false` when nothing was pending. Used by checkpoints and by
   * changeset submit/resubmit. The commit is signed with `signature`, else as the actor's account.
   */
  async commitWorkingState(
    app: App,
    workspace: Workspace,
    message: string,
    actor: AuditActor,
    signature?: GitSignature,
  ): Promise<{ headSha: string; committed: boolean }> {
    const author = signature ?? (await this.signatureOf(actor));
    const moved = await this.lock.run(workspace.id, async () => {
      const state = await this.refs(app.repoPath, workspace);
      if (state.autosave === state.head) return null;
      const [headCommit, workingCommit] = await Promise.all([
        this.deps.git.readCommit(app.repoPath, state.head),
        this.deps.git.readCommit(app.repoPath, state.autosave),
      ]);
      // Edits that cancel out leave nothing to commit: only the working state is cleared.
      const newHead =
        headCommit.tree === workingCommit.tree
          ? state.head
          : await squashOnto(this.deps.git, app.repoPath, {
              parent: state.head,
              source: state.autosave,
              message,
              author,
            });
      const after: RefState = { head: newHead, autosave: newHead };
      await this.moveRefs(app, workspace, actor, state, after, async (tx) => {
        await this.updateRecord(workspace, { headSha: newHead, workingSha: null }, tx);
        await this.addEditor(workspace, actor, tx.session);
        await tx.audit({
          ...this.auditEntity(workspace.id, 'workspace.committed'),
          before: { head_sha: state.head, working_sha: state.autosave },
          after: { head_sha: newHead, working_sha: null, message },
          gitSha: newHead,
        });
      });
      return { before: state, head: newHead };
    });
    if (moved === null) return { headSha: (await this.refs(app.repoPath, workspace)).head, committed: false };
    return { headSha: moved.head, committed: moved.head !== moved.before.head };
  }

  /** POST .../checkpoints: commits the working state and tells the listener the head moved. */
  async checkpoint(
    app: App,
    workspace: Workspace,
    actor: WorkspaceActor,
    message: string,
  ): Promise<{ workspace: Workspace; committed: boolean }> {
    const { committed } = await this.commitWorkingState(
      app,
      workspace,
      message,
      actor.audit,
      actor.signature,
    );
    const { workspace: current } = await this.load(app, workspace.id);
    if (committed) await this.deps.listeners?.().headMoved(current, current.headSha);
    return { workspace: current, committed };
  }

  /**
   * Branch and working state back to the (freshly resolved) baseline. The old heads stay reachable
   * through the SHAs the audit event records.
   */
  async reset(app: App, workspace: Workspace, actor: WorkspaceActor): Promise<Workspace> {
    const baseline = await resolveBaseline(this.deps.git, app, this.releases);
    const base = { baseRefType: baseline.refType, baseRefValue: baseline.refValue, baseSha: baseline.sha };
    return this.lock.run(workspace.id, async () => {
      const state = await this.refs(app.repoPath, workspace);
      const after: RefState = { head: baseline.sha, autosave: baseline.sha };
      return this.persistMove(app, workspace, actor.audit, 'workspace.reset', state, after, base);
    });
  }

  /**
   * SPEC §5.5: replay the branch commits onto the integration head (rebase), else merge the integration
   * head in; uncommitted edits are carried over on top. When both conflict nothing moves (409 with
   * `conflicting_paths`).
   */
  async syncIntegration(
    app: App,
    workspace: Workspace,
    actor: WorkspaceActor,
  ): Promise<{ workspace: Workspace; strategy: 'up_to_date' | 'rebase' | 'merge' }> {
    const outcome = await this.lock.run(workspace.id, async () => {
      const integration = await integrationHead(this.deps.git, app);
      const state = await this.refs(app.repoPath, workspace);
      if (await this.deps.git.isAncestor(app.repoPath, integration, state.head))
        return { strategy: 'up_to_date' as const, updated: withRefs(workspace, state) };
      const conflicts = new Set<string>();
      for (const strategy of ['rebase', 'merge'] as const) {
        try {
          const head = await this.replayBranch(app, state.head, integration, strategy, actor.signature);
          const autosave = await this.carryWorkingState(app, state, head, actor.signature);
          const updated = await this.persistMove(
            app,
            workspace,
            actor.audit,
            'workspace.synced',
            state,
            { head, autosave },
            { baseRefType: 'integration_head', baseRefValue: app.integrationBranch, baseSha: integration },
            { strategy },
          );
          return { strategy, updated };
        } catch (error) {
          if (!(error instanceof MergeConflictError)) throw error;
          error.conflictingPaths.forEach((path) => conflicts.add(path));
        }
      }
      throw new ConflictError('The workspace conflicts with the integration branch; nothing was changed', {
        conflicting_paths: [...conflicts].sort(),
      });
    });
    const { strategy, updated } = outcome;
    if (strategy !== 'up_to_date') await this.deps.listeners?.().headMoved(updated, updated.headSha);
    return { workspace: updated, strategy };
  }

  private async replayBranch(
    app: App,
    head: CommitSha,
    integration: CommitSha,
    strategy: 'rebase' | 'merge',
    signature: GitSignature,
  ): Promise<CommitSha> {
    if (strategy === 'rebase')
      return this.deps.git.rebase(app.repoPath, { head, onto: integration, committer: signature });
    return this.deps.git.createMergeCommit(app.repoPath, {
      ours: head,
      theirs: integration,
      message: `Merge ${app.integrationBranch} into the workspace`,
      author: signature,
    });
  }

  /** The uncommitted edits (squashed) picked onto the new head; the new head itself when clean. */
  private async carryWorkingState(
    app: App,
    state: RefState,
    newHead: CommitSha,
    signature: GitSignature,
  ): Promise<CommitSha> {
    if (state.autosave === state.head) return newHead;
    const squashed = await squashOnto(this.deps.git, app.repoPath, {
      parent: state.head,
      source: state.autosave,
      message: 'autosave: working state carried over by sync-integration',
      author: signature,
    });
    return this.deps.git.cherryPick(app.repoPath, { commit: squashed, onto: newHead, committer: signature });
  }

  /**
   * Moves refs by CAS as a unit of work whose audit events are written ahead of the move
   * (docs/audit.md): `write` runs in the transaction of the pending events. A lost CAS rejects with
   * `RefConflictError` and the events are aborted.
   */
  private journaledMove<T>(
    app: App,
    actor: AuditActor,
    updates: (RefUpdate & { newSha: CommitSha })[],
    write: (tx: RefMoveTransaction) => Promise<T>,
  ): Promise<T> {
    const plan = {
      repoPath: app.repoPath,
      refs: updates.map((update) => ({
        ref: update.ref,
        oldSha: update.expectedOldSha,
        newSha: update.newSha,
      })),
      apply: () => this.deps.git.updateRefs(app.repoPath, updates),
      movedNothing: (error: unknown) => error instanceof RefConflictError,
    };
    return this.deps.unitOfWork.moveRefs({ appId: app.id, actor }, plan, write);
  }

  /** Moves branch and autosave together by CAS; 409 when either changed (another process). */
  private async moveRefs<T>(
    app: App,
    workspace: Workspace,
    actor: AuditActor,
    from: RefState,
    to: RefState,
    write: (tx: RefMoveTransaction) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.journaledMove(
        app,
        actor,
        [
          { ref: workspaceBranchRef(workspace.branch), newSha: to.head, expectedOldSha: from.head },
          { ref: autosaveRef(workspace.id), newSha: to.autosave, expectedOldSha: from.autosave },
        ],
        write,
      );
    } catch (error) {
      if (error instanceof RefConflictError)
        throw new ConflictError('The workspace changed concurrently; nothing was changed, retry', {
          refs: error.refs,
        });
      throw error;
    }
  }

  /** A reset or sync: both refs move, and the record takes the new baseline. */
  private async persistMove(
    app: App,
    workspace: Workspace,
    actor: AuditActor,
    action: 'workspace.reset' | 'workspace.synced',
    before: RefState,
    after: RefState,
    base: Pick<WorkspaceUpdate, 'baseRefType' | 'baseRefValue' | 'baseSha'>,
    extra: Record<string, unknown> = {},
  ): Promise<Workspace> {
    const updated = await this.moveRefs(app, workspace, actor, before, after, async (tx) => {
      // A reset forgets who wrote to the workspace; a sync writes commits of its own.
      const editors = action === 'workspace.reset' ? { editorIds: [] } : {};
      const result = await this.updateRecord(
        workspace,
        { ...base, ...editors, headSha: after.head, workingSha: workingOf(after) },
        tx,
      );
      if (action !== 'workspace.reset') await this.addEditor(workspace, actor, tx.session);
      await tx.audit({
        ...this.auditEntity(workspace.id, action),
        before: { head_sha: before.head, working_sha: workingOf(before), base_sha: workspace.baseSha },
        after: { head_sha: after.head, working_sha: workingOf(after), base_sha: result.baseSha, ...extra },
        gitSha: after.head,
      });
      return result;
    });
    return withRefs(updated, after);
  }

  /** Updates the record inside a ref move, to be put back if the move aborts. */
  private async updateRecord(
    workspace: Workspace,
    changes: WorkspaceUpdate,
    tx: RefMoveTransaction,
  ): Promise<Workspace> {
    const result = await this.deps.workspaces.updateUndoable(workspace.id, changes, tx.session);
    if (!result) throw new NotFoundError('Workspace not found');
    tx.undoOnAbort(result.undo);
    return result.workspace;
  }

  // --- plumbing

  /**
   * Reads both refs. A ref that is missing (first use, or a crash between the record insert and the
   * ref creation) is created by CAS from the record: the branch at its last known head, the autosave
   * at the branch head.
   */
  private async refs(repoPath: string, workspace: Workspace): Promise<RefState> {
    const branchRef = workspaceBranchRef(workspace.branch);
    const saveRef = autosaveRef(workspace.id);
    let [head, autosave] = await Promise.all([
      this.deps.git.resolveRef(repoPath, branchRef),
      this.deps.git.resolveRef(repoPath, saveRef),
    ]);
    if (head === null) head = await this.createRef(repoPath, branchRef, workspace.headSha);
    if (autosave === null) autosave = await this.createRef(repoPath, saveRef, head);
    return { head, autosave };
  }

  private async createRef(repoPath: string, ref: string, sha: CommitSha): Promise<CommitSha> {
    try {
      await this.deps.git.updateRefs(repoPath, [{ ref, newSha: sha, expectedOldSha: null }]);
      return sha;
    } catch (error) {
      if (!(error instanceof RefConflictError)) throw error;
      const current = await this.deps.git.resolveRef(repoPath, ref);
      if (current === null) throw error;
      return current;
    }
  }

  private async repoPathOf(workspace: Workspace): Promise<string> {
    const app = await this.deps.apps.findById(workspace.appId);
    if (!app) throw new NotFoundError('App not found');
    return app.repoPath;
  }

  private async signatureOf(actor: AuditActor): Promise<GitSignature> {
    if (actor.type === 'user') {
      const user = await this.deps.users.findById(actor.id);
      if (user) return { name: user.name, email: user.email };
    }
    return serviceAccountSignature(actor.id);
  }

  /** Remembers who wrote to the workspace, for the four-eyes rule (once per person). */
  private async addEditor(workspace: Workspace, actor: AuditActor, session: ClientSession): Promise<void> {
    if (!workspace.editorIds.includes(actor.id))
      await this.deps.workspaces.addEditor(workspace.id, actor.id, session);
  }

  private auditEntity(
    workspaceId: string,
    action: string,
  ): Pick<AuditRecord, 'entityType' | 'entityId' | 'action'> {
    return { entityType: 'workspace', entityId: workspaceId, action };
  }
}

/** How an API key (a service account) signs its commits, whichever operation makes them. */
export function serviceAccountSignature(keyId: string): GitSignature {
  return { name: `Conman API key ${keyId}`, email: `api-key-${keyId}@conman.invalid` };
}
