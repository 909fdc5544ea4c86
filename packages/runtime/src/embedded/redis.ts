import { spawnSync } from 'node:child_process';
import { findFreePort } from './free-port';
import { startChild, type ManagedChild } from './child';

export interface EmbeddedRedis {
  url: string;
  child: ManagedChild;
}

export interface StartRedisOptions {
  dataDir: string;
  logFile: string;
  /** Persist to an append-only file so `conman up` keeps queued jobs across restarts. */
  persistent: boolean;
  /** A fixed port (e.g. to restart on the same address); by default a free one is chosen. */
  port?: number;
}

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Starts `redis-server` on a free loopback port; retries when another process takes the port first. */
export async function startEmbeddedRedis(options: StartRedisOptions): Promise<EmbeddedRedis> {
  if (!redisServerAvailable()) {
    throw new Error(
      'redis-server is not installed: install it (apt-get install redis-server) or set CONMAN_REDIS_URL',
    );
  }
  let lastError: unknown;
  const attempts = options.port === undefined ? 5 : 1;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const port = options.port ?? (await findFreePort());
    try {
      const child = await startChild({
        name: 'redis-server',
        command: 'redis-server',
        args: [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--protected-mode',
          'yes',
          '--dir',
          options.dataDir,
          '--save',
          '',
          '--appendonly',
          options.persistent ? 'yes' : 'no',
          '--appendfsync',
          'everysec',
          '--daemonize',
          'no',
          '--loglevel',
          'notice',
        ],
        logFile: options.logFile,
        readyWhen: (output) => output.includes('Ready to accept connections'),
      });
      return { url: `redis://127.0.0.1:${port}`, child };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
