import {
  InvalidTransitionError,
  JOB_FAMILIES,
  JOB_STATES,
  JOB_TYPES,
  JOB_TYPE_DEFAULTS,
  canRetry,
  isJobType,
  jobFamilyOf,
  jobStatesAllowing,
  transitionJob,
  type JobEvent,
  type JobState,
} from '@conman/core';

const EVENTS: JobEvent['type'][] = ['start', 'succeed', 'fail', 'retry', 'cancel'];

/** The whole SPEC §7 job machine as a table: (from, event) → to; every other pair is invalid. */
const VALID: Record<string, JobState> = {
  'queued:start': 'running',
  'queued:cancel': 'canceled',
  'running:succeed': 'succeeded',
  'running:fail': 'failed',
  'running:retry': 'queued',
  'running:cancel': 'canceled',
};

describe('transitionJob', () => {
  for (const from of JOB_STATES) {
    for (const event of EVENTS) {
      const expected = VALID[`${from}:${event}`];
      if (expected) {
        it(`${from} --${event}--> ${expected}`, () => {
          expect(transitionJob({ state: from, attempt: 1, maxAttempts: 3 }, { type: event }).state).toBe(
            expected,
          );
        });
      } else {
        it(`${from} --${event}--> rejected`, () => {
          const attempt = () => transitionJob({ state: from, attempt: 1, maxAttempts: 3 }, { type: event });
          expect(attempt).toThrow(InvalidTransitionError);
          expect(attempt).toThrow(expect.objectContaining({ code: 'invalid_transition', status: 409 }));
        });
      }
    }
  }

  it('retry increments the attempt and keeps the limit', () => {
    expect(transitionJob({ state: 'running', attempt: 2, maxAttempts: 3 }, { type: 'retry' })).toEqual({
      state: 'queued',
      attempt: 3,
      maxAttempts: 3,
    });
  });

  it('retry is rejected once the attempt limit is reached', () => {
    expect(() => transitionJob({ state: 'running', attempt: 3, maxAttempts: 3 }, { type: 'retry' })).toThrow(
      expect.objectContaining({
        code: 'invalid_transition',
        details: expect.objectContaining({ attempt: 3 }),
      }),
    );
  });

  it('non-retry events never change the attempt', () => {
    expect(transitionJob({ state: 'queued', attempt: 2, maxAttempts: 3 }, { type: 'start' }).attempt).toBe(2);
    expect(transitionJob({ state: 'running', attempt: 2, maxAttempts: 3 }, { type: 'fail' }).attempt).toBe(2);
  });

  it('jobStatesAllowing matches the table', () => {
    for (const event of EVENTS) {
      const fromTable = JOB_STATES.filter((state) => VALID[`${state}:${event}`] !== undefined);
      expect([...jobStatesAllowing(event)].sort()).toEqual([...fromTable].sort());
    }
  });

  it('canRetry only for a running job with attempts left', () => {
    expect(canRetry({ state: 'running', attempt: 1, maxAttempts: 2 })).toBe(true);
    expect(canRetry({ state: 'running', attempt: 2, maxAttempts: 2 })).toBe(false);
    expect(canRetry({ state: 'queued', attempt: 1, maxAttempts: 2 })).toBe(false);
  });
});

describe('job type defaults', () => {
  it('every type has a known family, a positive attempt limit and timeout', () => {
    for (const type of JOB_TYPES) {
      const defaults = JOB_TYPE_DEFAULTS[type];
      expect(JOB_FAMILIES).toContain(defaults.family);
      expect(defaults.maxAttempts).toBeGreaterThanOrEqual(1);
      expect(defaults.timeoutMs).toBeGreaterThan(0);
    }
    expect(jobFamilyOf('msuite_submit')).toBe('validation');
    expect(jobFamilyOf('deploy_release')).toBe('deploy');
  });

  it('every family has at least one type', () => {
    for (const family of JOB_FAMILIES)
      expect(JOB_TYPES.some((type) => jobFamilyOf(type) === family)).toBe(true);
  });

  it('isJobType recognises only known types', () => {
    expect(isJobType('msuite_merge')).toBe(true);
    expect(isJobType('rm_rf')).toBe(false);
  });
});
