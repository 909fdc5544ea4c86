import { silentLogger } from '@conman/core';
import { JobLogStore, JobStore } from '@conman/db';
import {
  JobProducer,
  JobQueues,
  createBullConnection,
  startJobWorkers,
  type JobWorkers,
  type StartJobWorkersOptions,
} from '@conman/jobs';
import { startJobTestServices, type JobTestServices } from './services';

export interface JobHarness {
  services: JobTestServices;
  store: JobStore;
  logs: JobLogStore;
  queues: JobQueues;
  producer: JobProducer;
  startWorkers(
    options: Pick<StartJobWorkersOptions, 'handlers'> & Partial<StartJobWorkersOptions>,
  ): Promise<JobWorkers>;
  stop(): Promise<void>;
}

/** Real MongoDB + a private redis-server, a producer, and workers started on demand (closed at stop). */
export async function startJobHarness(): Promise<JobHarness> {
  const services = await startJobTestServices();
  const connection = createBullConnection(services.redisUrl);
  const queues = new JobQueues(connection);
  const store = new JobStore(services.db);
  const workers: JobWorkers[] = [];
  return {
    services,
    store,
    logs: new JobLogStore(services.db),
    queues,
    producer: new JobProducer(store, queues, connection),
    startWorkers: async (options) => {
      const started = await startJobWorkers({
        redisUrl: services.redisUrl,
        db: services.db,
        logger: silentLogger,
        leaseMs: 2000,
        retryBaseMs: 20,
        reconcileIntervalMs: null,
        shutdownGraceMs: 2000,
        ...options,
      });
      workers.push(started);
      return started;
    },
    stop: async () => {
      await Promise.all(workers.map((worker) => worker.close()));
      await queues.close();
      await connection.quit();
      await services.stop();
    },
  };
}
