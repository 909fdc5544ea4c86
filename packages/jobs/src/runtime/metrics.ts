import type { JobFamily, JobType } from '@conman/core';

export type JobOutcomeLabel = 'succeeded' | 'failed' | 'canceled' | 'retried' | 'handed_back';

/** What the job machinery reports; the app layer backs it with prom-client counters and histograms. */
export interface JobMetrics {
  jobStarted(type: JobType, family: JobFamily): void;
  jobFinished(type: JobType, outcome: JobOutcomeLabel, durationMs: number): void;
  /** Time from enqueue to `running`. */
  pickupLatency(family: JobFamily, latencyMs: number): void;
}

export const noopJobMetrics: JobMetrics = {
  jobStarted: () => undefined,
  jobFinished: () => undefined,
  pickupLatency: () => undefined,
};
