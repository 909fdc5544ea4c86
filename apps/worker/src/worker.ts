import type { ConmanConfig, Logger } from '@conman/core';
import { connectMongo } from '@conman/db';
import { connectRedis } from '@conman/runtime';

export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * The composition root of the job-consumer process. It connects to the shared MongoDB and Redis; the job
 * families and their consumers are registered here by the jobs package.
 */
export async function startWorker(config: ConmanConfig, logger: Logger): Promise<RunningWorker> {
  if (!config.mongo.uri) throw new Error('No MongoDB: set CONMAN_MONGO_URI or start the stack with `conman up`');
  if (!config.redis.url) throw new Error('No Redis: set CONMAN_REDIS_URL or start the stack with `conman up`');
  const mongo = await connectMongo({ uri: config.mongo.uri, dbName: config.mongo.dbName, appName: 'conman-worker' });
  const redis = await connectRedis(config.redis.url);
  redis.on('error', (error: Error) => logger.warn('redis connection error', { error: error.message }));
  logger.info('worker ready', { concurrency: config.workerConcurrency });
  return {
    close: async () => {
      await Promise.allSettled([redis.quit(), mongo.close()]);
    },
  };
}
