import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { JobStore } from '@conman/db';
import { JobProducer, JobQueues, createBullConnection } from '@conman/jobs';
import { findFreePort, readRuntimeFile, type RuntimeFile } from '@conman/runtime';
import { spawnService, waitFor, type ServiceProcess } from '../support/stack';
import { descendantPids, isAlive } from '../support/processes';

async function up(dataDir: string, port: number): Promise<ServiceProcess> {
  const service = spawnService('up', { PATH: process.env.PATH, HOME: process.env.HOME }, [
    '--port',
    String(port),
    '--data-dir',
    dataDir,
  ]);
  await waitFor(
    () => service.output().includes('Conman is up'),
    120_000,
    () => service.output(),
  );
  return service;
}

async function stopAndExpectNoOrphans(service: ServiceProcess): Promise<void> {
  const pid = service.child.pid as number;
  const children = descendantPids(pid);
  expect(children.length).toBeGreaterThanOrEqual(4); // mongo engine, redis-server, server, worker
  const exitCode = new Promise<number | null>((resolve) =>
    service.child.once('exit', (code) => resolve(code)),
  );
  service.child.kill('SIGTERM');
  expect(await exitCode).toBe(0);
  await waitFor(
    () => children.every((child) => !isAlive(child)),
    15_000,
    () => `still alive: ${children.filter(isAlive)}`,
  );
}

describe('conman up', () => {
  it('starts the whole stack, keeps data across runs on one data dir, and leaves no process behind', async () => {
    const dataDir = mkdtempSync(path.join(process.env.CONMAN_TEST_DATA_DIR as string, 'up-'));
    const port = await findFreePort();

    const first = await up(dataDir, port);
    const ready = await fetch(`http://127.0.0.1:${port}/api/health/ready`);
    expect(ready.status).toBe(200);
    const runtime = readRuntimeFile(dataDir);
    expect(runtime).toMatchObject({
      pid: first.child.pid,
      mongo: { backend: 'embedded-engine' },
      redis: { backend: 'redis-server' },
    });
    expect(first.output()).toContain(dataDir);
    // The worker's Prometheus listener, on the free port `conman up` chose and recorded.
    expect(runtime?.worker_metrics_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await waitFor(
      async () => (await fetch(runtime?.worker_metrics_url as string)).status === 200,
      30_000,
      () => first.output(),
    );
    const client = await MongoClient.connect(runtime?.mongo.uri as string);
    await client.db('conman').collection('survival').insertOne({ marker: 'kept across restarts' });
    await client.close();
    await stopAndExpectNoOrphans(first);
    expect(existsSync(path.join(dataDir, 'runtime.json'))).toBe(false);

    const second = await up(dataDir, port);
    const again = await MongoClient.connect(readRuntimeFile(dataDir)?.mongo.uri as string);
    expect(
      await again
        .db('conman')
        .collection('survival')
        .findOne({}, { projection: { _id: 0 } }),
    ).toEqual({
      marker: 'kept across restarts',
    });
    await again.close();
    await stopAndExpectNoOrphans(second);
  }, 300_000);
});

/** The pid of the `conman up` child running `main.js <command>`. */
function childRunning(upPid: number, command: 'serve' | 'worker'): number | undefined {
  return descendantPids(upPid).find((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return isAlive(pid) && argv.some((arg) => arg.endsWith('main.js')) && argv.includes(command);
    } catch {
      return false;
    }
  });
}

/** Polls GET /api/health until stopped; collects every answer that was not 200. */
function watchHealth(url: string): { stop(): Promise<string[]> } {
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const response = await fetch(`${url}/api/health`);
        if (response.status !== 200) failures.push(`status ${response.status}`);
      } catch (error) {
        failures.push(String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return failures;
    },
  };
}

