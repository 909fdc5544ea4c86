import type { ConmanConfig, Logger } from '@conman/core';
import { JobStore, connectMongo } from '@conman/db';
import { JobQueues, createBullConnection, reconcileJobs, type ReconcileReport } from '@conman/jobs';

/** `conman reconcile-jobs`: one reconciler pass (what workers also run periodically). */
export async function reconcileJobsOnce(config: ConmanConfig, logger: Logger): Promise<ReconcileReport> {
  if (!config.mongo.uri || !config.redis.url)
    throw new Error('MongoDB and Redis are required: start the stack first');
  const mongo = await connectMongo({
    uri: config.mongo.uri,
    dbName: config.mongo.dbName,
    appName: 'conman-cli',
  });
  const connection = createBullConnection(config.redis.url);
  const queues = new JobQueues(connection, config.redis.prefix);
  try {
    return await reconcileJobs({ store: new JobStore(mongo.db), queues, logger, queuedGraceMs: 0 });
  } finally {
    await queues.close();
    connection.disconnect();
    await mongo.close();
  }
}
