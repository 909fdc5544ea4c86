import type { Server } from 'node:http';
import { once } from 'node:events';
import type { ConmanConfig, Logger } from '@conman/core';
import { allIndexSpecs, connectMongo, ensureIndexes } from '@conman/db';
import { createGitAdapter } from '@conman/git';
import { createApiApp, createMetrics } from '@conman/api';
import { connectRedis } from '@conman/runtime';
import { dependencyProbes } from './probes';
import { ensureBootstrapAdmin, identityModules } from './identity';
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
  });
  await ensureIndexes(mongo.db, allIndexSpecs);
  await ensureBootstrapAdmin(config, mongo, logger);
  const redis = await connectRedis(config.redis.url);
  redis.on('error', (error: Error) => logger.warn('redis connection error', { error: error.message }));
  const git = createGitAdapter({
    storageRoot: `${config.dataDir}/repos`,
    gitalyAddress: config.gitaly.address,
    gitalyToken: config.gitaly.token,
    gitalyTokenMode: config.gitaly.tokenMode,
    gitalyStorage: config.gitaly.storage,
  });

  const app = createApiApp({
    logger,
    http: {
      bodyLimitBytes: config.http.bodyLimitBytes,
      corsOrigins: config.http.corsOrigins,
      trustProxy: config.http.trustProxy,
      readinessTimeoutMs: config.http.readinessTimeoutMs,
    },
    readiness: dependencyProbes({ mongo, redis, git }),
    metrics: createMetrics(),
    version,
    modules: identityModules({ config, mongo, redis, logger }),
    // Embedded installations (development, tests) check every reply against its declared schema.
    validateResponses: config.mode !== 'production',
  });

  const server = app.listen(config.http.port, config.http.host);
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
      await Promise.allSettled([mongo.close(), redis.quit(), git.close()]);
    },
  };
}
