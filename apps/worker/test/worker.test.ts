import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, silentLogger } from '@conman/core';
import { AppsRepository, JobStore } from '@conman/db';
import { LocalGitAdapter } from '@conman/git';
import { JobProducer, JobQueues, createBullConnection, runGate } from '@conman/jobs';
import {
  openTestDatabase,
  startPrivateRedis,
  type PrivateRedis,
  type TestDatabase,
} from '@conman/test-support';
import { startWorker, type RunningWorker } from '../src/worker';

let dataDir: string;
let redis: PrivateRedis;
let mongo: TestDatabase;
let worker: RunningWorker;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'conman-worker-'));
  redis = await startPrivateRedis();
  mongo = await openTestDatabase({ namePrefix: 'worker' });
  const config = parseConfig(
    {
      CONMAN_MONGO_URI: mongo.uri,
      CONMAN_MONGO_DB: mongo.db.databaseName,
      CONMAN_REDIS_URL: redis.url,
      CONMAN_DATA_DIR: dataDir,
    },
    {
      jwtSecret: 'x'.repeat(32),
      masterKey: Buffer.alloc(32, 1).toString('base64'),
    },
  );
  worker = await startWorker(config, silentLogger);
});

afterAll(async () => {
  await worker?.close();
  await mongo?.close();
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('runs a submit gate configured in the app settings on the app repository', async () => {
  const git = new LocalGitAdapter({ storageRoot: path.join(dataDir, 'repos') });
  await git.createRepository('shop.git');
  const commitSha = await git.commitFiles('shop.git', {
    parent: null,
    message: 'config',
    author: { name: 'T', email: 't@example.com' },
    changes: [{ action: 'write', path: 'app.json', content: Buffer.from('{"port": 80}') }],
  });
  await git.close();
  const app = await new AppsRepository(mongo.db).create({
    name: 'shop',
    repoPath: 'shop.git',
    integrationBranch: 'main',
    settings: {
      validation_gates: [
        { name: 'msuite_submit', command: 'cat app.json', timeout_seconds: 30, profile_scope: 'temp' },
      ],
    },
  });
  const connection = createBullConnection(redis.url);
  const queues = new JobQueues(connection);
  const store = new JobStore(mongo.db);
  try {
    const job = await runGate(new JobProducer(store, queues, connection), {
      gate: 'submit',
      appId: app.id,
      commitSha,
      entity: { type: 'changeset', id: 'cs-1' },
    });
    const deadline = Date.now() + 15_000;
    let current = await store.get(job.id);
    while (current?.state !== 'succeeded' && current?.state !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      current = await store.get(job.id);
    }
    expect(current).toMatchObject({
      state: 'succeeded',
      result: { outcome: 'passed', command: { outputTail: '{"port": 80}' } },
    });
  } finally {
    await queues.close();
    await connection.quit();
  }
});
