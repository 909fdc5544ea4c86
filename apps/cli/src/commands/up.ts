import path from 'node:path';
import type { ConmanConfig } from '@conman/core';
import {
  loadConfig,
  findFreePort,
  prepareDataDir,
  readRuntimeFile,
  removeRuntimeFile,
  startChild,
  startEmbeddedRedis,
  startMongoBackend,
  writeRuntimeFile,
  type DataDir,
  type ManagedChild,
  type RuntimeFile,
} from '@conman/runtime';
import { waitForReadiness } from '../readiness';
import { Supervisor } from '../supervision/supervisor';
import type { ServiceOptions } from './services';

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

/**
 * `conman up`: the embedded dependencies of SPEC §2.2 plus one server and one worker, all children of
 * this process. A child that dies is restarted with backoff while the others keep serving; one that
 * keeps crashing stops the stack. SIGINT/SIGTERM stop everything (services first, then their
 * dependencies). See docs/operations.md.
 */
export async function runUp(options: ServiceOptions): Promise<number> {
  const config = loadConfig({ ...options, ignoreRuntimeFile: true });
  const dataDir = prepareDataDir(config.dataDir);
  refuseSecondSupervisor(dataDir.root);

  const supervisor = new Supervisor((line) => process.stderr.write(`${line}\n`));
  const started: Stoppable[] = [];
  const stopAll = async () => {
    for (const service of started.reverse()) await service.stop().catch(() => undefined);
    removeRuntimeFile(dataDir.root);
  };
  const signals = waitForSignal();
  const crashLoop = supervisor.crashLoop.then((loop) => {
    throw new Error(
      `${loop.name} crashed ${loop.crashesInWindow} times within ${loop.windowMs / 1000} s; stopping the stack (see ${dataDir.path('logs')})`,
    );
  });
  // Until the race below takes it, a crash loop must not surface as an unhandled rejection.
  crashLoop.catch(() => undefined);
  try {
    const runtime = await startDependencies(config, dataDir, supervisor, started);
    const env = childEnvironment(config, dataDir, runtime);
    for (const command of ['serve', 'worker'] as const) {
      const name = command === 'serve' ? 'server' : 'worker';
      const logFile = dataDir.path('logs', `${name}.log`);
      const args = [path.resolve(__dirname, '..', 'main.js'), command];
      started.push(
        await supervisor.supervise({
          name,
          start: () => startChild({ name, command: process.execPath, args, env, logFile }),
        }),
      );
    }
    await Promise.race([waitForReadiness(`${runtime.url}/api/health/ready`, 90_000), crashLoop]);
    printBanner(config, dataDir, runtime);
    const signal = await Promise.race([signals, crashLoop]);
    process.stdout.write(`\nReceived ${signal}, stopping...\n`);
    await stopAll();
    process.stdout.write('Stopped.\n');
    return 0;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** MongoDB and Redis as supervised children; a restart keeps the port, so the URIs children hold stay valid. */
async function startDependencies(
  config: ConmanConfig,
  dataDir: DataDir,
  supervisor: Supervisor,
  started: Stoppable[],
): Promise<RuntimeFile> {
  const mongoOptions = {
    uri: config.mongo.uri,
    dbPath: dataDir.path('mongo'),
    logFile: dataDir.path('logs', 'mongo.log'),
  };
  const mongo = await startMongoBackend(mongoOptions);
  if (mongo.child) {
    const port = Number(new URL(mongo.uri).port);
    let first: ManagedChild | undefined = mongo.child;
    started.push(
      await supervisor.supervise({
        name: 'mongodb',
        start: async () => {
          const child = first ?? (await startMongoBackend({ ...mongoOptions, port })).child;
          first = undefined;
          if (!child) throw new Error('the embedded MongoDB engine started without a process');
          return child;
        },
      }),
    );
  } else {
    // External MongoDB or mongodb-memory-server: not a process of ours to restart.
    started.push({ name: 'mongodb', stop: () => mongo.stop() });
  }

  let redisUrl = config.redis.url;
  if (!redisUrl) {
    const redisOptions = {
      dataDir: dataDir.path('redis'),
      logFile: dataDir.path('logs', 'redis.log'),
      persistent: true,
    };
    let port: number | undefined;
    const redis = await supervisor.supervise({
      name: 'redis',
      start: async () => {
        const redisChild = await startEmbeddedRedis({ ...redisOptions, ...(port !== undefined && { port }) });
        port = Number(new URL(redisChild.url).port);
        redisUrl = redisChild.url;
        return redisChild.child;
      },
    });
    started.push(redis);
  }
  if (!redisUrl) throw new Error('Redis did not start');

  // The worker always exposes metrics under `conman up`: on the configured port, else a free one.
  const workerMetricsPort = config.workerMetricsPort > 0 ? config.workerMetricsPort : await findFreePort();
  const runtime: RuntimeFile = {
    pid: process.pid,
    started_at: new Date().toISOString(),
    url: `http://${config.http.host}:${config.http.port}`,
    mongo: { uri: mongo.uri, backend: mongo.kind },
    redis: { url: redisUrl, backend: config.redis.url ? 'external' : 'redis-server' },
    git: config.gitaly.address
      ? { backend: 'gitaly', location: config.gitaly.address }
      : { backend: 'local', location: dataDir.path('repos') },
    worker_metrics_url: `http://${config.http.host}:${workerMetricsPort}/metrics`,
  };
  writeRuntimeFile(dataDir.root, runtime);
  return runtime;
}

function childEnvironment(config: ConmanConfig, dataDir: DataDir, runtime: RuntimeFile): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CONMAN_DATA_DIR: dataDir.root,
    CONMAN_PORT: String(config.http.port),
    CONMAN_MONGO_URI: runtime.mongo.uri,
    CONMAN_REDIS_URL: runtime.redis.url,
    CONMAN_SUPERVISOR_PID: String(process.pid),
    ...(runtime.worker_metrics_url && {
      CONMAN_WORKER_METRICS_PORT: new URL(runtime.worker_metrics_url).port,
    }),
  };
}

