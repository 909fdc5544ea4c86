import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `<data-dir>/runtime.json` records where `conman up` started its services, so any other CLI
 * subcommand given the same data directory talks to the same stack.
 */
export interface RuntimeFile {
  pid: number;
  started_at: string;
  url: string;
  mongo: { uri: string; backend: MongoBackendKind };
  redis: { url: string; backend: 'external' | 'redis-server' };
  git: { backend: 'gitaly' | 'local'; location: string };
  /** Prometheus endpoint of the worker (CONMAN_WORKER_METRICS_PORT, or a free port `conman up` chose). */
  worker_metrics_url?: string;
}

export type MongoBackendKind = 'external' | 'mongodb-memory-server' | 'embedded-engine';

const FILE_NAME = 'runtime.json';

export function writeRuntimeFile(dataDir: string, runtime: RuntimeFile): void {
  const target = path.join(dataDir, FILE_NAME);
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(runtime, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, target);
}

export function readRuntimeFile(dataDir: string): RuntimeFile | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dataDir, FILE_NAME), 'utf8')) as RuntimeFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function removeRuntimeFile(dataDir: string): void {
  rmSync(path.join(dataDir, FILE_NAME), { force: true });
}
