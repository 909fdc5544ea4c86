import type { ConmanConfig, Logger } from '@conman/core';
import type { Redis } from 'ioredis';
import { announceInvalidation, cacheInvalidationChannelOf, type BootstrapAdminInput } from '@conman/auth';
import { connectRedis } from '@conman/runtime';
import { auditedBootstrapAdmin } from './bootstrap-admin';
import { allIndexSpecs, connectMongo, ensureIndexes, type MongoConnection } from '@conman/db';

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
    const { user, created } = await auditedBootstrapAdmin(mongo, input, 'cli');
    logger.info(created ? 'platform admin created' : 'platform admin reset', { user_id: user.id });
    if (!created) await announceSignOut(config, logger, user.id);
    return { created, email: user.email };
  });
}

/**
 * Running servers cache authenticated sessions for a few seconds: tell them the reset account's
 * sessions are gone. Without Redis (or when it is down) the cache TTL is the bound.
 */
async function announceSignOut(config: ConmanConfig, logger: Logger, userId: string): Promise<void> {
  if (!config.redis.url) return;
  let redis: Redis | undefined;
  try {
    redis = await connectRedis(config.redis.url, { startupTimeoutMs: 2_000 });
    redis.on('error', () => undefined);
    await announceInvalidation(
      redis,
      'user_sessions',
      userId,
      cacheInvalidationChannelOf(config.redis.prefix),
    );
  } catch (error) {
    logger.warn('running servers were not told about the reset', { error: (error as Error).message });
  } finally {
    redis?.disconnect();
  }
}
