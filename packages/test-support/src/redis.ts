import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedRedis } from '@conman/runtime';

export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * A redis-server child of this test file alone, without persistence, for tests that flush, fill or
 * restart Redis and must not disturb the other files sharing the global one.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conman-test-redis-'));
  try {
    const redis = await startEmbeddedRedis({
      dataDir: dir,
      logFile: path.join(dir, 'redis.log'),
      persistent: false,
    });
    return {
      url: redis.url,
      stop: async () => {
        await redis.child.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
