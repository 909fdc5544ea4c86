import type { App, AuditActor, GitSignature, Workspace } from '@conman/core';
import type { UsersRepository, WorkspacesRepository } from '@conman/db';
import type { GitAdapter } from '@conman/git';
import { serviceAccountSignature, type WorkspaceActor } from './actor';
import type { KeyedLock } from './keyed-lock';
import type { WorkspaceListeners } from './listeners';
import type { WorkspaceReader } from './reading';
import { addEditor, updateInMove, workspaceEvent } from './record-writes';
import type { RefState, WorkspaceRefs } from './refs';
import { squashOnto } from './working-state';

export interface WorkspaceCommitterDependencies {
  git: GitAdapter;
  workspaces: WorkspacesRepository;
  users: UsersRepository;
  refs: WorkspaceRefs;
  reader: WorkspaceReader;
  lock: KeyedLock;
  listeners: () => WorkspaceListeners | undefined;
}

/** Turning the working state into a commit on the workspace branch (checkpoints, changeset submit). */
export class WorkspaceCommitter {
  constructor(private readonly deps: WorkspaceCommitterDependencies) {}

  /**
   * Turns the working state into ONE commit on the workspace branch (ref CAS on branch and autosave
   * together) and clears it; `committed=false` when nothing was pending. Used by checkpoints and by
   * changeset submit/resubmit. The commit is signed with `signature`; callers that have none (no
   * request behind them) get the actor's account, at the price of a user lookup.
   */
  async commitWorkingState(
    app: App,
    workspace: Workspace,
    message: string,
    actor: AuditActor,
    signature?: GitSignature,
  ): Promise<{ headSha: string; committed: boolean }> {
    const author = signature ?? (await this.signatureOf(actor));
    return this.deps.lock.run(workspace.id, async () => {
      const state = await this.deps.refs.read(app, workspace);
      if (state.autosave === state.head) return { headSha: state.head, committed: false };
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
              sourceTree: workingCommit.tree,
              message,
              author,
            });
      const after: RefState = { head: newHead, autosave: newHead };
      await this.deps.refs.moveBoth(app, workspace, actor, { from: state, to: after }, async (tx) => {
        await updateInMove(this.deps.workspaces, workspace, { headSha: newHead, workingSha: null }, tx);
        await addEditor(this.deps.workspaces, workspace, actor, tx.session);
        await tx.audit({
          ...workspaceEvent(workspace.id, 'workspace.committed'),
          before: { head_sha: state.head, working_sha: state.autosave },
          after: { head_sha: newHead, working_sha: null, message },
          gitSha: newHead,
        });
      });
      return { headSha: newHead, committed: newHead !== state.head };
    });
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
    const { workspace: current } = await this.deps.reader.load(app, workspace.id);
    if (committed) await this.deps.listeners()?.headMoved(current, current.headSha);
    return { workspace: current, committed };
  }

  private async signatureOf(actor: AuditActor): Promise<GitSignature> {
    if (actor.type === 'user') {
      const user = await this.deps.users.findById(actor.id);
      if (user) return { name: user.name, email: user.email };
    }
    return serviceAccountSignature(actor.id);
  }
}
