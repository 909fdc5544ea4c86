import {
  ConflictError,
  NotFoundError,
  autosaveRef,
  type App,
  type CommitSha,
  type FileChange,
  type Workspace,
} from '@conman/core';
import type { WorkspacesRepository } from '@conman/db';
import { RefConflictError, type GitAdapter } from '@conman/git';
import type { WorkspaceActor } from './actor';
import type { KeyedLock } from './keyed-lock';
import type { WorkspaceListeners } from './listeners';
import { addEditor, workspaceEvent } from './record-writes';
import { withRefs, workingOf, type RefState, type WorkspaceRefs } from './refs';

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

export interface WorkspaceEditorDependencies {
  git: GitAdapter;
  workspaces: WorkspacesRepository;
  refs: WorkspaceRefs;
  lock: KeyedLock;
  listeners: () => WorkspaceListeners | undefined;
}

const CAS_ATTEMPTS = 16;
const CAS_BACKOFF_BASE_MS = 4;
const CAS_BACKOFF_CAP_MS = 100;
const EDIT_ACTIONS = {
  write: 'workspace.file_written',
  delete: 'workspace.file_deleted',
  move: 'workspace.file_moved',
} as const;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function staleWorkingState(expected: string | null, actual: string | null): ConflictError {
  return new ConflictError('The working state changed since you read it (expected_working_sha is stale)', {
    expected_working_sha: expected,
    working_sha: actual,
  });
}

/** Edits of the working state: each one an autosave commit on top of the previous one. */
export class WorkspaceEditor {
  constructor(private readonly deps: WorkspaceEditorDependencies) {}

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
    const result = await this.deps.lock.run(workspace.id, async () => {
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
        const state = await this.deps.refs.read(app, workspace);
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
          await this.deps.refs.journaledMove(app, actor.audit, [autosave], async (tx) => {
            await addEditor(this.deps.workspaces, workspace, actor.audit, tx.session);
            await tx.audit({
              ...workspaceEvent(workspace.id, EDIT_ACTIONS[request.action]),
              before: { working_sha: workingOf(state) },
              after: { working_sha: workingOf(after), paths: request.paths },
              gitSha: commit,
            });
          });
          return after;
        } catch (error) {
          if (!(error instanceof RefConflictError)) throw error;
          if (request.expectedWorkingSha !== undefined) {
            const now = await this.deps.refs.read(app, workspace);
            throw staleWorkingState(request.expectedWorkingSha, workingOf(now));
          }
          // Another process moved the working state: apply the edit on top of the new one, after a
          // jittered pause so two processes in lockstep do not keep colliding (or both lose on the lock).
          await pause(Math.random() * Math.min(CAS_BACKOFF_CAP_MS, CAS_BACKOFF_BASE_MS * 2 ** attempt));
        }
      }
      throw new ConflictError('The workspace kept changing concurrently; retry the edit');
    });
    await this.deps.listeners()?.edited(app, workspace, actor.audit);
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
}
