import type { AuditActor } from './audit';
import type { ChangesetAction, ReviewAction } from './changesets';

/** Who tries to approve which changeset, under which app policy. */
export interface ApprovalAttempt {
  reviewer: AuditActor;
  authorId: string;
  /**
   * Everyone who wrote to the changeset's workspace since its last reset (file edits, checkpoints,
   * syncs): a superset of the authors of the commits under review.
   */
  editorIds: readonly string[];
  /** The app's `allow_self_approval` setting. */
  allowSelfApproval: boolean;
}

/**
 * The four-eyes rule (docs/changesets.md "Review"): why this reviewer may not approve, or null.
 * Approving is a human act, so an API key never approves — otherwise a person could approve their
 * own work through a key, or count twice with their token and a key. Unless the app allows
 * self-approval, nobody who authored or edited the change approves it.
 */
export function approvalRefusal(attempt: ApprovalAttempt): string | null {
  if (attempt.reviewer.type !== 'user') return 'API keys cannot approve: approving is a human act';
  if (attempt.allowSelfApproval) return null;
  if (attempt.reviewer.id === attempt.authorId)
    return 'The author cannot approve their own changeset (four-eyes policy)';
  if (attempt.editorIds.includes(attempt.reviewer.id))
    return 'You edited this changeset: approving it would review your own change (four-eyes policy)';
  return null;
}

/** The first approval of each person, in order: what the revision's approval count is made of. */
export function distinctApprovals<T extends { reviewerId: string }>(approvals: readonly T[]): T[] {
  const seen = new Set<string>();
  return approvals.filter((approval) => !seen.has(approval.reviewerId) && seen.add(approval.reviewerId));
}

/** Distinct people approving the current revision once this reviewer's approval is counted. */
export function approvalsWith(approverIds: readonly string[], reviewerId: string): number {
  return new Set([...approverIds, reviewerId]).size;
}

/**
 * The changeset action a review is (for the machine): an approval carries the distinct approvals
 * including this one and the app's threshold, so the machine decides `approved` or `in_review`.
 */
export function reviewActionOf(
  action: ReviewAction,
  approvals: { approverIds: readonly string[]; reviewerId: string; required: number },
): ChangesetAction {
  if (action !== 'approve') return { type: action };
  return {
    type: 'approve',
    approvals: approvalsWith(approvals.approverIds, approvals.reviewerId),
    required: approvals.required,
  };
}
