import { Queue } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { JOB_FAMILIES, type JobFamily, type JobRecord } from '@conman/core';

/**
 * Keys, queues and channels of one Conman installation live under this prefix (CONMAN_REDIS_PREFIX), so
 * installations — or parallel test stacks — sharing a Redis never take each other's queue messages.
 */
export const DEFAULT_REDIS_PREFIX = 'conman';

/** Where cancel requests for running jobs are published. */
export function cancelChannelOf(prefix: string): string {
  return `${prefix}:jobs:cancel`;
}

export function queueNameOf(family: JobFamily): string {
  return `conman-${family}`;
}

/**
 * The BullMQ job id of one attempt of a MongoDB job. BullMQ ignores an `add` whose id already exists,
 * so enqueueing the same attempt twice (producer retry, reconciler) delivers it once; a new attempt gets
 * a new id because the previous attempt's BullMQ job may still be finishing.
 */
export function bullJobIdOf(job: Pick<JobRecord, 'id' | 'attempt'>): string {
  return `${job.id}-${job.attempt}`;
}

export interface QueueMessage {
  jobId: string;
  attempt: number;
}

/** BullMQ workers need connections that never give up on a command (`maxRetriesPerRequest: null`). */
export function createBullConnection(redisUrl: string): Redis {
  return new IORedis(redisUrl, { maxRetriesPerRequest: null });
}

/**
 * The queue connection of a process that only enqueues (the API): an HTTP request must not wait for a
 * stalled or absent Redis, so commands time out (CONMAN_DEPENDENCY_TIMEOUT_MS) and fail at once while
 * disconnected; the job stays `queued` in MongoDB and the reconciler delivers it later.
 */
export function createProducerConnection(redisUrl: string, commandTimeoutMs: number): Redis {
  return new IORedis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: commandTimeoutMs,
    commandTimeout: commandTimeoutMs,
  });
}

/** One BullMQ queue per family over a shared connection; used by producers and the reconciler. */
export class JobQueues {
  private readonly queues: Map<JobFamily, Queue<QueueMessage>>;

  constructor(
    readonly connection: Redis,
    readonly prefix: string = DEFAULT_REDIS_PREFIX,
  ) {
    this.queues = new Map(
      JOB_FAMILIES.map((family) => [
        family,
        new Queue<QueueMessage>(queueNameOf(family), { connection, prefix }),
      ]),
    );
  }

  queue(family: JobFamily): Queue<QueueMessage> {
    return this.queues.get(family) as Queue<QueueMessage>;
  }

  async enqueue(job: JobRecord, delayMs = 0): Promise<void> {
    await this.queue(job.family).add(
      job.type,
      { jobId: job.id, attempt: job.attempt },
      { jobId: bullJobIdOf(job), delay: delayMs, attempts: 1, removeOnComplete: true, removeOnFail: true },
    );
  }

  /** Drops the BullMQ entry of a job canceled while queued; a missing entry is fine. */
  async discard(job: JobRecord): Promise<void> {
    await this.queue(job.family)
      .remove(bullJobIdOf(job))
      .catch(() => 0);
  }

  /** Waiting + delayed + active entries per family, for the queue-depth gauge. */
  async depths(): Promise<Record<JobFamily, number>> {
    const entries = await Promise.all(
      JOB_FAMILIES.map(async (family) => {
        const counts = await this.queue(family).getJobCounts('waiting', 'delayed', 'active', 'prioritized');
        return [family, Object.values(counts).reduce((sum, count) => sum + count, 0)] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<JobFamily, number>;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
