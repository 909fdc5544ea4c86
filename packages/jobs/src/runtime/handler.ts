import type { JobRecord } from '@conman/core';
import type { JobLogSink } from '../log-sink';

export interface JobHandlerContext {
  job: JobRecord;
  log: JobLogSink;
  /** Aborted on cancel, timeout, lost lease or shutdown; `signal.reason` is a `JobAbortReason`. */
  signal: AbortSignal;
}

export type JobAbortReason = 'cancel' | 'timeout' | 'lease_lost' | 'shutdown';

/**
 * What a finished handler reports. `failed` is a result (e.g. a red msuite), never retried; throw an
 * `InfrastructureError` for a retryable failure (MongoDB/Redis timeouts and disconnects count as one too).
 */
export type JobHandlerOutcome =
  | { state: 'succeeded'; result?: Record<string, unknown> }
  | {
      state: 'failed';
      result?: Record<string, unknown>;
      error: { code: 'gate_failed' | 'timeout' | 'handler_error' | 'sandbox_unavailable'; message: string };
    };

export type JobHandler = (context: JobHandlerContext) => Promise<JobHandlerOutcome>;
