import {
  approvalRefusal,
  approvalsWith,
  distinctApprovals,
  reviewActionOf,
  transitionChangeset,
} from '../src';

const alice = { type: 'user' as const, id: 'alice' };
const bob = { type: 'user' as const, id: 'bob' };

describe('four-eyes: approvalRefusal', () => {
  const base = { authorId: 'alice', editorIds: [] as string[], allowSelfApproval: false };

  it('lets another person approve', () => {
    expect(approvalRefusal({ ...base, reviewer: bob })).toBeNull();
  });

  it('refuses the author', () => {
    expect(approvalRefusal({ ...base, reviewer: alice })).toMatch(/author cannot approve/);
  });

  it('refuses anyone who edited the change', () => {
    expect(approvalRefusal({ ...base, editorIds: ['alice', 'bob'], reviewer: bob })).toMatch(/edited/);
  });

  it('refuses API keys whatever the policy', () => {
    const key = { type: 'api_key' as const, id: 'key-1' };
    expect(approvalRefusal({ ...base, reviewer: key })).toMatch(/API keys cannot approve/);
    expect(approvalRefusal({ ...base, allowSelfApproval: true, reviewer: key })).toMatch(/API keys/);
  });

  it('lets authors and editors approve when the app allows self-approval', () => {
    const policy = { ...base, editorIds: ['bob'], allowSelfApproval: true };
    expect(approvalRefusal({ ...policy, reviewer: alice })).toBeNull();
    expect(approvalRefusal({ ...policy, reviewer: bob })).toBeNull();
  });
});

describe('approvals count people', () => {
  it('counts each approver once, this reviewer included', () => {
    expect(approvalsWith([], 'bob')).toBe(1);
    expect(approvalsWith(['bob'], 'bob')).toBe(1);
    expect(approvalsWith(['bob', 'carol', 'bob'], 'dave')).toBe(3);
  });

  it('keeps the first approval of each person', () => {
    const approvals = [
      { reviewerId: 'bob', n: 1 },
      { reviewerId: 'carol', n: 2 },
      { reviewerId: 'bob', n: 3 },
    ];
    expect(distinctApprovals(approvals).map((approval) => approval.n)).toEqual([1, 2]);
  });

  it('turns a review into the machine action that reaches the threshold once', () => {
    const first = reviewActionOf('approve', { approverIds: [], reviewerId: 'bob', required: 2 });
    expect(transitionChangeset('submitted', first)).toBe('in_review');
    const again = reviewActionOf('approve', { approverIds: ['bob'], reviewerId: 'bob', required: 2 });
    expect(transitionChangeset('in_review', again)).toBe('in_review');
    const second = reviewActionOf('approve', { approverIds: ['bob'], reviewerId: 'carol', required: 2 });
    expect(transitionChangeset('in_review', second)).toBe('approved');
    expect(reviewActionOf('reject', { approverIds: [], reviewerId: 'bob', required: 1 })).toEqual({
      type: 'reject',
    });
  });
});
