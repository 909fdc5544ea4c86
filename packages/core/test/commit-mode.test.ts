import { effectiveCommitMode } from '@conman/core';

describe('effectiveCommitMode', () => {
  it('takes the workspace override first, then the user preference, then the app default', () => {
    expect(
      effectiveCommitMode({
        workspace: 'manual_checkpoint',
        user: 'submit_commit',
        appDefault: 'submit_commit',
      }),
    ).toBe('manual_checkpoint');
    expect(
      effectiveCommitMode({
        workspace: 'submit_commit',
        user: 'manual_checkpoint',
        appDefault: 'manual_checkpoint',
      }),
    ).toBe('submit_commit');
    expect(
      effectiveCommitMode({ workspace: null, user: 'manual_checkpoint', appDefault: 'submit_commit' }),
    ).toBe('manual_checkpoint');
    expect(effectiveCommitMode({ workspace: null, user: null, appDefault: 'manual_checkpoint' })).toBe(
      'manual_checkpoint',
    );
    expect(effectiveCommitMode({ workspace: null, user: null, appDefault: 'submit_commit' })).toBe(
      'submit_commit',
    );
  });
});
