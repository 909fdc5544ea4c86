import { randomBytes, randomInt } from 'node:crypto';
import { pidsRunning } from '../support/processes';
import { waitFor } from '../support/stack';
import {
  createJobsApp,
  finishedJob,
  jobOf,
  startJobsStack,
  validate,
  type JobsApp,
  type JobsStack,
} from '../support/jobs-app';

const JWT_SECRET = `jwt-marker-${randomBytes(16).toString('hex')}`;
const MASTER_KEY = randomBytes(32).toString('base64');

// Real processes on a shared 2-core machine: hooks and tests get the integration budget.
jest.setTimeout(120_000);

let jobs: JobsStack;
let app: JobsApp;
let metricsPort: number;

beforeAll(async () => {
  const { findFreePort } = await import('@conman/runtime');
  metricsPort = await findFreePort();
  jobs = await startJobsStack({
    env: {
      CONMAN_JWT_SECRET: JWT_SECRET,
      CONMAN_SECRETS_MASTER_KEY: MASTER_KEY,
      CONMAN_WORKER_METRICS_PORT: String(metricsPort),
    },
  });
  app = await createJobsApp(jobs, { 'config/app.json': '{"name": "demo"}', 'notes.yaml': 'a: 1\n' });
});

afterAll(() => jobs?.stop());

/**
 * A shell with a background and a foreground `sleep` of a duration no other process uses, so the
 * host finds them by command line (the command runs in its own PID namespace, docs/security.md).
 */
function sleeper(): { command: string; sleeps: () => number[] } {
  const seconds = String(randomInt(20_000, 90_000));
  return {
    command: `sleep ${seconds} & sleep ${seconds}; wait`,
    sleeps: () => pidsRunning(['sleep', seconds]),
  };
}

