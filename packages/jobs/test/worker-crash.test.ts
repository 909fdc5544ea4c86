import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { JobHandler } from '@conman/jobs';
import { startJobHarness, type JobHarness } from './support/job-harness';
import { waitFor } from '@conman/test-support';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const LEASE_MS = 600;

let harness: JobHarness;
let child: ChildProcess | undefined;
beforeAll(async () => {
  // The child process runs the built package; an incremental build keeps it in step with the sources.
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'packages/jobs'], { cwd: ROOT });
  harness = await startJobHarness();
}, 120_000);
afterAll(async () => {
  child?.kill('SIGKILL');
  await harness.stop();
});

function startCrashWorker(): Promise<ChildProcess> {
  const worker = spawn('node', [path.join(__dirname, 'support', 'crash-worker.js')], {
    env: {
      PATH: process.env.PATH,
      MONGO_URI: harness.services.mongoUri,
      DB_NAME: harness.services.db.databaseName,
      REDIS_URL: harness.services.redisUrl,
      LEASE_MS: String(LEASE_MS),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    worker.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(worker));
    worker.on('exit', (code) => reject(new Error(`crash worker exited early (${code})`)));
  });
}

describe('a worker killed with SIGKILL mid-job', () => {
  it('leaves no job running: another worker reruns it after the lease expires', async () => {
    const job = await harness.producer.enqueue({ type: 'temp_env_provision', appId: 'a', payload: {} });
    child = await startCrashWorker();
    await waitFor(async () => {
      const current = await harness.store.get(job.id);
      return current?.state === 'running' && current.workerId === 'crash-child';
    });
    child.kill('SIGKILL');
    const killedAt = Date.now();

    const runs: number[] = [];
    const handler: JobHandler = async ({ job: current }) => {
      runs.push(current.attempt);
      return { state: 'succeeded' };
    };
    await harness.startWorkers({
      handlers: { temp_env_provision: handler },
      reconcileIntervalMs: 200,
      leaseMs: LEASE_MS,
    });
    const done = await waitFor(async () => {
      const current = await harness.store.get(job.id);
      return current?.state === 'succeeded' ? current : undefined;
    }, 60_000);
    expect(Date.now() - killedAt).toBeLessThan(60_000);
    expect(done).toMatchObject({ attempt: 2, workerId: null });
    expect(runs).toEqual([2]);
    expect((await harness.store.list({ state: 'running' }, { page: 1, limit: 10 })).total).toBe(0);
  }, 90_000);
});
