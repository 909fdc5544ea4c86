import {
  ensureIndexes,
  JobLogStore,
  JobStore,
  jobIndexSpecs,
  jobLogIndexSpecs,
  LOG_LIMIT_MESSAGE,
} from '@conman/db';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';

let database: TestDatabase;
let jobs: JobStore;
beforeAll(async () => {
  database = await openTestDatabase();
  await ensureIndexes(database.db, [...jobIndexSpecs, ...jobLogIndexSpecs]);
  jobs = new JobStore(database.db);
});
afterAll(() => database.close());

const base = {
  type: 'msuite_submit' as const,
  appId: 'app-1',
  entityType: 'changeset',
  entityId: 'cs-1',
  payload: { gate: 'submit' },
};

describe('JobStore', () => {
  it('creates a queued job with the type defaults', async () => {
    const { job, created } = await jobs.create(base);
    expect(created).toBe(true);
    expect(job).toMatchObject({
      state: 'queued',
      family: 'validation',
      attempt: 1,
      maxAttempts: 3,
      timeoutMs: 600_000,
      cancelRequested: false,
    });
    expect(await jobs.get(job.id)).toEqual(job);
    expect(await jobs.get('not-an-id')).toBeNull();
  });

  it('dedupes on the idempotency key, even when created concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => jobs.create({ ...base, idempotencyKey: 'msuite_submit:cs-1:rev-1' })),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.job.id)).size).toBe(1);
  });

  it('lets exactly one of two workers start a job', async () => {
    const { job } = await jobs.create(base);
    const [a, b] = await Promise.all([jobs.start(job.id, 'w1', 30_000), jobs.start(job.id, 'w2', 30_000)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const winner = (a ?? b)!;
    expect(winner).toMatchObject({ state: 'running', workerId: expect.stringMatching(/^w[12]$/) });
    expect(winner.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('finishes only jobs the worker holds, once', async () => {
    const { job } = await jobs.create(base);
    await jobs.start(job.id, 'w1', 30_000);
    expect(await jobs.finish(job.id, 'w2', { state: 'succeeded' })).toBeNull();
    const done = await jobs.finish(job.id, 'w1', {
      state: 'failed',
      result: { exit: 3 },
      error: { code: 'gate_failed', message: 'exit 3' },
    });
    expect(done).toMatchObject({
      state: 'failed',
      result: { exit: 3 },
      error: { code: 'gate_failed' },
      workerId: null,
    });
    expect(done!.finishedAt).toBeInstanceOf(Date);
    expect(await jobs.finish(job.id, 'w1', { state: 'succeeded' })).toBeNull();
  });

  it('counts a retry once when a worker and the reconciler race', async () => {
    const { job } = await jobs.create(base);
    await jobs.start(job.id, 'w1', 30_000);
    const error = { code: 'infrastructure' as const, message: 'git down' };
    const [a, b] = await Promise.all([
      jobs.retry(job.id, 'w1', 1, error),
      jobs.retry(job.id, null, 1, error),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await jobs.get(job.id)).toMatchObject({ state: 'queued', attempt: 2, workerId: null, error });
  });

  it('cancels queued jobs at once and flags running ones', async () => {
    const queued = (await jobs.create(base)).job;
    expect(await jobs.cancelQueued(queued.id)).toMatchObject({
      state: 'canceled',
      error: { code: 'canceled' },
    });
    expect(await jobs.start(queued.id, 'w1', 1000)).toBeNull();
    const running = (await jobs.create(base)).job;
    await jobs.start(running.id, 'w1', 30_000);
    expect(await jobs.cancelQueued(running.id)).toBeNull();
    expect(await jobs.flagCancel(running.id)).toMatchObject({ state: 'running', cancelRequested: true });
    expect(await jobs.heartbeat(running.id, 'w1', 30_000)).toMatchObject({ cancelRequested: true });
  });

  it('finds running jobs with an expired lease', async () => {
    const { job } = await jobs.create(base);
    await jobs.start(job.id, 'w-dead', 1, new Date(Date.now() - 10_000));
    const expired = await jobs.findExpiredLeases(new Date());
    expect(expired.map((item) => item.id)).toContain(job.id);
    expect(await jobs.heartbeat(job.id, 'w-other', 1000)).toBeNull();
  });

  it('lists with filters and pagination', async () => {
    for (let index = 0; index < 3; index += 1)
      await jobs.create({ ...base, appId: 'app-list', entityId: `e${index}` });
    await jobs.create({ ...base, type: 'deploy_release', appId: 'app-list' });
    const page1 = await jobs.list({ appId: 'app-list', type: 'msuite_submit' }, { page: 1, limit: 2 });
    const page2 = await jobs.list({ appId: 'app-list', type: 'msuite_submit' }, { page: 2, limit: 2 });
    expect(page1.total).toBe(3);
    expect(page1.items).toHaveLength(2);
    expect(page2.items).toHaveLength(1);
    expect(
      (await jobs.list({ appId: 'app-list', entityId: 'e1' }, { page: 1, limit: 20 })).items,
    ).toHaveLength(1);
    expect((await jobs.list({ appId: 'app-list', state: 'running' }, { page: 1, limit: 20 })).total).toBe(0);
  });
});

describe('JobLogStore', () => {
  it('appends with increasing sequence numbers usable as a cursor, under concurrency', async () => {
    const logs = new JobLogStore(database.db);
    const { job } = await jobs.create(base);
    await Promise.all(
      Array.from({ length: 4 }, (_, batch) =>
        logs.append(job.id, [
          { level: 'info', message: `b${batch}-1` },
          { level: 'info', message: `b${batch}-2` },
        ]),
      ),
    );
    const all = await logs.list(job.id);
    expect(all.map((line) => line.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const tail = await logs.list(job.id, { after: 6 });
    expect(tail.map((line) => line.seq)).toEqual([7, 8]);
  });

  it('bounds the log volume per job with a marker line', async () => {
    const logs = new JobLogStore(database.db, 5);
    const { job } = await jobs.create(base);
    expect(
      await logs.append(job.id, [
        { level: 'info', message: 'a' },
        { level: 'info', message: 'b' },
        { level: 'info', message: 'c' },
      ]),
    ).toBe(3);
    expect(
      await logs.append(job.id, [
        { level: 'info', message: 'd' },
        { level: 'info', message: 'e' },
        { level: 'info', message: 'f' },
      ]),
    ).toBe(2);
    expect(await logs.append(job.id, [{ level: 'info', message: 'g' }])).toBe(0);
    const lines = await logs.list(job.id);
    expect(lines.map((line) => line.message)).toEqual(['a', 'b', 'c', 'd', LOG_LIMIT_MESSAGE]);
  });
});