/** Enqueues one job the way the API does, straight into the stack's MongoDB and Redis. */
async function enqueueJob(
  runtime: RuntimeFile,
): Promise<{ id: string; state(): Promise<string | undefined> }> {
  const client = await MongoClient.connect(runtime.mongo.uri);
  const connection = createBullConnection(runtime.redis.url);
  const queues = new JobQueues(connection);
  try {
    const store = new JobStore(client.db('conman'));
    // No such app: the handler fails the job, which is all this test needs: a worker picked it up.
    const job = await new JobProducer(store, queues, connection).enqueue({
      type: 'msuite_validate',
      appId: '00000000-0000-7000-8000-000000000000',
      payload: { gate: 'msuite_validate' },
    });
    return {
      id: job.id,
      state: async () => {
        const reader = await MongoClient.connect(runtime.mongo.uri);
        try {
          return (await new JobStore(reader.db('conman')).get(job.id))?.state;
        } finally {
          await reader.close();
        }
      },
    };
  } finally {
    await queues.close();
    connection.disconnect();
    await client.close();
  }
}

describe('conman up supervision', () => {
  it('restarts a killed worker while the API keeps serving, and the worker runs what was queued meanwhile', async () => {
    const dataDir = mkdtempSync(path.join(process.env.CONMAN_TEST_DATA_DIR as string, 'up-supervise-'));
    const port = await findFreePort();
    const service = await up(dataDir, port);
    const upPid = service.child.pid as number;
    const runtime = readRuntimeFile(dataDir) as RuntimeFile;
    const url = `http://127.0.0.1:${port}`;
    try {
      const firstWorker = childRunning(upPid, 'worker') as number;
      const server = childRunning(upPid, 'serve') as number;
      expect(firstWorker).toBeDefined();
      const health = watchHealth(url);
      try {
        process.kill(firstWorker, 'SIGKILL');
        const job = await enqueueJob(runtime);
        // Back within 10 s: a new worker process (restart after a 0.5 s backoff)...
        await waitFor(
          () => ![undefined, firstWorker].includes(childRunning(upPid, 'worker')),
          10_000,
          () => service.output(),
        );
        // ...that comes up (generous: node startup on a loaded 2-core machine) and runs the queued job.
        await waitFor(
          async () => (await fetch(runtime.worker_metrics_url as string)).status === 200,
          60_000,
          () => service.output(),
        );
        await waitFor(
          async () => ['succeeded', 'failed'].includes((await job.state()) ?? ''),
          30_000,
          () => service.output(),
        );
      } finally {
        expect(await health.stop()).toEqual([]);
      }
      expect(childRunning(upPid, 'serve')).toBe(server);
      expect(service.output()).toMatch(/worker exited unexpectedly \(code \d+\); restarting in \d+ ms/);
    } finally {
      await stopAndExpectNoOrphans(service);
    }
  }, 300_000);

  it('stops the whole stack, naming the child, when one keeps crashing', async () => {
    const dataDir = mkdtempSync(path.join(process.env.CONMAN_TEST_DATA_DIR as string, 'up-crashloop-'));
    const port = await findFreePort();
    const service = await up(dataDir, port);
    const upPid = service.child.pid as number;
    const children = descendantPids(upPid);
    const exitCode = new Promise<number | null>((resolve) =>
      service.child.once('exit', (code) => resolve(code)),
    );
    let killed: number | undefined;
    try {
      // Five deaths within the 60 s window: kill each worker as soon as it is back.
      for (let crash = 0; crash < 5; crash += 1) {
        await waitFor(
          () => {
            const worker = childRunning(upPid, 'worker');
            return worker !== undefined && worker !== killed;
          },
          30_000,
          () => service.output(),
        );
        killed = childRunning(upPid, 'worker') as number;
        process.kill(killed, 'SIGKILL');
      }
      expect(await exitCode).toBe(1);
      expect(service.output()).toMatch(/worker crashed 5 times within 60 s; stopping the stack/);
      await waitFor(
        () => descendantPids(upPid).length === 0 && children.every((child) => !isAlive(child)),
        15_000,
        () => `still alive: ${children.filter(isAlive)}`,
      );
      expect(existsSync(path.join(dataDir, 'runtime.json'))).toBe(false);
    } finally {
      await service.stop();
    }
  }, 300_000);
});
