import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parseConfig, type ConmanConfig } from '@conman/core';
import { readRuntimeFile } from './runtime-file';
import { loadOrCreateGeneratedSecrets } from './secrets-file';
import { prepareDataDir } from './data-dir';

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Directory holding the `.env` file (default: the current directory). */
  cwd?: string;
  /** Overrides CONMAN_DATA_DIR (the CLI's `--data-dir`). */
  dataDir?: string;
  /** Overrides CONMAN_PORT (the CLI's `--port`). */
  port?: number;
  /** `conman up` starts the services itself and must not reuse a previous run's addresses. */
  ignoreRuntimeFile?: boolean;
}

/**
 * Precedence: process environment > `.env` > services recorded in `<data-dir>/runtime.json` by
 * `conman up` (embedded mode only) > defaults. Embedded mode also generates and keeps its secrets.
 */
export function loadConfig(options: LoadConfigOptions = {}): ConmanConfig {
  const cwd = options.cwd ?? process.cwd();
  const envFile = path.join(cwd, '.env');
  const fromFile = existsSync(envFile) ? parseDotenv(readFileSync(envFile)) : {};
  const env: Record<string, string | undefined> = {
    ...fromFile,
    ...pickConmanVariables(options.env ?? process.env),
  };
  if (options.dataDir !== undefined) env.CONMAN_DATA_DIR = options.dataDir;
  if (options.port !== undefined) env.CONMAN_PORT = String(options.port);
  env.CONMAN_DATA_DIR = path.resolve(cwd, env.CONMAN_DATA_DIR ?? './.conman-data');

  if ((env.CONMAN_MODE ?? 'embedded') !== 'embedded') return parseConfig(env);

  const dataDir = prepareDataDir(env.CONMAN_DATA_DIR);
  const runtime = options.ignoreRuntimeFile ? undefined : readRuntimeFile(dataDir.root);
  if (runtime) {
    env.CONMAN_MONGO_URI ??= runtime.mongo.uri;
    env.CONMAN_REDIS_URL ??= runtime.redis.url;
  }
  return parseConfig(env, loadOrCreateGeneratedSecrets(dataDir.root));
}

function pickConmanVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith('CONMAN_')));
}
