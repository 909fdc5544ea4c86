import type { AuditActor, ConmanConfig, Logger } from '@conman/core';
import { bootstrapAdmin, type BootstrapAdminInput } from '@conman/auth';
import { AuditLog, SessionsRepository, UnitOfWork, UsersRepository, type MongoConnection } from '@conman/db';

/** No one is signed in when a platform admin is bootstrapped; `after.source` says who ran it. */
export const BOOTSTRAP_ADMIN_ACTOR: AuditActor = { type: 'system', id: 'bootstrap-admin' };

export type BootstrapAdminSource = 'startup' | 'cli';

/**
 * `bootstrapAdmin` with its audit event (`user.platform_admin_created` or `user.platform_admin_reset`)
 * in the same transaction: the account change and its event commit together. The event names the
 * account, never its password or hash.
 */
export async function auditedBootstrapAdmin(
  mongo: Pick<MongoConnection, 'client' | 'db'>,
  input: BootstrapAdminInput,
  source: BootstrapAdminSource,
): ReturnType<typeof bootstrapAdmin> {
  const users = new UsersRepository(mongo.db);
  const sessions = new SessionsRepository(mongo.db);
  const unitOfWork = new UnitOfWork(mongo.client, new AuditLog(mongo.db));
  return unitOfWork.run({ appId: null, actor: BOOTSTRAP_ADMIN_ACTOR }, async ({ session, audit }) => {
    const result = await bootstrapAdmin(
      {
        users: {
          findByEmail: (email) => users.findByEmail(email, session),
          create: (account) => users.create(account, session),
          update: (id, changes) => users.update(id, changes, session),
        },
        sessions: { revokeAllForUser: (userId) => sessions.revokeAllForUser(userId, session) },
      },
      input,
    );
    await audit({
      entityType: 'user',
      entityId: result.user.id,
      action: result.created ? 'user.platform_admin_created' : 'user.platform_admin_reset',
      after: { email: result.user.email, name: result.user.name, is_platform_admin: true, source },
    });
    return result;
  });
}

/** CONMAN_BOOTSTRAP_ADMIN_*: creates the platform admin at startup when that account does not exist yet. */
export async function ensureBootstrapAdmin(
  config: Pick<ConmanConfig, 'bootstrapAdmin'>,
  mongo: Pick<MongoConnection, 'client' | 'db'>,
  logger: Logger,
): Promise<void> {
  const admin = config.bootstrapAdmin;
  if (!admin) return;
  const users = new UsersRepository(mongo.db);
  if (await users.findByEmail(admin.email.toLowerCase())) return;
  try {
    await auditedBootstrapAdmin(mongo, admin, 'startup');
    logger.info('platform admin created from CONMAN_BOOTSTRAP_ADMIN_EMAIL', { email: admin.email });
  } catch (error) {
    // Several servers may start at once; the unique email index lets exactly one create the account.
    if (await users.findByEmail(admin.email.toLowerCase())) return;
    throw error;
  }
}
