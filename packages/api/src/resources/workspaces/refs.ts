import {
  ConflictError,
  autosaveRef,
  workspaceBranchRef,
  type App,
  type AuditActor,
  type CommitSha,
  type RefUpdate,
  type Workspace,
} from '@conman/core';
import type { RefMoveTransaction, UnitOfWork } from '@conman/db';
import { RefConflictError, type GitAdapter } from '@conman/git';

/** Both refs of a workspace as Git holds them right now. */
export interface RefState {
  head: CommitSha;
  /** The autosave ref; equal to `head` when there are no uncommitted edits. */
  autosave: CommitSha;
}

/** The uncommitted working state: the autosave commit, or null when it equals the branch head. */
export function workingOf(state: RefState): CommitSha | null {
  return state.autosave === state.head ? null : state.autosave;
}

/** The record with the SHAs its refs hold (the record's own copies may lag behind Git). */
export function withRefs(workspace: Workspace, state: RefState): Workspace {
  return { ...workspace, headSha: state.head, workingSha: workingOf(state) };
}

/**
 * The two refs of every workspace (docs/workspaces.md): the branch `refs/heads/<branch>` and the
 * autosave ref `refs/conman/autosave/<id>`. Git holds the truth; every move is a CAS planned through
 * `UnitOfWork.moveRefs`, so its audit events are written ahead of the move (docs/audit.md).
 */
export class WorkspaceRefs {
  constructor(
    private readonly git: GitAdapter,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /**
   * Reads both refs. A ref that is missing (first use, or a crash between the record insert and the
   * ref creation) is created by CAS from the record: the branch at its last known head, the autosave
   * at the branch head.
   */
  async read(app: App, workspace: Workspace): Promise<RefState> {
    const branchRef = workspaceBranchRef(workspace.branch);
    const saveRef = autosaveRef(workspace.id);
    let [head, autosave] = await Promise.all([
      this.git.resolveRef(app.repoPath, branchRef),
      this.git.resolveRef(app.repoPath, saveRef),
    ]);
    if (head === null) head = await this.create(app.repoPath, branchRef, workspace.headSha);
    if (autosave === null) autosave = await this.create(app.repoPath, saveRef, head);
    return { head, autosave };
  }

  private async create(repoPath: string, ref: string, sha: CommitSha): Promise<CommitSha> {
    try {
      await this.git.updateRefs(repoPath, [{ ref, newSha: sha, expectedOldSha: null }]);
      return sha;
    } catch (error) {
      if (!(error instanceof RefConflictError)) throw error;
      const current = await this.git.resolveRef(repoPath, ref);
      if (current === null) throw error;
      return current;
    }
  }

  /**
   * Moves refs by CAS as a unit of work whose audit events are written ahead of the move: `write`
   * runs in the transaction of the pending events. A lost CAS rejects with `RefConflictError` and the
   * events are aborted.
   */
  journaledMove<T>(
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
      apply: () => this.git.updateRefs(app.repoPath, updates),
      movedNothing: (error: unknown) => error instanceof RefConflictError,
    };
    return this.unitOfWork.moveRefs({ appId: app.id, actor }, plan, write);
  }

  /** Moves branch and autosave together by CAS; 409 when either changed (another process). */
  async moveBoth<T>(
    app: App,
    workspace: Workspace,
    actor: AuditActor,
    move: { from: RefState; to: RefState },
    write: (tx: RefMoveTransaction) => Promise<T>,
  ): Promise<T> {
    const { from, to } = move;
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
}
