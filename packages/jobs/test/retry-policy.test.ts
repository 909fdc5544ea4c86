import { NotFoundError, UnavailableError } from '@conman/core';
import {
  decideAttemptEnd,
  InfrastructureError,
  isInfrastructureFailure,
  leaseExpiryFailure,
  retryDelayMs,
  retryOrFail,
  type AttemptEnd,
} from '@conman/jobs';

// Pure decisions: no Redis, no MongoDB. The runtime tests (job-runtime, reconciler) show them carried out.
const running = { state: 'running' as const, attempt: 1, maxAttempts: 3, timeoutMs: 5000 };
const backoff = { baseMs: 100, capMs: 5000 };
const threw = (error: unknown, abortReason?: AttemptEnd['abortReason']): AttemptEnd =>
  abortReason ? { kind: 'threw', error, abortReason } : { kind: 'threw', error };

describe('retry delays', () => {
  it('grow exponentially from the base up to the cap', () => {
    expect(retryDelayMs(2, backoff)).toBe(100);
    expect(retryDelayMs(3, backoff)).toBe(200);
    expect(retryDelayMs(5, backoff)).toBe(800);
    expect(retryDelayMs(30, backoff)).toBe(5000);
  });

  it('default to 1 s doubling, at most 5 minutes', () => {
    expect(retryDelayMs(2)).toBe(1000);
    expect(retryDelayMs(4)).toBe(4000);
    expect(retryDelayMs(40)).toBe(300_000);
  });
});

describe('infrastructure failures', () => {
  it('are InfrastructureErrors and unavailable dependencies', () => {
    expect(isInfrastructureFailure(new InfrastructureError('redis hiccup'))).toBe(true);
    expect(isInfrastructureFailure(new UnavailableError('git backend unreachable'))).toBe(true);
  });

  it('exclude handler bugs, domain errors and non-errors', () => {
    expect(isInfrastructureFailure(new TypeError('undefined is not a function'))).toBe(false);
    expect(isInfrastructureFailure(new NotFoundError('Commit not found'))).toBe(false);
    expect(isInfrastructureFailure('unavailable')).toBe(false);
    expect(isInfrastructureFailure(undefined)).toBe(false);
  });
});

describe('the end of an attempt', () => {
  it('retries an infrastructure failure after the backoff of the next attempt', () => {
    expect(
      decideAttemptEnd({ ...running, attempt: 2 }, threw(new UnavailableError('down')), backoff),
    ).toEqual({
      action: 'retry_or_fail',
      error: { code: 'infrastructure', message: 'down' },
      delayMs: 200,
      label: 'retried',
    });
  });

  it('fails a handler bug at once', () => {
    expect(decideAttemptEnd(running, threw(new TypeError('boom')), backoff)).toEqual({
      action: 'finish',
      state: 'failed',
      error: { code: 'handler_error', message: 'boom' },
    });
    expect(decideAttemptEnd(running, threw('plain string'), backoff)).toMatchObject({
      error: { code: 'handler_error', message: 'plain string' },
    });
  });

  it('records a returned result as it is, a failed one never retried', () => {
    expect(decideAttemptEnd(running, { kind: 'returned', outcome: { state: 'succeeded' } })).toEqual({
      action: 'finish',
      state: 'succeeded',
    });
    const red = { code: 'gate_failed' as const, message: 'exit 3' };
    expect(decideAttemptEnd(running, { kind: 'returned', outcome: { state: 'failed', error: red } })).toEqual(
      {
        action: 'finish',
        state: 'failed',
        error: red,
      },
    );
  });

  it('lets an abort decide before what the handler threw', () => {
    const infra = new InfrastructureError('also down');
    expect(decideAttemptEnd(running, threw(infra, 'lease_lost'))).toEqual({ action: 'abandon' });
    expect(decideAttemptEnd(running, threw(infra, 'cancel'))).toMatchObject({
      action: 'finish',
      state: 'canceled',
      error: { code: 'canceled' },
    });
    expect(decideAttemptEnd(running, threw(infra, 'timeout'))).toEqual({
      action: 'finish',
      state: 'failed',
      error: { code: 'timeout', message: 'Exceeded 5000 ms' },
    });
    expect(decideAttemptEnd(running, threw(infra, 'shutdown'), backoff)).toEqual({
      action: 'retry_or_fail',
      error: { code: 'worker_lost', message: 'Worker shut down during the job' },
      delayMs: 0,
      label: 'handed_back',
    });
  });
});

describe('an expired lease', () => {
  it('is a worker_lost failure retried at once', () => {
    expect(leaseExpiryFailure({ workerId: 'host-1' })).toEqual({
      error: { code: 'worker_lost', message: 'Worker host-1 stopped renewing its lease' },
      delayMs: 0,
      label: 'handed_back',
    });
    expect(leaseExpiryFailure({ workerId: null }).error.message).toContain('unknown');
  });
});

describe('retry or fail', () => {
  it('retries a running job while attempts remain', () => {
    expect(retryOrFail({ state: 'running', attempt: 2, maxAttempts: 3 })).toBe('retry');
    expect(retryOrFail({ state: 'running', attempt: 3, maxAttempts: 3 })).toBe('fail');
    expect(retryOrFail({ state: 'running', attempt: 1, maxAttempts: 1 })).toBe('fail');
  });
});
