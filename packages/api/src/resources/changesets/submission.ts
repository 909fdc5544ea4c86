import {
  ConflictError,
  type App,
  type AuditActor,
  type Changeset,
  type ChangesetRevisionReason,
  type ChangesetState,
  type JobRecord,
} from '@conman/core';
import { runGate } from '@conman/jobs';
import { integrationHead } from '../workspaces/baseline';
import type { ChangesetsModuleDependencies } from './dependencies';
import { changesetView } from './schemas';

/** The action a (re)submission applies, by the state it starts from (SPEC §7): also the revision's reason. */
export type SubmissionAction = ChangesetRevisionReason;

export interface Submission {
  changeset: Changeset;
  job: JobRecord | null;
}

/** Merge base of the head with the integration head: what the revision is compared against (SPEC §6.3). */
async function mergeBaseOf(deps: ChangesetsModuleDependencies, app: App, headSha: string): Promise<string> {
  const base = await deps.git.mergeBase(app.repoPath, headSha, await integrationHead(deps.git, app));
  if (!base) throw new ConflictError('The workspace shares no history with the integration branch');
  return base;
}

/**
 * Freezes a new revision: stores head and merge base with the transition (guarded on the state and
 * revision read by the caller), then enqueues the `msuite_submit` gate for it. The job store and
 * BullMQ cannot join the transaction, so the gate is enqueued right after it; a revision whose gate
 * could not be enqueued reports `gate.state = missing` and cannot be queued until resubmitted.
 */
export async function freezeRevision(
  deps: ChangesetsModuleDependencies,
  input: {
    app: App;
    changeset: Changeset;
    action: SubmissionAction;
    /** The state the machine gave for `action` (ChangesetService asks it once). */
    next: ChangesetState;
    headSha: string;
    /** The merge base when the caller already computed it. */
    baseSha?: string;
    actor: AuditActor;
  },
): Promise<Submission> {
  const { app, changeset, action, next, headSha, actor } = input;
  // A changeset its author reopened as a draft is submitted again: the revision is a resubmission.
  const reason: ChangesetRevisionReason = action === 'submit' && changeset.revision > 0 ? 'resubmit' : action;
  const baseSha = input.baseSha ?? (await mergeBaseOf(deps, app, headSha));
  const number = changeset.revision + 1;
  const { updated, revision } = await deps.unitOfWork.run(
    { appId: app.id, actor },
    async ({ session, audit }) => {
      const updated = await deps.changesets.moveTo(
        changeset,
        next,
        { revision: number, headSha, baseSha },
        session,
      );
      const revision = await deps.revisions.create(
        {
          appId: app.id,
          changesetId: changeset.id,
          number,
          headSha,
          baseSha,
          reason,
          createdBy: actor.id,
        },
        session,
      );
      await audit({
        entityType: 'changeset',
        entityId: changeset.id,
        action: `changeset.${reason === 'new_revision' ? 'revised' : `${reason}ted`}`,
        before: changesetView(changeset),
        after: changesetView(updated),
        gitSha: headSha,
      });
      return { updated, revision };
    },
  );
  let job: JobRecord | null = null;
  try {
    job = await runGate(deps.producer, {
      gate: 'submit',
      appId: app.id,
      commitSha: headSha,
      baseSha,
      entity: { type: 'changeset', id: changeset.id },
      createdBy: actor.id,
    });
    await deps.revisions.setGateJob(revision.id, job.id);
  } catch (error) {
    deps.logger.error('could not enqueue the submit gate', {
      changeset_id: changeset.id,
      revision: number,
      error: error instanceof Error ? error.message : String(error),
    });
  }
  return { changeset: updated, job };
}

/**
 * Submit (`draft`) or resubmit (`changes_requested`, or a new revision while `submitted`/`in_review`).
 * The caller asked the machine before anything is committed, so a forbidden transition changes nothing.
 */
export async function submitChangeset(
  deps: ChangesetsModuleDependencies,
  app: App,
  changeset: Changeset,
  action: SubmissionAction,
  next: ChangesetState,
  actor: AuditActor,
): Promise<Submission> {
  // Pending edits become one commit first (SPEC §5.3): that is the head to freeze.
  const workspace = await deps.workspaces.get(app.id, changeset.workspaceId);
  const message = `${changeset.title}\n\nChangeset ${changeset.id}`;
  const { headSha } = await deps.workspaces.commitWorkingState(app, workspace, message, actor);
  const baseSha = await mergeBaseOf(deps, app, headSha);
  if ((await deps.git.diffFiles(app.repoPath, baseSha, headSha)).length === 0) {
    throw new ConflictError('The workspace has no changes against the integration branch to submit', {
      head_sha: headSha,
    });
  }
  if (action === 'new_revision' && changeset.headSha === headSha) {
    throw new ConflictError('Nothing new to resubmit: the workspace head is the current revision', {
      revision: changeset.revision,
      head_sha: headSha,
    });
  }
  return freezeRevision(deps, { app, changeset, action, next, headSha, baseSha, actor });
}

/**
 * The machine action of a submit or resubmit request: reviewable states freeze a new revision; a
 * resubmit of a changeset its author reopened as a draft (by editing it) is a submit again.
 */
export function submissionActionFor(changeset: Changeset, request: 'submit' | 'resubmit'): SubmissionAction {
  if (request === 'submit') return 'submit';
  if (changeset.state === 'submitted' || changeset.state === 'in_review') return 'new_revision';
  return changeset.state === 'draft' && changeset.revision > 0 ? 'submit' : 'resubmit';
}
