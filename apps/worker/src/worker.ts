import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ConmanConfig, JobType, Logger } from '@conman/core';
import {
  AppsRepository,
  AuditLog,
  MailOutbox,
  RefMoveJournal,
  allIndexSpecs,
  connectMongo,
  ensureIndexes,
} from '@conman/db';
import { createGitAdapterForConfig } from '@conman/git';
import {
  GATE_JOB_TYPES,
  OutboxDrainer,
  appGateSettings,
  createGateHandler,
  createMailTransport,
  resolveCommandSandbox,
  sandboxStartupNotice,
  startJobWorkers,
  type JobHandler,
} from '@conman/jobs';
import { connectRedis } from '@conman/runtime';
import { createWorkerMetrics, startMetricsListener } from './metrics';

export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * The composition root of the job-consumer process: BullMQ workers per family (concurrency from
 * config) with the handlers that exist, cancel signalling, and the periodic reconciler (jobs and
 * pending ref moves). On close,
 * in-flight jobs get the shutdown grace to finish and are otherwise handed back to the queue.
 */
export async function startWorker(config: ConmanConfig, logger: Logger): Promise<RunningWorker> {
  if (!config.mongo.uri)
    throw new Error('No MongoDB: set CONMAN_MONGO_URI or start the stack with `conman up`');
  if (!config.redis.url)
    throw new Error('No Redis: set CONMAN_REDIS_URL or start the stack with `conman up`');
  const mongo = await connectMongo({
    uri: config.mongo.uri,
    dbName: config.mongo.dbName,
    appName: 'conman-worker',
    operationTimeoutMs: config.dependencyTimeoutMs,
  });
  // Fails fast when Redis is unreachable; BullMQ's own connections retry forever.
  const redis = await connectRedis(config.redis.url, { commandTimeoutMs: config.dependencyTimeoutMs });
  redis.on('error', (error: Error) => logger.warn('redis connection error', { error: error.message }));
  await ensureIndexes(mongo.db, allIndexSpecs);
  const git = createGitAdapterForConfig(config, logger);
  const tmpRoot = path.join(config.dataDir, 'tmp');
  await mkdir(tmpRoot, { recursive: true });
  const sandbox = await resolveCommandSandbox(config.commandSandbox);
  const sandboxNotice = sandboxStartupNotice(sandbox);
  logger[sandboxNotice.level](sandboxNotice.message);
  const gateHandler = createGateHandler({
    git,
    settings: appGateSettings(new AppsRepository(mongo.db)),
    sandbox,
    tmpRoot,
  });
  const handlers: Partial<Record<JobType, JobHandler>> = Object.fromEntries(
    Object.values(GATE_JOB_TYPES).map((type) => [type, gateHandler]),
  );
  const metrics = createWorkerMetrics();
  const metricsServer =
    config.workerMetricsPort > 0
      ? await startMetricsListener(metrics.registry, config.http.host, config.workerMetricsPort, logger)
      : undefined;
  const jobs = await startJobWorkers({
    redisUrl: config.redis.url,
    redisPrefix: config.redis.prefix,
    db: mongo.db,
    handlers,
    concurrency: config.workerConcurrency,
    logger,
    metrics: metrics.jobMetrics,
    leaseMs: config.jobs.leaseMs,
    reconcileIntervalMs: config.jobs.reconcileIntervalMs,
    refMoves: {
      journal: new RefMoveJournal(mongo.client, new AuditLog(mongo.db)),
      git,
      graceMs: config.jobs.refMoveGraceMs,
    },
  });
  const mail = new OutboxDrainer({
    outbox: new MailOutbox(mongo.db),
    transport: createMailTransport({
      smtpUrl: config.mail.smtpUrl,
      mailDirectory: path.join(config.dataDir, 'mail'),
    }),
    from: config.mail.from,
    logger,
  });
  mail.start();
  logger.info('worker ready', {
    concurrency: config.workerConcurrency,
    worker_id: jobs.workerId,
    families: jobs.families,
  });
  return {
    close: async () => {
      await Promise.all([jobs.close(), mail.stop()]);
      if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      await Promise.allSettled([redis.quit(), git.close(), mongo.close()]);
    },
  };
}
