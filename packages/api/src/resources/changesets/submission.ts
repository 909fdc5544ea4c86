import {
  ConflictError,
  transitionChangeset,
  type App,
  type AuditActor,
  type Changeset,
  type ChangesetRevision,
  type ChangesetRevisionReason,
  type JobRecord,
  type Workspace,
} from '@conman/core';
import { inTransaction } from '@conman/db';
import { runGate } from '@conman/jobs';
import type { ChangesetsModuleDependencies } from './dependencies';
import { changesetView } from './schemas';

/** The action a (re)submission applies, by the state it starts from (SPEC §7). */
export type SubmissionAction = 'submit' | 'resubmit' | 'new_revision';

export interface Submission {
  changeset: Changeset;
  revision: ChangesetRevision;
  job: JobRecord | null;
}

/** Merge base of the head with the integration head: what the revision is compared against (SPEC §6.3). */
async function mergeBaseOf(deps: ChangesetsModuleDependencies, app: App, headSha: string): Promise<string> {
  const integrationHead = await deps.git.resolveRef(app.repoPath, `refs/heads/${app.integrationBranch}`);
  if (!integrationHead) {
    throw new ConflictError('The integration branch does not exist', { branch: app.integrationBranch });
  }
  const base = await deps.git.mergeBase(app.repoPath, headSha, integrationHead);
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
    headSha: string;
    /** The merge base when the caller already computed it. */
    baseSha?: string;
    actor: AuditActor;
  },
): Promise<Submission> {
  const { app, changeset, action, headSha, actor } = input;
  const baseSha = input.baseSha ?? (await mergeBaseOf(deps, app, headSha));
  const number = changeset.revision + 1;
  const reason: ChangesetRevisionReason = action;
  const { updated, revision } = await inTransaction(deps.client, async (session) => {
    const updated = await deps.changesets.transition(
      changeset,
      { type: action },
      { revision: number, headSha, baseSha },
      session,
    );
    const revision = await deps.revisions.create(
      { appId: app.id, changesetId: changeset.id, number, headSha, baseSha, reason, createdBy: actor.id },
      session,
    );
    await deps.audit.record(
      {
        appId: app.id,
        actor,
        entityType: 'changeset',
        entityId: changeset.id,
        action: `changeset.${action === 'new_revision' ? 'revised' : `${action}ted`}`,
        before: changesetView(changeset),
        after: changesetView(updated),
        gitSha: headSha,
      },
      session,
    );
    return { updated, revision };
  });
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
  return { changeset: updated, revision: { ...revision, gateJobId: job?.id ?? null }, job };
}

/** Commits the workspace's pending edits (SPEC §5.3) and returns the head to freeze. */
export async function commitForSubmission(
  deps: ChangesetsModuleDependencies,
  app: App,
  changeset: Changeset,
  actor: AuditActor,
): Promise<{ workspace: Workspace; headSha: string }> {
  const workspace = await deps.workspaces.get(app.id, changeset.workspaceId);
  const { headSha } = await deps.workspaces.commitWorkingState(
    app,
    workspace,
    `${changeset.title}\n\nChangeset ${changeset.id}`,
    actor,
  );
  return { workspace, headSha };
}

/**
 * Submit (`draft`) or resubmit (`changes_requested`, or a new revision while `submitted`/`in_review`).
 * The machine is asked before anything is committed so a forbidden transition changes nothing.
 */
export async function submitChangeset(
  deps: ChangesetsModuleDependencies,
  app: App,
  changeset: Changeset,
  action: SubmissionAction,
  actor: AuditActor,
): Promise<Submission> {
  transitionChangeset(changeset.state, { type: action });
  const { headSha } = await commitForSubmission(deps, app, changeset, actor);
  const baseSha = await mergeBaseOf(deps, app, headSha);
  if ((await deps.git.diffFiles(app.repoPath, baseSha, headSha)).length === 0) {
    throw new ConflictError('The workspace has no changes against the integration branch to submit', {
      head_sha: headSha,
    });
  }
  // The commit may have fired the head-moved hook, which already froze this head as a new revision.
  const current = (await deps.changesets.findById(app.id, changeset.id)) ?? changeset;
  if (action === 'new_revision' && current.headSha === headSha) {
    throw new ConflictError('Nothing new to resubmit: the workspace head is the current revision', {
      revision: current.revision,
      head_sha: headSha,
    });
  }
  return freezeRevision(deps, { app, changeset: current, action, headSha, baseSha, actor });
}

/** Which resubmit action applies to a state: `changes_requested` resubmits, reviewable states revise. */
export function resubmitActionFor(state: Changeset['state']): SubmissionAction {
  return state === 'submitted' || state === 'in_review' ? 'new_revision' : 'resubmit';
}
