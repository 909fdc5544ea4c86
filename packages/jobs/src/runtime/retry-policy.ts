import {
  canRetry,
  ConmanError,
  isDependencyUnavailableError,
  type JobError,
  type JobProgress,
} from '@conman/core';
import { InfrastructureError } from './errors';
import type { JobAbortReason, JobHandlerOutcome } from './handler';

/**
 * Every retry decision of the job runtime, as pure functions: which failures are worth another
 * attempt, how long to wait before it, and what an attempt's end or an expired lease means for the job.
 * The worker (`execute-job.ts`) and the reconciler (`reconciler.ts`) only carry these decisions out;
 * the attempt limit itself is the core job machine's (`canRetry`, `transitionJob`). See docs/jobs.md.
 */

export interface RetryBackoff {
  /** Wait before the 2nd attempt; each later attempt waits twice the one before. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { baseMs: 1000, capMs: 5 * 60_000 };

/** Exponential backoff before attempt `nextAttempt` (the 2nd attempt waits `baseMs`), capped. */
export function retryDelayMs(nextAttempt: number, backoff: RetryBackoff = DEFAULT_RETRY_BACKOFF): number {
  const exponent = Math.max(0, nextAttempt - 2);
  return Math.min(backoff.capMs, backoff.baseMs * 2 ** exponent);
}

/**
 * A failure of something the job depends on rather than of the job itself, so another attempt may
 * succeed: an `InfrastructureError` thrown by a handler, or a Conman `unavailable` error (e.g. an
 * unreachable git backend). Anything else thrown is a handler bug and fails the job at once. This is
 * the one place that classification lives; teach it new infrastructure failures here.
 */
export function isInfrastructureFailure(error: unknown): boolean {
  if (error instanceof InfrastructureError) return true;
  // A MongoDB or Redis timeout or disconnect says nothing about the job (docs/security.md).
  if (isDependencyUnavailableError(error)) return true;
  return error instanceof ConmanError && error.code === 'unavailable';
}

/** How a handler's run ended, as the runtime saw it. */
export type AttemptEnd =
  | { kind: 'returned'; outcome: JobHandlerOutcome; abortReason?: JobAbortReason }
  | { kind: 'threw'; error: unknown; abortReason?: JobAbortReason };

/** A failure that deserves another attempt while attempts remain, after `delayMs`. */
export interface RetryableFailure {
  error: JobError;
  delayMs: number;
  /** Metrics label when the retry happens: a retried failure, or work handed back unfinished. */
  label: 'retried' | 'handed_back';
}

export type AttemptDecision =
  /** Write nothing: the worker lost its lease and the reconciler owns the job now. */
  | { action: 'abandon' }
  | { action: 'finish'; state: 'succeeded' | 'failed' | 'canceled'; error?: JobError }
  | ({ action: 'retry_or_fail' } & RetryableFailure);

function jobErrorOf(code: JobError['code'], error: unknown): JobError {
  return { code, message: error instanceof Error ? error.message : String(error) };
}

/**
 * What to record for one attempt of `job`. An abort decides first (lease lost, cancel, timeout,
 * shutdown), then a returned outcome (a `failed` result such as a red msuite is never retried), then
 * the thrown error's classification.
 */
export function decideAttemptEnd(
  job: JobProgress & { timeoutMs: number },
  end: AttemptEnd,
  backoff: RetryBackoff = DEFAULT_RETRY_BACKOFF,
): AttemptDecision {
  switch (end.abortReason) {
    case 'lease_lost':
      return { action: 'abandon' };
    case 'cancel':
      return {
        action: 'finish',
        state: 'canceled',
        error: { code: 'canceled', message: 'Canceled while running' },
      };
    case 'timeout':
      return {
        action: 'finish',
        state: 'failed',
        error: { code: 'timeout', message: `Exceeded ${job.timeoutMs} ms` },
      };
    case 'shutdown':
      // Not the job's fault: hand it to another worker at once.
      return {
        action: 'retry_or_fail',
        error: { code: 'worker_lost', message: 'Worker shut down during the job' },
        delayMs: 0,
        label: 'handed_back',
      };
    case undefined:
      break;
  }
  if (end.kind === 'returned') {
    return end.outcome.state === 'succeeded'
      ? { action: 'finish', state: 'succeeded' }
      : { action: 'finish', state: 'failed', error: end.outcome.error };
  }
  if (isInfrastructureFailure(end.error)) {
    return {
      action: 'retry_or_fail',
      error: jobErrorOf('infrastructure', end.error),
      delayMs: retryDelayMs(job.attempt + 1, backoff),
      label: 'retried',
    };
  }
  return { action: 'finish', state: 'failed', error: jobErrorOf('handler_error', end.error) };
}

/** A running job whose worker stopped renewing its lease: retried at once while attempts remain. */
export function leaseExpiryFailure(job: { workerId: string | null }): RetryableFailure {
  return {
    error: { code: 'worker_lost', message: `Worker ${job.workerId ?? 'unknown'} stopped renewing its lease` },
    delayMs: 0,
    label: 'handed_back',
  };
}

/** Whether a retryable failure becomes another attempt or, with none left, the job's failure. */
export function retryOrFail(job: JobProgress): 'retry' | 'fail' {
  return canRetry(job) ? 'retry' : 'fail';
}
