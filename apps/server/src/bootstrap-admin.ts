import type { ConmanConfig, Logger } from '@conman/core';
import { bootstrapAdmin } from '@conman/auth';
import { SessionsRepository, UsersRepository, type MongoConnection } from '@conman/db';

/** CONMAN_BOOTSTRAP_ADMIN_*: creates the platform admin at startup when that account does not exist yet. */
export async function ensureBootstrapAdmin(
  config: ConmanConfig,
  mongo: MongoConnection,
  logger: Logger,
): Promise<void> {
  const admin = config.bootstrapAdmin;
  if (!admin) return;
  const users = new UsersRepository(mongo.db);
  if (await users.findByEmail(admin.email.toLowerCase())) return;
  try {
    await bootstrapAdmin({ users, sessions: new SessionsRepository(mongo.db) }, admin);
    logger.info('platform admin created from CONMAN_BOOTSTRAP_ADMIN_EMAIL', { email: admin.email });
  } catch (error) {
    // Several servers may start at once; the unique email index lets exactly one create the account.
    if (await users.findByEmail(admin.email.toLowerCase())) return;
    throw error;
  }
}
