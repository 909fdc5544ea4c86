import {
  ConflictError,
  type App,
  type AuditActor,
  type CommitSha,
  type GitSignature,
  type Workspace,
} from '@conman/core';
import type { WorkspaceUpdate, WorkspacesRepository } from '@conman/db';
import { MergeConflictError, type GitAdapter } from '@conman/git';
import type { WorkspaceActor } from './actor';
import { integrationHead, resolveBaseline, type CanonicalReleaseSource } from './baseline';
import type { KeyedLock } from './keyed-lock';
import type { WorkspaceListeners } from './listeners';
import { addEditor, updateInMove, workspaceEvent } from './record-writes';
import { withRefs, workingOf, type RefState, type WorkspaceRefs } from './refs';
import { squashOnto } from './working-state';

export interface BranchMovesDependencies {
  git: GitAdapter;
  workspaces: WorkspacesRepository;
  refs: WorkspaceRefs;
  releases: CanonicalReleaseSource;
  lock: KeyedLock;
  listeners: () => WorkspaceListeners | undefined;
}

type NewBase = Pick<WorkspaceUpdate, 'baseRefType' | 'baseRefValue' | 'baseSha'>;

/** Moves of the whole workspace onto another base: reset to the baseline, sync with integration. */
export class BranchMoves {
  constructor(private readonly deps: BranchMovesDependencies) {}

  /**
   * Branch and working state back to the (freshly resolved) baseline. The old heads stay reachable
   * through the SHAs the audit event records.
   */
  async reset(app: App, workspace: Workspace, actor: WorkspaceActor): Promise<Workspace> {
    const baseline = await resolveBaseline(this.deps.git, app, this.deps.releases);
    const base = { baseRefType: baseline.refType, baseRefValue: baseline.refValue, baseSha: baseline.sha };
    return this.deps.lock.run(workspace.id, async () => {
      const state = await this.deps.refs.read(app, workspace);
      const after: RefState = { head: baseline.sha, autosave: baseline.sha };
      return this.persist(app, workspace, actor.audit, 'workspace.reset', { before: state, after, base });
    });
  }

  /**
   * Replays the branch commits onto the integration head (rebase), else merges the integration head
   * in; uncommitted edits are carried over on top (docs/workspaces.md). When both conflict nothing
   * moves (409 with `conflicting_paths`).
   */
  async syncIntegration(
    app: App,
    workspace: Workspace,
    actor: WorkspaceActor,
  ): Promise<{ workspace: Workspace; strategy: 'up_to_date' | 'rebase' | 'merge' }> {
    const outcome = await this.deps.lock.run(workspace.id, async () => {
      const integration = await integrationHead(this.deps.git, app);
      const state = await this.deps.refs.read(app, workspace);
      if (await this.deps.git.isAncestor(app.repoPath, integration, state.head))
        return { strategy: 'up_to_date' as const, updated: withRefs(workspace, state) };
      const conflicts = new Set<string>();
      for (const strategy of ['rebase', 'merge'] as const) {
        try {
          const head = await this.replayBranch(app, state.head, integration, strategy, actor.signature);
          const autosave = await this.carryWorkingState(app, state, head, actor.signature);
          const updated = await this.persist(app, workspace, actor.audit, 'workspace.synced', {
            before: state,
            after: { head, autosave },
            base: {
              baseRefType: 'integration_head',
              baseRefValue: app.integrationBranch,
              baseSha: integration,
            },
            extra: { strategy },
          });
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
    if (strategy !== 'up_to_date') await this.deps.listeners()?.headMoved(updated, updated.headSha);
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

  /** A reset or sync: both refs move, and the record takes the new baseline. */
  private async persist(
    app: App,
    workspace: Workspace,
    actor: AuditActor,
    action: 'workspace.reset' | 'workspace.synced',
    move: { before: RefState; after: RefState; base: NewBase; extra?: Record<string, unknown> },
  ): Promise<Workspace> {
    const { before, after, base, extra = {} } = move;
    const updated = await this.deps.refs.moveBoth(
      app,
      workspace,
      actor,
      { from: before, to: after },
      async (tx) => {
        // A reset forgets who wrote to the workspace; a sync writes commits of its own.
        const editors = action === 'workspace.reset' ? { editorIds: [] } : {};
        const result = await updateInMove(
          this.deps.workspaces,
          workspace,
          { ...base, ...editors, headSha: after.head, workingSha: workingOf(after) },
          tx,
        );
        if (action !== 'workspace.reset') await addEditor(this.deps.workspaces, workspace, actor, tx.session);
        await tx.audit({
          ...workspaceEvent(workspace.id, action),
          before: { head_sha: before.head, working_sha: workingOf(before), base_sha: workspace.baseSha },
          after: { head_sha: after.head, working_sha: workingOf(after), base_sha: result.baseSha, ...extra },
          gitSha: after.head,
        });
        return result;
      },
    );
    return withRefs(updated, after);
  }
}
