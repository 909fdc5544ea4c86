import type { Redis } from 'ioredis';
import type { ConmanConfig, Logger } from '@conman/core';
import { AccessControl, RateLimiter, RoleResolver, SessionService, bootstrapAdmin } from '@conman/auth';
import {
  ApiKeysRepository,
  AppsRepository,
  AuditLog,
  EnvironmentsRepository,
  InvitesRepository,
  MailOutbox,
  MembershipsRepository,
  NotificationPreferencesRepository,
  PasswordResetTokensRepository,
  SessionsRepository,
  UsersRepository,
  type MongoConnection,
} from '@conman/db';
import {
  acceptInviteModule,
  apiKeysModule,
  appsModule,
  auditModule,
  authModule,
  environmentsModule,
  invitesModule,
  meModule,
  membersModule,
  passwordResetModule,
  type ApiModule,
} from '@conman/api';

/** The identity and administration modules (SPEC §4, §6.1, §13) wired to their repositories. */
export function identityModules(deps: {
  config: ConmanConfig;
  mongo: MongoConnection;
  redis: Redis;
  logger: Logger;
}): ApiModule[] {
  const { config, logger } = deps;
  const { db, client } = deps.mongo;
  const users = new UsersRepository(db);
  const sessions = new SessionsRepository(db);
  const memberships = new MembershipsRepository(db);
  const apiKeys = new ApiKeysRepository(db);
  const apps = new AppsRepository(db);
  const audit = new AuditLog(db);
  const invites = new InvitesRepository(db);
  const outbox = new MailOutbox(db);
  const roles = new RoleResolver({ memberships });
  const sessionService = new SessionService({
    users,
    sessions,
    jwtSecret: config.auth.jwtSecret,
    ttlSeconds: config.auth.jwtExpiryHours * 3600,
  });
  const access = new AccessControl({ sessions: sessionService, apiKeys, roles });
  const rateLimiter = new RateLimiter(deps.redis);
  const limits = (name: string) => ({
    perIp: {
      name: `${name}:ip`,
      limit: config.rateLimit.maxPerIp,
      windowSeconds: config.rateLimit.windowSeconds,
    },
    perEmail: {
      name: `${name}:email`,
      limit: config.rateLimit.maxPerEmail,
      windowSeconds: config.rateLimit.windowSeconds,
    },
  });
  return [
    authModule({
      client,
      sessionService,
      sessions,
      access,
      rateLimiter,
      audit,
      logger,
      loginLimits: limits('login'),
    }),
    meModule({ client, access, memberships, preferences: new NotificationPreferencesRepository(db), audit }),
    membersModule({ client, access, roles, memberships, users, audit }),
    auditModule({ access, audit }),
    apiKeysModule({ client, access, apiKeys, audit }),
    appsModule({ access, apps, memberships }),
    environmentsModule({ client, access, apps, environments: new EnvironmentsRepository(db), audit }),
    invitesModule({ client, access, apps, invites, outbox, audit, publicUrl: config.publicUrl }),
    acceptInviteModule({ client, invites, users, memberships, roles, audit, rateLimiter }),
    passwordResetModule({
      client,
      users,
      sessions,
      resetTokens: new PasswordResetTokensRepository(db),
      outbox,
      audit,
      rateLimiter,
      logger,
      publicUrl: config.publicUrl,
      limits: limits('forgot'),
    }),
  ];
}

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
