import { silentLogger } from '@conman/core';
import { reconcileJobs, type JobHandler } from '@conman/jobs';
import { startJobHarness, type JobHarness } from './support/job-harness';
import { waitFor } from '@conman/test-support';

let harness: JobHarness;
beforeEach(async () => {
  harness = await startJobHarness();
});
afterEach(() => harness.stop());

const reconcile = () =>
  reconcileJobs({ store: harness.store, queues: harness.queues, logger: silentLogger, queuedGraceMs: 0 });

const allFinished = (ids: string[]) =>
  waitFor(async () => {
    const jobs = await Promise.all(ids.map((id) => harness.store.get(id)));
    return jobs.every((job) => job?.state === 'succeeded') ? jobs : undefined;
    // 200 jobs take ~10 s alone but over 30 s on the shared 2-core machine under full test load.
  }, 45_000);

function countingHandler(runs: Map<string, number>): JobHandler {
  return async ({ job }) => {
    runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
    return { state: 'succeeded' };
  };
}

describe('job reconciler', () => {
  it('requeues a job whose worker died, or fails it with worker_lost when out of attempts', async () => {
    const retryable = (await harness.store.create({ type: 'temp_env_expire', appId: 'a', payload: {} })).job;
    const lastTry = (
      await harness.store.create({ type: 'temp_env_expire', appId: 'a', payload: {}, maxAttempts: 1 })
    ).job;
    const longAgo = new Date(Date.now() - 60_000);
    await harness.store.start(retryable.id, 'dead-worker', 1000, longAgo);
    await harness.store.start(lastTry.id, 'dead-worker', 1000, longAgo);

    expect(await reconcile()).toEqual({ requeued: 1, failedWorkerLost: 1, reenqueued: 0 });
    expect(await harness.store.get(lastTry.id)).toMatchObject({
      state: 'failed',
      error: { code: 'worker_lost' },
    });
    expect(await harness.store.get(retryable.id)).toMatchObject({ state: 'queued', attempt: 2 });

    const runs = new Map<string, number>();
    await harness.startWorkers({ handlers: { temp_env_expire: countingHandler(runs) } });
    await allFinished([retryable.id]);
    expect(runs.get(retryable.id)).toBe(1);
    expect(await reconcile()).toEqual({ requeued: 0, failedWorkerLost: 0, reenqueued: 0 });
  });

  it('re-enqueues queued jobs after Redis lost its data; each runs once', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      ids.push(
        (await harness.producer.enqueue({ type: 'temp_env_expiry_scan', appId: null, payload: { index } }))
          .id,
      );
    }
    await harness.queues.connection.flushall();
    expect(await harness.queues.depths()).toMatchObject({ maintenance: 0 });
    expect(await reconcile()).toMatchObject({ reenqueued: 10 });
    expect(await reconcile()).toMatchObject({ reenqueued: 0 });
    const runs = new Map<string, number>();
    await harness.startWorkers({ handlers: { temp_env_expiry_scan: countingHandler(runs) } });
    await allFinished(ids);
    expect(ids.map((id) => runs.get(id))).toEqual(ids.map(() => 1));
  });

  it('two workers on the same queues never run one job twice', async () => {
    const runs = new Map<string, number>();
    const handlers = { notification_delivery: countingHandler(runs) };
    await harness.startWorkers({ handlers, concurrency: { notification: 4 } });
    await harness.startWorkers({ handlers, concurrency: { notification: 4 } });
    const jobs = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        harness.producer.enqueue({ type: 'notification_delivery', appId: null, payload: { index } }),
      ),
    );
    // A second enqueue of every job (e.g. a reconciler pass racing the producer) must not double-run it.
    await Promise.all(jobs.map((job) => harness.queues.enqueue(job)));
    const ids = jobs.map((job) => job.id);
    await allFinished(ids);
    expect(runs.size).toBe(200);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
  }, 60_000);

  it('hands a running job back on shutdown when it does not finish in time', async () => {
    const workers = await harness.startWorkers({
      handlers: {
        release_assemble: ({ signal }) =>
          new Promise((resolve) => signal.addEventListener('abort', () => resolve({ state: 'succeeded' }))),
      },
      shutdownGraceMs: 100,
    });
    const job = await harness.producer.enqueue({ type: 'release_assemble', appId: 'a', payload: {} });
    await waitFor(async () => (await harness.store.get(job.id))?.state === 'running');
    await workers.close();
    expect(await harness.store.get(job.id)).toMatchObject({
      state: 'queued',
      attempt: 2,
      error: { code: 'worker_lost' },
    });
    const runs = new Map<string, number>();
    await harness.startWorkers({ handlers: { release_assemble: countingHandler(runs) } });
    await allFinished([job.id]);
    expect(runs.get(job.id)).toBe(1);
  });
});
