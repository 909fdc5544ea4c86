import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  JOB_FAMILIES,
  JOB_TYPES,
  jobFamilyOf,
  type JobFamily,
  type JobType,
  type Logger,
} from '@conman/core';
import { JobLogStore, JobStore, type MongoConnection, type RefMoveJournal } from '@conman/db';
import { settlePendingRefMoves, type RefProbe } from '../refs/settle-ref-moves';
import { executeQueueMessage, type ExecutionDeps } from './execute-job';
import type { JobAbortReason, JobHandler } from './handler';
import { noopJobMetrics, type JobMetrics } from './metrics';
import {
  DEFAULT_REDIS_PREFIX,
  JobQueues,
  cancelChannelOf,
  createBullConnection,
  queueNameOf,
  type QueueMessage,
} from './queues';
import { reconcileJobs, type ReconcileReport } from './reconciler';
import { DEFAULT_RETRY_BACKOFF } from './retry-policy';

export interface StartJobWorkersOptions {
  redisUrl: string;
  /** CONMAN_REDIS_PREFIX; the producers of the same installation must use the same one. */
  redisPrefix?: string;
  db: MongoConnection['db'];
  handlers: Partial<Record<JobType, JobHandler>>;
  concurrency?: Partial<Record<JobFamily, number>>;
  logger: Logger;
  metrics?: JobMetrics;
  workerId?: string;
  /** How long a running job stays owned without a heartbeat (default 30 s). */
  leaseMs?: number;
  /** First retry delay of infrastructure failures (default 1 s, doubling; see retry-policy.ts). */
  retryBaseMs?: number;
  /** On close, how long in-flight jobs may finish before they are handed back (default 10 s). */
  shutdownGraceMs?: number;
  /** Periodic reconciler; `null` disables it (default 10 s). */
  reconcileIntervalMs?: number | null;
  /** Ref moves a crash left pending, settled by the same periodic pass (docs/audit.md). */
  refMoves?: { journal: RefMoveJournal; git: RefProbe; graceMs: number };
}

export interface JobWorkers {
  workerId: string;
  families: JobFamily[];
  reconcile(): Promise<ReconcileReport>;
  close(): Promise<void>;
}

/** One BullMQ Worker per family that has handlers, plus cancel signalling and the periodic reconciler. */
export async function startJobWorkers(options: StartJobWorkersOptions): Promise<JobWorkers> {
  const workerId = options.workerId ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const connection = createBullConnection(options.redisUrl);
  const subscriber = createBullConnection(options.redisUrl);
  const prefix = options.redisPrefix ?? DEFAULT_REDIS_PREFIX;
  const queues = new JobQueues(connection, prefix);
  const store = new JobStore(options.db);
  const inFlight = new Map<string, AbortController>();
  const deps: ExecutionDeps = {
    store,
    logs: new JobLogStore(options.db),
    queues,
    handlers: options.handlers,
    workerId,
    leaseMs: options.leaseMs ?? 30_000,
    retryBackoff: {
      ...DEFAULT_RETRY_BACKOFF,
      ...(options.retryBaseMs === undefined ? {} : { baseMs: options.retryBaseMs }),
    },
    metrics: options.metrics ?? noopJobMetrics,
    logger: options.logger,
    inFlight,
  };
  subscriber.on('message', (_channel: string, jobId: string) =>
    inFlight.get(jobId)?.abort('cancel' satisfies JobAbortReason),
  );
  await subscriber.subscribe(cancelChannelOf(prefix));

  // BullMQ leaves connections it was given open; these are closed with the workers.
  const workerConnections: Redis[] = [];
  const families = JOB_FAMILIES.filter((family) =>
    JOB_TYPES.some((type) => options.handlers[type] && jobFamilyOf(type) === family),
  );
  const workers = families.map(
    (family) =>
      new Worker<QueueMessage>(
        queueNameOf(family),
        (bullJob) => executeQueueMessage(deps, bullJob.data, bullJob.timestamp + (bullJob.opts.delay ?? 0)),
        {
          connection: track(workerConnections, createBullConnection(options.redisUrl)),
          prefix,
          concurrency: options.concurrency?.[family] ?? 2,
        },
      ),
  );
  for (const worker of workers)
    worker.on('error', (error) => options.logger.warn('job worker error', { error: error.message }));

  const reconcile = () => reconcileJobs({ store, queues, logger: options.logger });
  const refMoves = options.refMoves;
  const pass = async () => {
    await reconcile().catch((error: unknown) =>
      options.logger.warn('job reconcile failed', { error: String(error) }),
    );
    if (refMoves)
      await settlePendingRefMoves({ ...refMoves, logger: options.logger }).catch((error: unknown) =>
        options.logger.warn('ref move settling failed', { error: String(error) }),
      );
  };
  const interval = options.reconcileIntervalMs === undefined ? 10_000 : options.reconcileIntervalMs;
  const reconcileTimer = interval === null ? undefined : setInterval(() => void pass(), interval);
  options.logger.info('job workers started', { worker_id: workerId, families });

  return {
    workerId,
    families,
    reconcile,
    close: async () => {
      if (reconcileTimer) clearInterval(reconcileTimer);
      const closing = Promise.all(workers.map((worker) => worker.close()));
      const grace = new Promise<'expired'>((resolve) =>
        setTimeout(() => resolve('expired'), options.shutdownGraceMs ?? 10_000).unref(),
      );
      if ((await Promise.race([closing, grace])) === 'expired') {
        for (const controller of inFlight.values()) controller.abort('shutdown' satisfies JobAbortReason);
        await closing;
      }
      await queues.close();
      await Promise.allSettled([subscriber, connection, ...workerConnections].map((redis) => redis.quit()));
    },
  };
}

function track(connections: Redis[], connection: Redis): Redis {
  connections.push(connection);
  return connection;
}