describe('validation gates on a real server and worker', () => {
  it('fail on broken JSON, naming the file and position', async () => {
    await app.setGate({ command: null });
    const commit = await app.commit({ 'config/broken.json': '{"name": ' });
    const job = await finishedJob(app, (await validate(app, { commit_sha: commit })).id);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'gate_failed' } });
    expect(job.result.checks.failures).toEqual([
      expect.objectContaining({ check: 'parse', file: 'config/broken.json', line: expect.any(Number) }),
    ]);
    await app.commit({ 'config/broken.json': '{"name": "fixed"}' });
  });

  it('fail on a schema violation with the instance path and message', async () => {
    await app.setGate({ command: null });
    await app.commit({
      '.conman/schemas.json': JSON.stringify([{ glob: 'config/*.json', schema: 'schemas/config.json' }]),
      'schemas/config.json': JSON.stringify({
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string' } },
      }),
    });
    const passing = await finishedJob(app, (await validate(app)).id);
    expect(passing.state).toBe('succeeded');
    await app.commit({ 'config/app.json': '{"name": 5}' });
    const job = await finishedJob(app, (await validate(app)).id);
    expect(job.state).toBe('failed');
    expect(job.result.checks.failures).toEqual([
      expect.objectContaining({
        check: 'schema',
        file: 'config/app.json',
        instancePath: '/name',
        schema: 'schemas/config.json',
        message: expect.stringContaining('string'),
      }),
    ]);
    await app.commit({ 'config/app.json': '{"name": "demo"}' });
  });

  it('succeed when the command passes, and fail with the output tail on exit 3', async () => {
    await app.setGate({ command: ['sh', '-c', 'echo "checked $CONMAN_GATE"'] });
    const passed = await finishedJob(app, (await validate(app)).id);
    expect(passed).toMatchObject({ state: 'succeeded', result: { outcome: 'passed' } });
    expect(passed.result.command).toMatchObject({ exitCode: 0, outputTail: 'checked manual\n' });

    await app.setGate({ command: 'echo "step one"; echo "assertion failed: price < 0" >&2; exit 3' });
    const failed = await finishedJob(app, (await validate(app)).id);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'gate_failed' } });
    expect(failed.result.command.exitCode).toBe(3);
    expect(failed.result.command.outputTail).toContain('assertion failed: price < 0');
    const { logs } = await jobOf(app, failed.id);
    expect(logs.map((line) => line.message)).toEqual(expect.arrayContaining(['step one']));
  });

  it('kill the whole process group of a command that outlives its timeout', async () => {
    const sleeping = sleeper();
    await app.setGate({ command: sleeping.command, timeoutSeconds: 1 });
    const job = await finishedJob(app, (await validate(app)).id);
    expect(job).toMatchObject({
      state: 'failed',
      error: { code: 'timeout' },
      result: { outcome: 'timeout' },
    });
    await waitFor(() => sleeping.sleeps().length === 0, 10_000);
  });

  it('cancel a running job over HTTP, killing its command', async () => {
    const sleeping = sleeper();
    await app.setGate({ command: sleeping.command, timeoutSeconds: 120 });
    const started = await validate(app);
    await waitFor(() => sleeping.sleeps().length === 2, 20_000);
    const cancel = await app.request('POST', `/api/apps/${app.id}/jobs/${started.id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.json.data).toMatchObject({ cancel_requested: true });
    const job = await finishedJob(app, started.id);
    expect(job.state).toBe('canceled');
    await waitFor(() => sleeping.sleeps().length === 0, 10_000);
    const again = await app.request('POST', `/api/apps/${app.id}/jobs/${started.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('invalid_transition');
  });

  it("give the command default_env_vars and CONMAN_* context, never the server's secrets", async () => {
    await app.setGate({ command: 'env' }, { API_BASE: 'https://api.example.test', FEATURE_LEVEL: '3' });
    const started = await validate(app);
    const job = await finishedJob(app, started.id);
    expect(job.state).toBe('succeeded');
    const lines = (await jobOf(app, job.id)).logs.map((line) => line.message);
    const env = new Map(
      lines
        .filter((line) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(line))
        .map((line) => {
          const at = line.indexOf('=');
          return [line.slice(0, at), line.slice(at + 1)] as const;
        }),
    );
    expect(env.get('API_BASE')).toBe('https://api.example.test');
    expect(env.get('FEATURE_LEVEL')).toBe('3');
    expect(env.get('CONMAN_JOB_ID')).toBe(job.id);
    expect(env.get('CONMAN_APP_ID')).toBe(app.id);
    expect(env.get('CONMAN_GATE')).toBe('manual');
    expect(env.get('CONMAN_COMMIT_SHA')).toMatch(/^[0-9a-f]{40}$/);
    expect([...env.keys()].filter((name) => name.startsWith('CONMAN_')).sort()).toEqual([
      'CONMAN_APP_ID',
      'CONMAN_COMMIT_SHA',
      'CONMAN_GATE',
      'CONMAN_JOB_ID',
    ]);
    const dump = lines.join('\n');
    for (const secret of [
      JWT_SECRET,
      MASTER_KEY,
      process.env.CONMAN_TEST_RESOLVED_MONGO_URI as string,
      jobs.redis.url,
      'mongodb://',
      'redis://',
    ]) {
      expect(dump).not.toContain(secret);
    }
  });

  it('tail a running job log with ?after=, each line once and in order', async () => {
    await app.setGate({ command: 'for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 0.4; done' });
    const started = await validate(app);
    let cursor = 0;
    const seen: string[] = [];
    let nonEmptyPolls = 0;
    let state = 'queued';
    await waitFor(async () => {
      const page = await jobOf(app, started.id, cursor);
      if (page.logs.length > 0) nonEmptyPolls += 1;
      expect(page.logs.every((line) => line.seq > cursor)).toBe(true);
      seen.push(...page.logs.map((line) => line.message));
      cursor = page.next_after;
      const wasFinished = ['succeeded', 'failed', 'canceled'].includes(state);
      state = page.job.state;
      return wasFinished;
    }, 30_000);
    expect(state).toBe('succeeded');
    expect(seen.filter((line) => line.startsWith('tick '))).toEqual(
      ['1', '2', '3', '4', '5', '6'].map((n) => `tick ${n}`),
    );
    expect(nonEmptyPolls).toBeGreaterThan(2);
    expect((await jobOf(app, started.id, cursor)).logs).toEqual([]);
  });

  it('report job counts, durations and pickup latency on the worker, queue depth on the server', async () => {
    const worker = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(worker.status).toBe(200);
    const text = await worker.text();
    expect(text).toMatch(/jobs_started_total\{type="msuite_validate",family="validation"\} \d+/);
    expect(text).toMatch(/jobs_finished_total\{type="msuite_validate",outcome="failed"\} \d+/);
    expect(text).toMatch(/jobs_finished_total\{type="msuite_validate",outcome="canceled"\} 1/);
    expect(text).toMatch(/job_duration_seconds_count\{type="msuite_validate",outcome="succeeded"\} \d+/);
    expect(text).toMatch(/job_pickup_latency_seconds_count\{family="validation"\} \d+/);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
    const server = await jobs.stack.request('GET', '/api/metrics');
    expect(server.text).toMatch(/job_queue_depth\{family="validation"\} 0/);
  });
});
