import type { Logger } from '@conman/core';
import type { JobStore } from '@conman/db';
import { bullJobIdOf, type JobQueues } from './queues';
import { leaseExpiryFailure, retryOrFail } from './retry-policy';

export interface ReconcileReport {
  /** Running jobs with an expired lease sent back to `queued`. */
  requeued: number;
  /** Running jobs with an expired lease and no attempts left, now `failed/worker_lost`. */
  failedWorkerLost: number;
  /** Queued jobs whose BullMQ entry was missing (e.g. Redis lost its data), enqueued again. */
  reenqueued: number;
}

export interface ReconcileOptions {
  store: JobStore;
  queues: JobQueues;
  logger: Logger;
  /** Queued jobs younger than this are left alone: their producer may still be enqueueing them. */
  queuedGraceMs?: number;
  now?: Date;
}

/**
 * Repairs the gap between MongoDB (truth) and Redis (transport): jobs whose worker died, and queued
 * jobs Redis forgot. Safe to run concurrently from several workers: every change is a guarded update
 * and BullMQ ignores an `add` whose id exists.
 */
export async function reconcileJobs(options: ReconcileOptions): Promise<ReconcileReport> {
  const now = options.now ?? new Date();
  const report: ReconcileReport = { requeued: 0, failedWorkerLost: 0, reenqueued: 0 };
  for (const job of await options.store.findExpiredLeases(now)) {
    const { error, delayMs } = leaseExpiryFailure(job);
    if (retryOrFail(job) === 'retry') {
      const retried = await options.store.retry(job.id, null, job.attempt, error);
      if (retried) {
        await options.queues.enqueue(retried, delayMs);
        report.requeued += 1;
      }
    } else if (await options.store.finish(job.id, null, { state: 'failed', error })) {
      report.failedWorkerLost += 1;
    }
  }
  const unchangedSince = new Date(now.getTime() - (options.queuedGraceMs ?? 5000));
  for (const job of await options.store.findQueued(unchangedSince)) {
    if (await options.queues.queue(job.family).getJob(bullJobIdOf(job))) continue;
    await options.queues.enqueue(job);
    report.reenqueued += 1;
  }
  if (report.requeued + report.failedWorkerLost + report.reenqueued > 0)
    options.logger.info('jobs reconciled', { ...report });
  return report;
}
