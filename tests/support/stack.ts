import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { findFreePort } from '@conman/runtime';
import { TEST_ENV } from './services';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const CLI_MAIN = path.join(REPO_ROOT, 'apps', 'cli', 'dist', 'main.js');

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export interface Stack {
  url: string;
  dataDir: string;
  dbName: string;
  /** The environment the processes were started with (to start more workers). */
  env: NodeJS.ProcessEnv;
  server: ServiceProcess;
  worker: ServiceProcess | undefined;
  request(method: string, route: string, options?: RequestOptions): Promise<TestResponse>;
  stop(): Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface StackOptions {
  worker?: boolean;
  env?: Record<string, string>;
}

/** Spawns the real server (and optionally worker) processes from the build against the test services. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const port = await findFreePort();
  const dataDir = mkdtempSync(path.join(requiredEnv(TEST_ENV.dataDir), 'stack-'));
  const dbName = `t_${randomBytes(6).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CONMAN_MODE: 'embedded',
    CONMAN_HOST: '127.0.0.1',
    CONMAN_PORT: String(port),
    CONMAN_DATA_DIR: dataDir,
    CONMAN_MONGO_URI: requiredEnv(TEST_ENV.mongoUri),
    CONMAN_MONGO_DB: dbName,
    CONMAN_REDIS_URL: requiredEnv(TEST_ENV.redisUrl),
    // Parallel test files share the Redis: each stack's workers consume only its own queues.
    CONMAN_REDIS_PREFIX: `conman-${dbName}`,
    CONMAN_LOG_LEVEL: 'debug',
    ...options.env,
  };
  const url = `http://127.0.0.1:${port}`;
  const server = spawnService('serve', env);
  const worker = options.worker ? spawnService('worker', env) : undefined;
  try {
    await waitFor(
      async () => (await fetch(`${url}/api/health/ready`)).status === 200,
      30_000,
      () => server.output(),
    );
  } catch (error) {
    await Promise.all([server.stop(), worker?.stop()]);
    throw error;
  }
  return {
    url,
    dataDir,
    dbName,
    env,
    server,
    worker,
    request: (method, route, requestOptions) => request(url, method, route, requestOptions),
    stop: async () => {
      await Promise.all([server.stop(), worker?.stop()]);
    },
  };
}

export function spawnService(
  command: 'serve' | 'worker' | 'up',
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): ServiceProcess {
  const child = spawn(process.execPath, [CLI_MAIN, command, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function request(
  base: string,
  method: string,
  route: string,
  options: RequestOptions = {},
): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${route}`, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Polls a condition (never a fixed sleep) until it holds or the deadline passes. */
export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  describe: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `condition not met within ${timeoutMs} ms${lastError ? ` (last error: ${String(lastError)})` : ''}\n${describe()}`,
  );
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest (global setup provides it)`);
  return value;
}
