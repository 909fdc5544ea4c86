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
import type { ServiceOptions } from './services';

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

/**
 * `conman up`: the embedded dependencies of SPEC §2.2 plus one server and one worker, all children of
 * this process. SIGINT/SIGTERM stop everything (services first, then their dependencies).
 */
export async function runUp(options: ServiceOptions): Promise<number> {
  const config = loadConfig({ ...options, ignoreRuntimeFile: true });
  const dataDir = prepareDataDir(config.dataDir);
  refuseSecondSupervisor(dataDir.root);

  const started: Stoppable[] = [];
  const stopAll = async () => {
    for (const service of started.reverse()) await service.stop().catch(() => undefined);
    removeRuntimeFile(dataDir.root);
  };
  const signals = waitForSignal();
  try {
    const runtime = await startDependencies(config, dataDir, started);
    const url = runtime.url;
    const env = childEnvironment(config, dataDir, runtime);
    const children = await Promise.all(
      (['serve', 'worker'] as const).map((command) =>
        startChild({
          name: command === 'serve' ? 'server' : 'worker',
          command: process.execPath,
          args: [path.resolve(__dirname, '..', 'main.js'), command],
          env,
          logFile: dataDir.path('logs', command === 'serve' ? 'server.log' : 'worker.log'),
        }),
      ),
    );
    started.push(...children.map((child) => ({ name: child.name, stop: () => child.stop() })));
    const firstExit = Promise.race(children.map((child) => child.exited.then(() => child)));
    await Promise.race([
      waitForReadiness(`${url}/api/health/ready`, 90_000),
      firstExit.then((child) => {
        throw new Error(`${child.name} exited during startup (see ${dataDir.path('logs')})`);
      }),
    ]);
    printBanner(config, dataDir, runtime);
    const outcome = await Promise.race([signals, firstExit]);
    if (typeof outcome === 'string') {
      process.stdout.write(`\nReceived ${outcome}, stopping...\n`);
      await stopAll();
      process.stdout.write('Stopped.\n');
      return 0;
    }
    process.stderr.write(
      `${(outcome as ManagedChild).name} exited unexpectedly (see ${dataDir.path('logs')}); stopping\n`,
    );
    await stopAll();
    return 1;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startDependencies(
  config: ConmanConfig,
  dataDir: DataDir,
  started: Stoppable[],
): Promise<RuntimeFile> {
  const mongo = await startMongoBackend({
    uri: config.mongo.uri,
    dbPath: dataDir.path('mongo'),
    logFile: dataDir.path('logs', 'mongo.log'),
  });
  started.push({ name: 'mongodb', stop: () => mongo.stop() });

  let redisUrl = config.redis.url;
  if (!redisUrl) {
    const redis = await startEmbeddedRedis({
      dataDir: dataDir.path('redis'),
      logFile: dataDir.path('logs', 'redis.log'),
      persistent: true,
    });
    started.push({ name: 'redis', stop: () => redis.child.stop() });
    redisUrl = redis.url;
  }

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
