import type { z } from 'zod';
import {
  distinctApprovals,
  type App,
  type Changeset,
  type ChangesetRevision,
  type JobState,
} from '@conman/core';
import type { ChangesetsModuleDependencies } from './dependencies';
import { changesetDetailSchema, changesetView, reviewView } from './schemas';

export type ChangesetDetail = z.output<typeof changesetDetailSchema>;

/** The submit gate of a revision: its job's state, or `missing` when no job was recorded. */
export async function gateOf(
  deps: ChangesetsModuleDependencies,
  revision: ChangesetRevision,
): Promise<{ name: 'msuite_submit'; revision: number; job_id: string | null; state: JobState | 'missing' }> {
  const job = revision.gateJobId ? await deps.jobs.get(revision.gateJobId) : null;
  return {
    name: 'msuite_submit',
    revision: revision.number,
    job_id: job?.id ?? null,
    state: job?.state ?? 'missing',
  };
}

/** The changeset with its current revision's approvals, gate status and review history. */
export async function changesetDetail(
  deps: ChangesetsModuleDependencies,
  app: App,
  changeset: Changeset,
): Promise<ChangesetDetail> {
  const [approvals, reviews, revision] = await Promise.all([
    changeset.revision > 0 ? deps.reviews.approvalsOf(changeset.id, changeset.revision) : [],
    deps.reviews.list(changeset.id),
    changeset.revision > 0 ? deps.revisions.get(changeset.id, changeset.revision) : null,
  ]);
  return {
    ...changesetView(changeset),
    approvals: distinctApprovals(approvals).map((approval) => ({
      reviewer_id: approval.reviewerId,
      created_at: approval.createdAt.toISOString(),
    })),
    required_approvals: app.settings.required_approvals,
    gate: revision ? await gateOf(deps, revision) : null,
    reviews: reviews.map(reviewView),
  };
}