function refuseSecondSupervisor(dataDirRoot: string): void {
  const existing = readRuntimeFile(dataDirRoot);
  if (existing && existing.pid !== process.pid && isAlive(existing.pid)) {
    throw new Error(`conman up is already running on ${dataDirRoot} (pid ${existing.pid}, ${existing.url})`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      process.once(signal, () => resolve(signal));
  });
}

function printBanner(config: ConmanConfig, dataDir: DataDir, runtime: RuntimeFile): void {
  const git =
    runtime.git.backend === 'gitaly'
      ? `Gitaly at ${runtime.git.location}`
      : `local bare repositories in ${runtime.git.location}`;
  const mail = config.mail.smtpUrl
    ? 'SMTP (CONMAN_SMTP_URL)'
    : `file transport, one .eml per message in ${dataDir.path('mail')}`;
  const lines = [
    `Conman is up: ${runtime.url}   (API docs: ${runtime.url}/api/docs)`,
    `  data dir  ${dataDir.root}`,
    `  MongoDB   ${describeMongo(runtime)}`,
    `  Redis     ${runtime.redis.backend === 'external' ? 'external' : 'redis-server child'} at ${runtime.redis.url}`,
    `  Git       ${git}`,
    `  Mail      ${mail}`,
    `  Logs      ${dataDir.path('logs')}`,
    ...(runtime.worker_metrics_url
      ? [`  Metrics   ${runtime.url}/api/metrics, worker ${runtime.worker_metrics_url}`]
      : []),
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function describeMongo(runtime: RuntimeFile): string {
  const names = {
    external: 'external',
    'mongodb-memory-server': 'mongodb-memory-server (local mongod)',
    'embedded-engine': 'embedded engine (@conman/mongo-embedded)',
  } as const;
  return `${names[runtime.mongo.backend]} at ${runtime.mongo.uri}`;
}
