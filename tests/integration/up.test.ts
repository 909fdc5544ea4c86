import { existsSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { findFreePort, readRuntimeFile } from '@conman/runtime';
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
