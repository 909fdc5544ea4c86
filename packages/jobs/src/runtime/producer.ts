import type { Redis } from 'ioredis';
import { transitionJob, type JobRecord } from '@conman/core';
import { NotFoundError, isDependencyUnavailableError } from '@conman/core';
import type { CreateJobInput, JobStore } from '@conman/db';
import { cancelChannelOf, type JobQueues } from './queues';

/**
 * The API side: records the job in MongoDB first (the source of truth), then hands it to BullMQ. If the
 * enqueue fails after the insert, the job stays `queued` in MongoDB and the reconciler enqueues it.
 */
export class JobProducer {
  constructor(
    private readonly store: JobStore,
    private readonly queues: JobQueues,
    /** Publishes cancel requests to the worker holding a running job. */
    private readonly publisher: Redis,
  ) {}

  async enqueue(input: CreateJobInput): Promise<JobRecord> {
    const { job } = await this.store.create(input);
    if (job.state === 'queued') {
      // MongoDB holds the job; Redis is only transport. While Redis is unreachable the reconciler
      // delivers the queued job later, so the request succeeds rather than answering 503 for a job
      // that will run anyway (and inviting a duplicate from a retrying client).
      await this.queues.enqueue(job).catch((error: unknown) => {
        if (!isDependencyUnavailableError(error)) throw error;
      });
    }
    return job;
  }

  /**
   * Queued → canceled at once; running → flagged in MongoDB and signalled to its worker, which aborts
   * the handler and records `canceled`. A finished job cannot be canceled (`invalid_transition`).
   */
  async requestCancel(jobId: string): Promise<JobRecord> {
    const canceled = await this.store.cancelQueued(jobId);
    if (canceled) {
      await this.queues.discard(canceled);
      return canceled;
    }
    const flagged = await this.store.flagCancel(jobId);
    if (flagged) {
      await this.publisher.publish(cancelChannelOf(this.queues.prefix), jobId);
      return flagged;
    }
    const current = await this.store.get(jobId);
    if (!current) throw new NotFoundError('Job not found', { job_id: jobId });
    // Raced into another state between the two updates, or already finished: let the machine say which.
    transitionJob(current, { type: 'cancel' });
    return this.requestCancel(jobId);
  }
}
