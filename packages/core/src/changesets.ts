import { InvalidTransitionError } from './errors';

/** Changeset states (docs/changesets.md "The machine"). */
export const CHANGESET_STATES = [
  'draft',
  'submitted',
  'in_review',
  'approved',
  'changes_requested',
  'rejected',
  'queued',
  'released',
  'conflicted',
  'needs_revalidation',
] as const;
export type ChangesetState = (typeof CHANGESET_STATES)[number];

/**
 * docs/changesets.md: open = any state except `released` and `rejected` (one open changeset per workspace).
 */
export const TERMINAL_CHANGESET_STATES: readonly ChangesetState[] = ['released', 'rejected'];

export function isOpenChangesetState(state: ChangesetState): boolean {
  return !TERMINAL_CHANGESET_STATES.includes(state);
}

export const CHANGESET_ACTION_TYPES = [
  'submit',
  'resubmit',
  'new_revision',
  'approve',
  'request_changes',
  'reject',
  'queue',
  'release',
  'conflict',
  'needs_revalidation',
  'move_to_draft',
  'edit',
] as const;
export type ChangesetActionType = (typeof CHANGESET_ACTION_TYPES)[number];

/**
 * What happened to a changeset. `approve` carries the distinct approvals on the current revision
 * (this one included) and how many the app requires: the machine decides whether that is enough.
 */
export type ChangesetAction =
  | { type: Exclude<ChangesetActionType, 'approve'> }
  | { type: 'approve'; approvals: number; required: number };

const REVIEWABLE: readonly ChangesetState[] = ['submitted', 'in_review'];

/**
 * The states each action may leave (docs/changesets.md "The machine"); everything else is
 * `invalid_transition`.
 */
const ALLOWED_FROM: Readonly<Record<ChangesetActionType, readonly ChangesetState[]>> = {
  submit: ['draft'],
  resubmit: ['changes_requested'],
  new_revision: REVIEWABLE,
  approve: REVIEWABLE,
  request_changes: REVIEWABLE,
  reject: REVIEWABLE,
  queue: ['approved'],
  release: ['queued'],
  conflict: ['queued'],
  needs_revalidation: ['queued'],
  move_to_draft: ['changes_requested', 'conflicted', 'needs_revalidation'],
  edit: ['changes_requested'],
};

const TARGET: Readonly<Record<Exclude<ChangesetActionType, 'approve'>, ChangesetState>> = {
  submit: 'submitted',
  resubmit: 'submitted',
  new_revision: 'submitted',
  request_changes: 'changes_requested',
  reject: 'rejected',
  queue: 'queued',
  release: 'released',
  conflict: 'conflicted',
  needs_revalidation: 'needs_revalidation',
  move_to_draft: 'draft',
  edit: 'draft',
};

/**
 * The changeset machine (docs/changesets.md "The machine"), the one place its transitions are decided
 * (API handlers and jobs alike): `draft → submitted` (submit); `submitted → in_review` (first review
 * action); `submitted|in_review → approved` (enough approvals) `| changes_requested | rejected`;
 * `submitted|in_review → submitted` (new revision); `changes_requested → draft` (edit / move-to-draft)
 * `| submitted` (resubmit); `approved → queued`; `queued → released | conflicted | needs_revalidation`;
 * `conflicted|needs_revalidation → draft`. An approval that is not yet enough leaves the changeset
 * `in_review`. Every other pair throws `InvalidTransitionError` (409).
 */
export function transitionChangeset(state: ChangesetState, action: ChangesetAction): ChangesetState {
  if (!ALLOWED_FROM[action.type].includes(state)) {
    throw new InvalidTransitionError(`A ${state} changeset cannot ${action.type.replaceAll('_', ' ')}`, {
      from: state,
      action: action.type,
    });
  }
  if (action.type === 'approve') {
    if (!Number.isInteger(action.approvals) || !Number.isInteger(action.required) || action.required < 1) {
      throw new TypeError('approve needs integer approvals and required >= 1');
    }
    return action.approvals >= action.required ? 'approved' : 'in_review';
  }
  return TARGET[action.type];
}

/** A changeset as repositories return it (docs/changesets.md). `revision` is 0 until the first submit. */
export interface Changeset {
  id: string;
  appId: string;
  workspaceId: string;
  authorId: string;
  title: string;
  description: string;
  state: ChangesetState;
  /** Number of the current revision; 0 while never submitted. */
  revision: number;
  /** Frozen head and merge base of the current revision; null while never submitted. */
  headSha: string | null;
  baseSha: string | null;
  /** Position in the app's queue while `queued`, else null. */
  queuePosition: number | null;
  /** The rejected changeset this one was cloned from. */
  clonedFromId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type ChangesetRevisionReason = 'submit' | 'resubmit' | 'new_revision';

/** One frozen head of a changeset; revision numbers run 1..n. */
export interface ChangesetRevision {
  id: string;
  appId: string;
  changesetId: string;
  number: number;
  headSha: string;
  baseSha: string;
  reason: ChangesetRevisionReason;
  /** The `msuite_submit` job of this revision, once enqueued. */
  gateJobId: string | null;
  createdBy: string;
  createdAt: Date;
}

export const REVIEW_ACTIONS = ['approve', 'request_changes', 'reject'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

export interface ChangesetReview {
  id: string;
  appId: string;
  changesetId: string;
  /** The revision the review was given on. */
  revision: number;
  reviewerId: string;
  action: ReviewAction;
  comment: string | null;
  createdAt: Date;
}

/** Where an inline comment points. */
export interface CommentAnchor {
  filePath: string;
  line: number;
  revision: number;
}

export interface ChangesetComment {
  id: string;
  appId: string;
  changesetId: string;
  authorId: string;
  /** The thread's first comment for a reply; null for a thread. */
  parentId: string | null;
  body: string;
  anchor: CommentAnchor | null;
  resolved: boolean;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  /** Every earlier body, oldest first (docs/changesets.md "Decisions", comments). */
  previousBodies: { body: string; replacedAt: Date }[];
  createdAt: Date;
  updatedAt: Date;
}
