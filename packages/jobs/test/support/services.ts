import type { MongoConnection } from '@conman/db';
import { jobIndexSpecs, jobLogIndexSpecs } from '@conman/db';
import { openTestDatabase, startPrivateRedis } from '@conman/test-support';

export interface JobTestServices {
  db: MongoConnection['db'];
  mongoUri: string;
  redisUrl: string;
  stop(): Promise<void>;
}

/** A private redis-server (tests FLUSHALL it) and a fresh database with the job collections' indexes. */
export async function startJobTestServices(): Promise<JobTestServices> {
  const redis = await startPrivateRedis();
  const database = await openTestDatabase({
    indexes: [...jobIndexSpecs, ...jobLogIndexSpecs],
    namePrefix: 'jobs',
  });
  return {
    db: database.db,
    mongoUri: database.uri,
    redisUrl: redis.url,
    stop: async () => {
      await database.close();
      await redis.stop();
    },
  };
}
