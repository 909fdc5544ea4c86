import {
  canRetry,
  isDependencyUnavailableError,
  jobRetryDelayMs,
  type JobError,
  type JobRecord,
  type JobType,
  type Logger,
} from '@conman/core';
import type { JobLogStore, JobStore } from '@conman/db';
import { InfrastructureError } from './errors';
import type { JobAbortReason, JobHandler, JobHandlerOutcome } from './handler';
import type { JobMetrics } from './metrics';
import type { JobQueues, QueueMessage } from './queues';
import { StoreLogSink } from './store-log-sink';

export interface ExecutionDeps {
  store: JobStore;
  logs: JobLogStore;
  queues: JobQueues;
  handlers: Partial<Record<JobType, JobHandler>>;
  workerId: string;
  leaseMs: number;
  retryBaseMs: number;
  metrics: JobMetrics;
  logger: Logger;
  /** Running jobs of this process, so cancel signals and shutdown can reach their handlers. */
  inFlight: Map<string, AbortController>;
}

type HandlerEnd = { kind: 'returned'; outcome: JobHandlerOutcome } | { kind: 'threw'; error: unknown };

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
    const end: HandlerEnd = handler
      ? await handler({ job, log, signal: controller.signal }).then(
          (outcome): HandlerEnd => ({ kind: 'returned', outcome }),
          (error: unknown): HandlerEnd => ({ kind: 'threw', error }),
        )
      : { kind: 'threw', error: new Error(`No handler for job type ${job.type}`) };
    clearInterval(heartbeat);
    clearTimeout(timeout);
    const abortReason = controller.signal.aborted ? (controller.signal.reason as JobAbortReason) : undefined;
    const label = await settle(deps, job, end, abortReason, log);
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

function errorOf(code: JobError['code'], error: unknown): JobError {
  return { code, message: error instanceof Error ? error.message : String(error) };
}

/** Records how the attempt ended; returns the metrics label. */
async function settle(
  deps: ExecutionDeps,
  job: JobRecord,
  end: HandlerEnd,
  abortReason: JobAbortReason | undefined,
  log: StoreLogSink,
): Promise<'succeeded' | 'failed' | 'canceled' | 'retried' | 'handed_back'> {
  const result = end.kind === 'returned' ? end.outcome.result : undefined;
  const finish = async (state: 'succeeded' | 'failed' | 'canceled', error?: JobError) => {
    log.append(state === 'succeeded' ? 'info' : 'warn', `job ${state}`, error ? { error } : undefined);
    // A reader who sees the final state must also see every line of the run.
    await log.flush();
    await deps.store.finish(job.id, deps.workerId, {
      state,
      ...(result ? { result } : {}),
      ...(error ? { error } : {}),
    });
    return state;
  };
  // The reconciler owns a job whose lease this worker lost; writing here would race it.
  if (abortReason === 'lease_lost') return 'handed_back';
  if (abortReason === 'cancel')
    return finish('canceled', { code: 'canceled', message: 'Canceled while running' });
  if (abortReason === 'timeout')
    return finish('failed', { code: 'timeout', message: `Exceeded ${job.timeoutMs} ms` });
  if (abortReason === 'shutdown') {
    return (await retryOrFail(
      deps,
      job,
      { code: 'worker_lost', message: 'Worker shut down during the job' },
      0,
      log,
    ))
      ? 'handed_back'
      : 'failed';
  }
  if (end.kind === 'returned') {
    return end.outcome.state === 'succeeded' ? finish('succeeded') : finish('failed', end.outcome.error);
  }
  // A MongoDB or Redis timeout inside the handler says nothing about the job: retry it like any other
  // infrastructure failure.
  if (end.error instanceof InfrastructureError || isDependencyUnavailableError(end.error)) {
    const delay = jobRetryDelayMs(job.attempt + 1, deps.retryBaseMs);
    return (await retryOrFail(deps, job, errorOf('infrastructure', end.error), delay, log))
      ? 'retried'
      : 'failed';
  }
  deps.logger.error('job handler failed', { job_id: job.id, type: job.type, error: String(end.error) });
  return finish('failed', errorOf('handler_error', end.error));
}

/** Back to `queued` (attempt + 1) and re-enqueued while attempts remain, else `failed`. */
async function retryOrFail(
  deps: ExecutionDeps,
  job: JobRecord,
  error: JobError,
  delayMs: number,
  log: StoreLogSink,
): Promise<boolean> {
  log.append('warn', canRetry(job) ? 'job handed back for another attempt' : 'job failed', {
    error,
    delay_ms: delayMs,
  });
  await log.flush();
  if (canRetry(job)) {
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
