import type { Server } from 'node:http';
import { once } from 'node:events';
import type { ConmanConfig, Logger } from '@conman/core';
import { JobStore, allIndexSpecs, connectMongo, ensureIndexes } from '@conman/db';
import { createGitAdapterForConfig } from '@conman/git';
import {
  answerClientErrorsWithEnvelope,
  AnalysisPool,
  conmanModules,
  createApiApp,
  createAccessGuard,
  createConmanServices,
  createMetrics,
  type ConmanApiContext,
} from '@conman/api';
import { JobProducer, JobQueues, createProducerConnection } from '@conman/jobs';
import { RedisCacheInvalidationBus, cacheInvalidationChannelOf } from '@conman/auth';
import { connectRedis, redisReady } from '@conman/runtime';
import { dependencyProbes } from './probes';
import { ensureBootstrapAdmin } from './bootstrap-admin';
import { version } from './version';

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** The composition root of the API process: every adapter is created here and handed to the api package. */
export async function startServer(config: ConmanConfig, logger: Logger): Promise<RunningServer> {
  if (!config.mongo.uri)
    throw new Error('No MongoDB: set CONMAN_MONGO_URI or start the stack with `conman up`');
  if (!config.redis.url)
    throw new Error('No Redis: set CONMAN_REDIS_URL or start the stack with `conman up`');
  const mongo = await connectMongo({
    uri: config.mongo.uri,
    dbName: config.mongo.dbName,
    appName: 'conman-server',
    operationTimeoutMs: config.dependencyTimeoutMs,
  });
  await ensureIndexes(mongo.db, allIndexSpecs);
  await ensureBootstrapAdmin(config, mongo, logger);
  const redis = await connectRedis(config.redis.url, { commandTimeoutMs: config.dependencyTimeoutMs });
  redis.on('error', (error: Error) => logger.warn('redis connection error', { error: error.message }));
  const git = createGitAdapterForConfig(config, logger);
  // The API only enqueues (docs/jobs.md): BullMQ queues on their own fail-fast connection, cancel
  // messages on `redis`.
  const bullConnection = createProducerConnection(config.redis.url, config.dependencyTimeoutMs);
  bullConnection.on('error', (error: Error) =>
    logger.warn('bullmq connection error', { error: error.message }),
  );
  // Without an offline queue its first enqueues would fail while it connects: serve once it is up.
  await redisReady(bullConnection, config.redis.url);
  const jobQueues = new JobQueues(bullConnection, config.redis.prefix);
  const jobProducer = new JobProducer(new JobStore(mongo.db), jobQueues, redis);
  // Role changes and revoked sessions reach every server process at once: a subscribed connection of
  // its own (it can run nothing else), queueing the SUBSCRIBE until connected, re-subscribing after
  // reconnects.
  const subscriber = redis.duplicate({ enableOfflineQueue: true });
  subscriber.on('error', (error: Error) => logger.warn('redis subscriber error', { error: error.message }));
  const cacheInvalidation = new RedisCacheInvalidationBus({
    publisher: redis,
    subscriber,
    logger,
    channel: cacheInvalidationChannelOf(config.redis.prefix),
  });
  await cacheInvalidation.start();

  // Semantic diffs and analyses of member content run in worker threads within a budget.
  const analysis = new AnalysisPool({ budgetMs: config.analysis.budgetMs });
  const context: ConmanApiContext = {
    mongo,
    redis,
    git,
    jobProducer,
    logger,
    jwtSecret: config.auth.jwtSecret,
    jwtTtlSeconds: config.auth.jwtExpiryHours * 3600,
    publicUrl: config.publicUrl,
    inviteExpiryDays: config.auth.inviteExpiryDays,
    loginLimits: rateLimits(config, 'login'),
    forgotPasswordLimits: rateLimits(config, 'forgot'),
    acceptInviteLimits: {
      ...rateLimits(config, 'accept-invite'),
      // One token belongs to one email: the same budget.
      perToken: {
        name: 'accept-invite:token',
        limit: config.rateLimit.maxPerEmail,
        windowSeconds: config.rateLimit.windowSeconds,
      },
    },
    rateLimitPrefix: `${config.redis.prefix}:rl`,
    cacheInvalidation,
    ai: config.ai,
    analysis,
  };
  const services = createConmanServices(context);
  const app = createApiApp({
    logger,
    http: {
      bodyLimitBytes: config.http.bodyLimitBytes,
      corsOrigins: config.http.corsOrigins,
      trustProxy: config.http.trustProxy,
      readinessTimeoutMs: config.http.readinessTimeoutMs,
    },
    readiness: dependencyProbes({ mongo, redis, git }),
    metrics: createMetrics({ queueDepths: () => jobQueues.depths() }),
    version,
    modules: conmanModules(context, services),
    guard: createAccessGuard(services),
    // Embedded installations (development, tests) check every reply against its declared schema.
    validateResponses: config.mode !== 'production',
  });

  const server = app.listen(config.http.port, config.http.host);
  answerClientErrorsWithEnvelope(server);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host}:${port}`;
  logger.info('server listening', { url, mode: config.mode });

  return {
    server,
    url,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(force);
      await jobQueues.close().catch(() => undefined);
      bullConnection.disconnect();
      await Promise.allSettled([
        mongo.close(),
        redis.quit(),
        cacheInvalidation.close(),
        git.close(),
        analysis.close(),
      ]);
    },
  };
}

function rateLimits(config: ConmanConfig, name: string): NonNullable<ConmanApiContext['loginLimits']> {
  const windowSeconds = config.rateLimit.windowSeconds;
  return {
    perIp: { name: `${name}:ip`, limit: config.rateLimit.maxPerIp, windowSeconds },
    perEmail: { name: `${name}:email`, limit: config.rateLimit.maxPerEmail, windowSeconds },
  };
}
