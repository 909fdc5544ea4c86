import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  connectMongo,
  ensureIndexes,
  jobIndexSpecs,
  jobLogIndexSpecs,
  type MongoConnection,
} from '@conman/db';
import { startEmbeddedMongo, type EmbeddedMongo } from '@conman/mongo-embedded';
import { startEmbeddedRedis, type EmbeddedRedis } from '@conman/runtime';

export interface JobTestServices {
  db: MongoConnection['db'];
  mongoUri: string;
  redisUrl: string;
  stop(): Promise<void>;
}

/**
 * A private redis-server (tests FLUSHALL it) and a fresh database on the harness MongoDB, or an
 * in-process embedded engine when run outside the harness.
 */
export async function startJobTestServices(): Promise<JobTestServices> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conman-jobs-redis-'));
  const redis: EmbeddedRedis = await startEmbeddedRedis({
    dataDir: dir,
    logFile: path.join(dir, 'redis.log'),
    persistent: false,
  });
  let embedded: EmbeddedMongo | undefined;
  let uri = process.env.CONMAN_TEST_RESOLVED_MONGO_URI;
  if (!uri) {
    embedded = await startEmbeddedMongo();
    uri = embedded.uri;
  }
  const mongo = await connectMongo({
    uri,
    dbName: `jobs_${randomBytes(6).toString('hex')}`,
    appName: 'jobs-test',
    startupTimeoutMs: 10_000,
  });
  const { db } = mongo;
  await ensureIndexes(db, [...jobIndexSpecs, ...jobLogIndexSpecs]);
  return {
    db,
    mongoUri: uri,
    redisUrl: redis.url,
    stop: async () => {
      await db.dropDatabase();
      await mongo.close();
      await embedded?.stop();
      await redis.child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (condition wait, not a fixed sleep). */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
