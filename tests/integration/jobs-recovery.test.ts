import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { findFreePort } from '@conman/runtime';
import { spawnService, waitFor, type ServiceProcess } from '../support/stack';
import {
  createJobsApp,
  finishedJob,
  startJobsStack,
  validate,
  type JobView,
  type JobsApp,
  type JobsStack,
} from '../support/jobs-app';

// Real processes on a shared 2-core machine: hooks and tests get the integration budget.
jest.setTimeout(150_000);

let jobs: JobsStack;
/** Each test has its own app, so a gate setting or a job of one test never reaches another's. */
let app: JobsApp;
let scratch: string;
const extraWorkers: ServiceProcess[] = [];

beforeAll(async () => {
  // These tests watch gate commands through marker files on the host, which the command sandbox hides
  // from them by design (tests/integration/command-sandbox.test.ts): here commands run unsandboxed.
  jobs = await startJobsStack({ worker: true, env: { CONMAN_COMMAND_SANDBOX: 'none' } });
  scratch = mkdtempSync(path.join(jobs.stack.dataDir, 'scratch-'));
});

beforeEach(async () => {
  app = await createJobsApp(jobs, { 'a.json': '{}' });
});

afterAll(async () => {
  await Promise.all(extraWorkers.map((worker) => worker.stop()));
  await jobs?.stop();
});

/** Stops every worker process (SIGTERM, graceful), the stack's own included. */
async function stopWorkers(): Promise<void> {
  await Promise.all([jobs.stack.worker?.stop(), ...extraWorkers.splice(0).map((worker) => worker.stop())]);
}

function startWorker(env: Record<string, string> = {}): ServiceProcess {
  const worker = spawnService('worker', { ...jobs.stack.env, ...env });
  extraWorkers.push(worker);
  return worker;
}

/** Lines of a marker file: one job id per run of the gate command. */
const runsIn = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

async function countJobs(state: string): Promise<number> {
  const response = await app.request('GET', `/api/apps/${app.id}/jobs?state=${state}&limit=1`);
  return response.json.pagination.total as number;
}

async function allFinished(ids: string[], timeoutMs: number): Promise<JobView[]> {
  return Promise.all(ids.map((id) => finishedJob(app, id, timeoutMs)));
}

describe('job recovery with real worker processes', () => {
  it('hands the job of a SIGKILLed worker to another worker, leaving nothing running', async () => {
    const marker = path.join(scratch, 'crash.runs');
    await app.setGate(
      { command: 'echo "$CONMAN_JOB_ID" >> "$MARKER"; sleep 2; echo done' },
      { MARKER: marker },
    );
    const job = await validate(app);
    await waitFor(() => runsIn(marker).includes(job.id), 20_000);
    const first = jobs.stack.worker!;
    first.child.kill('SIGKILL');
    await first.stop();
    const started = Date.now();
    startWorker();
    const done = await finishedJob(app, job.id, 60_000);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(done).toMatchObject({ state: 'succeeded', attempt: 2 });
    expect(runsIn(marker)).toEqual([job.id, job.id]);
    expect(await countJobs('running')).toBe(0);
    expect(await countJobs('queued')).toBe(0);
  });

  it('runs every queued job exactly once after Redis lost its data (FLUSHALL)', async () => {
    await stopWorkers();
    const marker = path.join(scratch, 'flush.runs');
    await app.setGate({ command: 'echo "$CONMAN_JOB_ID" >> "$MARKER"' }, { MARKER: marker });
    const queued = await Promise.all(Array.from({ length: 12 }, () => validate(app)));
    const metrics = await jobs.stack.request('GET', '/api/metrics');
    // At least the 12 new entries (a killed worker's stalled entry may still be counted as active).
    const depth = /job_queue_depth\{family="validation"\} (\d+)/.exec(metrics.text);
    expect(Number(depth?.[1])).toBeGreaterThanOrEqual(12);
    const redis = new Redis(jobs.redis.url);
    try {
      await redis.flushall();
      expect(await redis.dbsize()).toBe(0);
    } finally {
      redis.disconnect();
    }
    startWorker();
    const done = await allFinished(
      queued.map((job) => job.id),
      60_000,
    );
    expect(done.map((job) => job.state)).toEqual(queued.map(() => 'succeeded'));
    expect(runsIn(marker).sort()).toEqual(queued.map((job) => job.id).sort());
  });

  it('never runs a job twice with two worker processes and 200 jobs', async () => {
    await stopWorkers();
    const marker = path.join(scratch, 'pair.runs');
    await app.setGate({ command: 'echo "$CONMAN_JOB_ID" >> "$MARKER"' }, { MARKER: marker });
    const ports = [await findFreePort(), await findFreePort()];
    for (const port of ports) startWorker({ CONMAN_WORKER_METRICS_PORT: String(port) });
    const ids: string[] = [];
    for (let batch = 0; batch < 10; batch += 1) {
      const created = await Promise.all(Array.from({ length: 20 }, () => validate(app)));
      ids.push(...created.map((job) => job.id));
    }
    await waitFor(
      () => runsIn(marker).length >= ids.length,
      120_000,
      () => `${runsIn(marker).length} runs`,
    );
    const done = await allFinished(ids, 30_000);
    expect(done.every((job) => job.state === 'succeeded' && job.attempt === 1)).toBe(true);
    const runs = runsIn(marker);
    const counts = new Map<string, number>();
    for (const run of runs) counts.set(run, (counts.get(run) ?? 0) + 1);
    expect([...counts].filter(([, count]) => count > 1)).toEqual([]);
    expect(runs).toHaveLength(ids.length);
    expect(new Set(runs)).toEqual(new Set(ids));
    // Each process counts what it started: together exactly one start per job, and both took work.
    const started = await Promise.all(
      ports.map(async (port) => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        const match = /jobs_started_total\{type="msuite_validate",family="validation"\} (\d+)/.exec(text);
        return Number(match?.[1] ?? 0);
      }),
    );
    expect(started[0]! + started[1]!).toBe(ids.length);
    expect(Math.min(...started)).toBeGreaterThan(0);
  });
});
