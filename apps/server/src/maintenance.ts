import type { ConmanConfig, Logger } from '@conman/core';
import { bootstrapAdmin, type BootstrapAdminInput } from '@conman/auth';
import {
  SessionsRepository,
  UsersRepository,
  allIndexSpecs,
  connectMongo,
  ensureIndexes,
  type MongoConnection,
} from '@conman/db';

async function withMongo<T>(config: ConmanConfig, work: (mongo: MongoConnection) => Promise<T>): Promise<T> {
  if (!config.mongo.uri)
    throw new Error('No MongoDB: set CONMAN_MONGO_URI or start the stack with `conman up`');
  const mongo = await connectMongo({
    uri: config.mongo.uri,
    dbName: config.mongo.dbName,
    appName: 'conman-cli',
  });
  try {
    return await work(mongo);
  } finally {
    await mongo.close();
  }
}

/** `conman ensure-indexes`: creates every collection index (idempotent). */
export async function ensureAllIndexes(config: ConmanConfig): Promise<number> {
  return withMongo(config, async (mongo) => {
    await ensureIndexes(mongo.db, allIndexSpecs);
    return allIndexSpecs.length;
  });
}

/** `conman bootstrap-admin`: creates a platform admin, or resets an existing account into one. */
export async function runBootstrapAdmin(
  config: ConmanConfig,
  logger: Logger,
  input: BootstrapAdminInput,
): Promise<{ created: boolean; email: string }> {
  return withMongo(config, async (mongo) => {
    await ensureIndexes(mongo.db, allIndexSpecs);
    const { user, created } = await bootstrapAdmin(
      { users: new UsersRepository(mongo.db), sessions: new SessionsRepository(mongo.db) },
      input,
    );
    logger.info(created ? 'platform admin created' : 'platform admin reset', { user_id: user.id });
    return { created, email: user.email };
  });
}
