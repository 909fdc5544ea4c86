import type { JobRecord, JobType, Logger } from '@conman/core';
import type { JobLogStore, JobStore } from '@conman/db';
import type { JobAbortReason, JobHandler } from './handler';
import type { JobMetrics, JobOutcomeLabel } from './metrics';
import type { JobQueues, QueueMessage } from './queues';
import {
  decideAttemptEnd,
  retryOrFail,
  type AttemptEnd,
  type RetryBackoff,
  type RetryableFailure,
} from './retry-policy';
import { StoreLogSink } from './store-log-sink';

export interface ExecutionDeps {
  store: JobStore;
  logs: JobLogStore;
  queues: JobQueues;
  handlers: Partial<Record<JobType, JobHandler>>;
  workerId: string;
  leaseMs: number;
  retryBackoff: RetryBackoff;
  metrics: JobMetrics;
  logger: Logger;
  /** Running jobs of this process, so cancel signals and shutdown can reach their handlers. */
  inFlight: Map<string, AbortController>;
}

/**
 * Runs one delivered queue message. The `queued → running` update in MongoDB is the only claim: a
 * duplicate delivery (stalled job, reconciler re-enqueue) finds the job no longer queued and does nothing.
 */
export async function executeQueueMessage(
  deps: ExecutionDeps,
  message: QueueMessage,
  enqueuedAt: number,
): Promise<void> {
  const job = await deps.store.start(message.jobId, deps.workerId, deps.leaseMs);
  if (!job) return;
  deps.metrics.pickupLatency(job.family, Math.max(0, Date.now() - enqueuedAt));
  deps.metrics.jobStarted(job.type, job.family);
  const controller = new AbortController();
  deps.inFlight.set(job.id, controller);
  const log = new StoreLogSink(deps.logs, job.id, deps.logger);
  const heartbeat = setInterval(
    () => void renewLease(deps, job.id, controller),
    Math.max(50, deps.leaseMs / 3),
  );
  const timeout = setTimeout(() => controller.abort('timeout' satisfies JobAbortReason), job.timeoutMs);
  const startedAt = Date.now();
  try {
    log.append('info', 'job started', { attempt: job.attempt, worker_id: deps.workerId });
    const handler = deps.handlers[job.type];
    const end: AttemptEnd = handler
      ? await handler({ job, log, signal: controller.signal }).then(
          (outcome): AttemptEnd => ({ kind: 'returned', outcome }),
          (error: unknown): AttemptEnd => ({ kind: 'threw', error }),
        )
      : { kind: 'threw', error: new Error(`No handler for job type ${job.type}`) };
    clearInterval(heartbeat);
    clearTimeout(timeout);
    if (controller.signal.aborted) end.abortReason = controller.signal.reason as JobAbortReason;
    const label = await settle(deps, job, end, log);
    deps.metrics.jobFinished(job.type, label, Date.now() - startedAt);
  } finally {
    clearInterval(heartbeat);
    clearTimeout(timeout);
    deps.inFlight.delete(job.id);
    await log.close();
  }
}

async function renewLease(deps: ExecutionDeps, jobId: string, controller: AbortController): Promise<void> {
  try {
    const current = await deps.store.heartbeat(jobId, deps.workerId, deps.leaseMs);
    if (!current) controller.abort('lease_lost' satisfies JobAbortReason);
    else if (current.cancelRequested) controller.abort('cancel' satisfies JobAbortReason);
  } catch (error) {
    deps.logger.warn('job heartbeat failed', { job_id: jobId, error: String(error) });
  }
}

/** Records how the attempt ended, as the retry policy decides; returns the metrics label. */
async function settle(
  deps: ExecutionDeps,
  job: JobRecord,
  end: AttemptEnd,
  log: StoreLogSink,
): Promise<JobOutcomeLabel> {
  const decision = decideAttemptEnd(job, end, deps.retryBackoff);
  if (decision.action === 'abandon') return 'handed_back';
  if (decision.action === 'retry_or_fail')
    return (await retryOrFailJob(deps, job, decision, log)) ? decision.label : 'failed';
  // A thrown error that is no infrastructure failure is a bug in the handler: worth an error line.
  if (end.kind === 'threw' && decision.error?.code === 'handler_error')
    deps.logger.error('job handler failed', { job_id: job.id, type: job.type, error: String(end.error) });
  const result = end.kind === 'returned' ? end.outcome.result : undefined;
  const { state, error } = decision;
  log.append(state === 'succeeded' ? 'info' : 'warn', `job ${state}`, error ? { error } : undefined);
  // A reader who sees the final state must also see every line of the run.
  await log.flush();
  await deps.store.finish(job.id, deps.workerId, {
    state,
    ...(result ? { result } : {}),
    ...(error ? { error } : {}),
  });
  return state;
}

/** Back to `queued` (attempt + 1) and re-enqueued while attempts remain, else `failed`. */
async function retryOrFailJob(
  deps: ExecutionDeps,
  job: JobRecord,
  failure: RetryableFailure,
  log: StoreLogSink,
): Promise<boolean> {
  const { error, delayMs } = failure;
  const verdict = retryOrFail(job);
  log.append('warn', verdict === 'retry' ? 'job handed back for another attempt' : 'job failed', {
    error,
    delay_ms: delayMs,
  });
  await log.flush();
  if (verdict === 'retry') {
    const retried = await deps.store.retry(job.id, deps.workerId, job.attempt, error);
    if (retried) {
      await deps.queues.enqueue(retried, delayMs);
      return true;
    }
    return false;
  }
  await deps.store.finish(job.id, deps.workerId, { state: 'failed', error });
  return false;
}
