import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// Relative imports: jest does not apply moduleNameMapper to global setup files.
import { startMongoBackend, type MongoBackend } from '../../packages/runtime/src/embedded/mongo';
import { startEmbeddedRedis } from '../../packages/runtime/src/embedded/redis';

/** What the global setup provides to every test file through the environment. */
export const TEST_ENV = {
  mongoUri: 'CONMAN_TEST_RESOLVED_MONGO_URI',
  redisUrl: 'CONMAN_TEST_RESOLVED_REDIS_URL',
  dataDir: 'CONMAN_TEST_DATA_DIR',
} as const;

export interface TestServices {
  mongo: MongoBackend;
  redisUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Same selection as `conman up` (docs/operations.md "Embedded dependencies"): CONMAN_TEST_MONGO_URI /
 * CONMAN_TEST_REDIS_URL when set, else mongodb-memory-server with a local mongod, else the embedded engine; a
 * private redis-server.
 */
export async function startTestServices(): Promise<TestServices> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'conman-test-'));
  const stops: Array<() => Promise<void>> = [];
  try {
    if (!process.env.CONMAN_TEST_MONGO_URI) buildEmbeddedEngine();
    const mongo = await startMongoBackend({
      uri: process.env.CONMAN_TEST_MONGO_URI,
      logFile: path.join(dataDir, 'mongo.log'),
    });
    stops.push(() => mongo.stop());
    let redisUrl = process.env.CONMAN_TEST_REDIS_URL;
    if (!redisUrl) {
      const redis = await startEmbeddedRedis({
        dataDir,
        logFile: path.join(dataDir, 'redis.log'),
        persistent: false,
      });
      stops.push(() => redis.child.stop());
      redisUrl = redis.url;
    }
    return {
      mongo,
      redisUrl,
      dataDir,
      stop: async () => {
        for (const stop of stops.reverse()) await stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

/**
 * The engine runs from its build; an incremental build keeps it in step with the sources. Type errors
 * are the typecheck step's business (tsc -b still emits), so only a missing build is fatal here.
 */
function buildEmbeddedEngine(): void {
  spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'packages/mongo-embedded'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  if (!existsSync(path.join(ROOT, 'packages', 'mongo-embedded', 'dist', 'index.js'))) {
    throw new Error(
      'packages/mongo-embedded did not build: run `npx tsc -b packages/mongo-embedded` to see why',
    );
  }
}
