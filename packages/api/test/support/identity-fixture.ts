import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '@conman/core';
import {
  AccessControl,
  RateLimiter,
  RoleResolver,
  SessionService,
  hashPassword,
  issueApiKey,
} from '@conman/auth';
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
} from '@conman/db';
import type { Role } from '@conman/core';
import { authModule, LOGIN_LIMITS } from '../../src/resources/auth';
import { auditModule } from '../../src/resources/audit';
import { meModule } from '../../src/resources/me';
import { membersModule } from '../../src/resources/members';
import { invitesModule } from '../../src/resources/invites';
import { acceptInviteModule } from '../../src/resources/invites/accept';
import { apiKeysModule } from '../../src/resources/api-keys';
import { appsModule } from '../../src/resources/apps';
import { environmentsModule } from '../../src/resources/environments';
import { FORGOT_PASSWORD_LIMITS, passwordResetModule } from '../../src/resources/auth/password-reset';
import { openTestDatabase, type TestDatabase } from '../../../db/test/mongo';
import { type RunningApi, startApi } from './harness';

export const JWT_SECRET = 'z'.repeat(40);
export const PASSWORD = 'tangerine orbit lantern';
export const PUBLIC_URL = 'http://conman.test';

/** The identity modules on a real API server with a fresh database and the test Redis. */
export interface IdentityFixture {
  api: RunningApi;
  database: TestDatabase;
  users: UsersRepository;
  apps: AppsRepository;
  memberships: MembershipsRepository;
  apiKeys: ApiKeysRepository;
  sessionService: SessionService;
  invites: InvitesRepository;
  outbox: MailOutbox;
  /** Creates a user (optionally a member of `appId`) and returns its id and a session token. */
  newUser(email: string, membership?: { appId: string; role: Role }): Promise<{ id: string; token: string }>;
  newApp(name: string): Promise<string>;
  newApiKey(appId: string, role: Role, createdBy: string): Promise<string>;
  close(): Promise<void>;
}

export async function startIdentityApi(loginLimits = LOGIN_LIMITS): Promise<IdentityFixture> {
  const database = await openTestDatabase();
  const redisUrl = process.env.CONMAN_TEST_RESOLVED_REDIS_URL ?? process.env.CONMAN_TEST_REDIS_URL;
  if (!redisUrl) throw new Error('the jest global setup provides CONMAN_TEST_RESOLVED_REDIS_URL');
  const redis = new Redis(redisUrl);
  const { db, client } = database;
  const users = new UsersRepository(db);
  const sessions = new SessionsRepository(db);
  const memberships = new MembershipsRepository(db);
  const apiKeys = new ApiKeysRepository(db);
  const apps = new AppsRepository(db);
  const audit = new AuditLog(db);
  const invites = new InvitesRepository(db);
  const outbox = new MailOutbox(db);
  const roles = new RoleResolver({ memberships });
  const sessionService = new SessionService({ users, sessions, jwtSecret: JWT_SECRET });
  const access = new AccessControl({ sessions: sessionService, apiKeys, roles });
  const rateLimiter = new RateLimiter(redis, `test:${randomUUID()}`);
  const moduleLogger: { target?: Logger } = {};
  const api = await startApi({
    modules: [
      authModule({
        client,
        sessionService,
        sessions,
        access,
        rateLimiter,
        audit,
        // Module warnings land in the harness's recording logger, so tests can grep every line.
        logger: forward(() => moduleLogger.target),
        loginLimits,
      }),
      meModule({
        client,
        access,
        memberships,
        preferences: new NotificationPreferencesRepository(db),
        audit,
      }),
      membersModule({ client, access, roles, memberships, users, audit }),
      auditModule({ access, audit }),
      apiKeysModule({ client, access, apiKeys, audit }),
      appsModule({ access, apps, memberships }),
      environmentsModule({ client, access, apps, environments: new EnvironmentsRepository(db), audit }),
      invitesModule({ client, access, apps, invites, outbox, audit, publicUrl: PUBLIC_URL }),
      acceptInviteModule({ client, invites, users, memberships, roles, audit, rateLimiter }),
      passwordResetModule({
        client,
        users,
        sessions,
        resetTokens: new PasswordResetTokensRepository(db),
        outbox,
        audit,
        rateLimiter,
        logger: forward(() => moduleLogger.target),
        publicUrl: PUBLIC_URL,
        // Every request comes from 127.0.0.1: only the per-email limit is exercised here.
        limits: { ...FORGOT_PASSWORD_LIMITS, perIp: { ...FORGOT_PASSWORD_LIMITS.perIp, limit: 1000 } },
      }),
    ],
    http: { bodyLimitBytes: 4096, corsOrigins: [] },
  });
  moduleLogger.target = api.logger;
  const passwordHash = await hashPassword(PASSWORD);
  return {
    api,
    database,
    users,
    apps,
    memberships,
    apiKeys,
    sessionService,
    invites,
    outbox,
    newUser: async (email, membership) => {
      const user = await users.create({ email, name: email.split('@')[0] ?? email, passwordHash });
      if (membership) await memberships.add(membership.appId, user.id, membership.role);
      return { id: user.id, token: (await sessionService.login(email, PASSWORD)).token };
    },
    newApp: async (name) =>
      (await apps.create({ name, repoPath: `${name}.git`, integrationBranch: 'main' })).id,
    newApiKey: async (appId, role, createdBy) => {
      const { token, hash } = issueApiKey();
      await apiKeys.create({
        appId,
        name: `key-${hash.slice(0, 8)}`,
        role,
        tokenHash: hash,
        displayPrefix: token.slice(0, 8),
        createdBy,
        expiresAt: null,
      });
      return token;
    },
    close: async () => {
      await api.close();
      await redis.quit();
      await database.close();
    },
  };
}

function forward(target: () => Logger | undefined): Logger {
  const logger: Logger = {
    debug: (message, fields) => target()?.debug(message, fields),
    info: (message, fields) => target()?.info(message, fields),
    warn: (message, fields) => target()?.warn(message, fields),
    error: (message, fields) => target()?.error(message, fields),
    child: () => logger,
  };
  return logger;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
