import { InfrastructureError, type JobHandler } from '@conman/jobs';
import { startJobHarness, type JobHarness } from './support/job-harness';
import { waitFor } from '@conman/test-support';

let harness: JobHarness;
beforeAll(async () => {
  harness = await startJobHarness();
});
afterAll(() => harness.stop());

const finished = (id: string) =>
  waitFor(async () => {
    const job = await harness.store.get(id);
    return job && ['succeeded', 'failed', 'canceled'].includes(job.state) ? job : undefined;
  });

const handlers: Record<string, JobHandler> = {};
beforeAll(async () => {
  await harness.startWorkers({
    handlers: {
      runtime_profile_drift_check: (context) =>
        (handlers[String(context.job.payload.scenario)] as JobHandler)(context),
    },
    concurrency: { environment: 4 },
  });
});

function enqueue(
  scenario: string,
  handler: JobHandler,
  extra: { maxAttempts?: number; timeoutMs?: number; idempotencyKey?: string } = {},
) {
  handlers[scenario] = handler;
  return harness.producer.enqueue({
    type: 'runtime_profile_drift_check',
    appId: 'app-1',
    payload: { scenario },
    ...extra,
  });
}

describe('job workers', () => {
  it('run a job to success with its log readable by cursor', async () => {
    let calls = 0;
    const job = await enqueue(
      'ok',
      async ({ log }) => {
        calls += 1;
        log.append('info', 'checking drift');
        return { state: 'succeeded', result: { drift: false } };
      },
      { idempotencyKey: 'drift:env-1:rev-1' },
    );
    const again = await enqueue('ok', handlers.ok as JobHandler, { idempotencyKey: 'drift:env-1:rev-1' });
    expect(again.id).toBe(job.id);
    const done = await finished(job.id);
    expect(done).toMatchObject({ state: 'succeeded', result: { drift: false }, attempt: 1, workerId: null });
    expect(calls).toBe(1);
    const lines = await harness.logs.list(job.id);
    expect(lines.map((line) => line.message)).toEqual(['job started', 'checking drift', 'job succeeded']);
    expect((await harness.logs.list(job.id, { after: lines[0]!.seq })).map((line) => line.message)).toEqual([
      'checking drift',
      'job succeeded',
    ]);
  });

  it('retry infrastructure errors with backoff and succeed on a later attempt', async () => {
    const attempts: number[] = [];
    const job = await enqueue('flaky', async ({ job: current }) => {
      attempts.push(current.attempt);
      if (current.attempt < 3) throw new InfrastructureError('git backend unavailable');
      return { state: 'succeeded' };
    });
    expect(await finished(job.id)).toMatchObject({ state: 'succeeded', attempt: 3 });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('fail with infrastructure once attempts are used up', async () => {
    const job = await enqueue(
      'down',
      async () => {
        throw new InfrastructureError('redis hiccup');
      },
      { maxAttempts: 2 },
    );
    expect(await finished(job.id)).toMatchObject({
      state: 'failed',
      attempt: 2,
      error: { code: 'infrastructure', message: 'redis hiccup' },
    });
  });

  it('never retry a failing result or a handler bug', async () => {
    const red = await enqueue('red', async () => ({
      state: 'failed',
      error: { code: 'gate_failed', message: 'exit 3' },
    }));
    const bug = await enqueue('bug', async () => {
      throw new TypeError('undefined is not a function');
    });
    expect(await finished(red.id)).toMatchObject({
      state: 'failed',
      attempt: 1,
      error: { code: 'gate_failed' },
    });
    expect(await finished(bug.id)).toMatchObject({
      state: 'failed',
      attempt: 1,
      error: { code: 'handler_error' },
    });
  });

  it('fail a job that exceeds its timeout', async () => {
    const job = await enqueue(
      'slow',
      ({ signal }) =>
        new Promise((resolve) => signal.addEventListener('abort', () => resolve({ state: 'succeeded' }))),
      { timeoutMs: 150 },
    );
    expect(await finished(job.id)).toMatchObject({ state: 'failed', error: { code: 'timeout' } });
  });

  it('cancel a running job through its abort signal', async () => {
    let aborted = false;
    const job = await enqueue(
      'cancel-me',
      ({ signal }) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ state: 'succeeded' });
          }),
        ),
    );
    await waitFor(async () => (await harness.store.get(job.id))?.state === 'running');
    expect(await harness.producer.requestCancel(job.id)).toMatchObject({
      state: 'running',
      cancelRequested: true,
    });
    expect(await finished(job.id)).toMatchObject({ state: 'canceled', error: { code: 'canceled' } });
    expect(aborted).toBe(true);
    await expect(harness.producer.requestCancel(job.id)).rejects.toMatchObject({
      code: 'invalid_transition',
    });
    await expect(harness.producer.requestCancel('0123456789abcdef01234567')).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
