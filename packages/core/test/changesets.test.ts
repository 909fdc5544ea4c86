import {
  CHANGESET_ACTION_TYPES,
  CHANGESET_STATES,
  InvalidTransitionError,
  isOpenChangesetState,
  transitionChangeset,
  type ChangesetAction,
  type ChangesetActionType,
  type ChangesetState,
} from '@conman/core';

/**
 * The machine of docs/changesets.md written out as data: state → action → next state. Approve appears twice,
 * with enough approvals (`approve`) and without (`approve_short`). A missing cell means `invalid_transition`.
 */
type TableAction = Exclude<ChangesetActionType, 'approve'> | 'approve' | 'approve_short';
const EXPECTED: Readonly<Record<ChangesetState, Partial<Record<TableAction, ChangesetState>>>> = {
  draft: { submit: 'submitted' },
  submitted: {
    new_revision: 'submitted',
    approve: 'approved',
    approve_short: 'in_review',
    request_changes: 'changes_requested',
    reject: 'rejected',
  },
  in_review: {
    new_revision: 'submitted',
    approve: 'approved',
    approve_short: 'in_review',
    request_changes: 'changes_requested',
    reject: 'rejected',
  },
  approved: { queue: 'queued' },
  changes_requested: { resubmit: 'submitted', move_to_draft: 'draft', edit: 'draft' },
  rejected: {},
  queued: { release: 'released', conflict: 'conflicted', needs_revalidation: 'needs_revalidation' },
  released: {},
  conflicted: { move_to_draft: 'draft' },
  needs_revalidation: { move_to_draft: 'draft' },
};

const TABLE_ACTIONS: readonly TableAction[] = [
  ...CHANGESET_ACTION_TYPES.filter((type) => type !== 'approve'),
  'approve',
  'approve_short',
];

function actionOf(name: TableAction): ChangesetAction {
  if (name === 'approve') return { type: 'approve', approvals: 2, required: 2 };
  if (name === 'approve_short') return { type: 'approve', approvals: 1, required: 2 };
  return { type: name };
}

describe('transitionChangeset', () => {
  it('the table covers every state', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...CHANGESET_STATES].sort());
  });

  for (const state of CHANGESET_STATES) {
    for (const name of TABLE_ACTIONS) {
      const expected = EXPECTED[state][name];
      if (expected) {
        it(`${state} --${name}--> ${expected}`, () => {
          expect(transitionChangeset(state, actionOf(name))).toBe(expected);
        });
      } else {
        it(`${state} --${name}--> invalid_transition`, () => {
          const attempt = () => transitionChangeset(state, actionOf(name));
          expect(attempt).toThrow(InvalidTransitionError);
          expect(attempt).toThrow(
            expect.objectContaining({
              code: 'invalid_transition',
              status: 409,
              details: { from: state, action: actionOf(name).type },
            }),
          );
        });
      }
    }
  }

  it('more approvals than required still approve', () => {
    expect(transitionChangeset('in_review', { type: 'approve', approvals: 3, required: 1 })).toBe('approved');
  });

  it('rejects nonsensical approval counts as a programming error', () => {
    expect(() => transitionChangeset('submitted', { type: 'approve', approvals: 1, required: 0 })).toThrow(
      TypeError,
    );
    expect(() => transitionChangeset('submitted', { type: 'approve', approvals: 0.5, required: 1 })).toThrow(
      TypeError,
    );
  });

  it('open states are every state but released and rejected', () => {
    expect(CHANGESET_STATES.filter(isOpenChangesetState)).toEqual([
      'draft',
      'submitted',
      'in_review',
      'approved',
      'changes_requested',
      'queued',
      'conflicted',
      'needs_revalidation',
    ]);
  });
});
