import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { CommitMode, Logger, Role } from '@conman/core';
import { hashPassword, issueApiKey, type SessionService } from '@conman/auth';
import type {
  ApiKeysRepository,
  AppsRepository,
  InvitesRepository,
  MailOutbox,
  MembershipsRepository,
  UsersRepository,
} from '@conman/db';
import { JobStore } from '@conman/db';
import { LocalGitAdapter, type GitAdapter } from '@conman/git';
import { JobProducer, JobQueues, createBullConnection } from '@conman/jobs';
import { LOGIN_LIMITS } from '../../src/resources/auth';
import { FORGOT_PASSWORD_LIMITS } from '../../src/resources/auth/password-reset';
import type { AcceptInviteLimits } from '../../src/resources/invites/accept';
import {
  conmanModules,
  createConmanServices,
  type ConmanApiContext,
  type ConmanServices,
} from '../../src/composition';
import { openTestDatabase, testRedisUrl, type TestDatabase } from '@conman/test-support';
import { type RunningApi, startApi } from './harness';
import { createAccessGuard } from '../../src/resources/auth/guard';

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
  services: ConmanServices;
  git: GitAdapter;
  /** The producer the jobs module enqueues with (no workers run in-process: jobs stay queued). */
  jobProducer: JobProducer;
  /** Where the fixture's Git repositories live. */
  storageRoot: string;
  /** Creates a user (optionally a member of `appId`) and returns its id and a session token. */
  newUser(email: string, membership?: { appId: string; role: Role }): Promise<{ id: string; token: string }>;
  newApp(name: string): Promise<string>;
  /** Sets the app's `commit_mode_default` (checkpoints need `manual_checkpoint`). */
  setCommitModeDefault(appId: string, mode: CommitMode): Promise<void>;
  newApiKey(appId: string, role: Role, createdBy: string): Promise<string>;
  close(): Promise<void>;
}

export interface IdentityApiOptions {
  /** Other accept-invite limits, e.g. raised to call that endpoint once per caller kind. */
  acceptInviteLimits?: Partial<AcceptInviteLimits>;
  /** CONMAN_INVITE_EXPIRY_DAYS of the server (the module default when absent). */
  inviteExpiryDays?: number;
  /** The Git adapter on the fixture's storage root (default a LocalGitAdapter), e.g. one that fails. */
  createGit?: (storageRoot: string) => GitAdapter;
}

export async function startIdentityApi(
  loginLimits = LOGIN_LIMITS,
  options: IdentityApiOptions = {},
): Promise<IdentityFixture> {
  const database = await openTestDatabase();
  const redisUrl = testRedisUrl();
  const redis = new Redis(redisUrl);
  const storageRoot = mkdtempSync(join(tmpdir(), 'conman-api-repos-'));
  const git = options.createGit?.(storageRoot) ?? new LocalGitAdapter({ storageRoot });
  const moduleLogger: { target?: Logger } = {};
  const bullConnection = createBullConnection(redisUrl);
  const jobQueues = new JobQueues(bullConnection, `test-${randomUUID()}`);
  const jobProducer = new JobProducer(new JobStore(database.db), jobQueues, redis);
  const context: ConmanApiContext = {
    mongo: database,
    redis,
    git,
    jobProducer,
    // Module warnings land in the harness's recording logger, so tests can grep every line.
    logger: forward(() => moduleLogger.target),
    jwtSecret: JWT_SECRET,
    publicUrl: PUBLIC_URL,
    rateLimitPrefix: `test:${randomUUID()}`,
    loginLimits,
    // Every request comes from 127.0.0.1: only the per-email limit is exercised here.
    forgotPasswordLimits: {
      ...FORGOT_PASSWORD_LIMITS,
      perIp: { ...FORGOT_PASSWORD_LIMITS.perIp, limit: 1000 },
    },
    ...(options.acceptInviteLimits !== undefined && { acceptInviteLimits: options.acceptInviteLimits }),
    ...(options.inviteExpiryDays !== undefined && { inviteExpiryDays: options.inviteExpiryDays }),
  };
  const services = createConmanServices(context);
  const { users, apps, memberships, apiKeys, sessionService } = services;
  const api = await startApi({
    modules: conmanModules(context, services),
    guard: createAccessGuard(services),
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
    invites: services.invites,
    outbox: services.outbox,
    services,
    git,
    jobProducer,
    storageRoot,
    newUser: async (email, membership) => {
      const user = await users.create({ email, name: email.split('@')[0] ?? email, passwordHash });
      if (membership) await memberships.add(membership.appId, user.id, membership.role);
      return { id: user.id, token: (await sessionService.login(email, PASSWORD)).token };
    },
    newApp: async (name) =>
      (await apps.create({ name, repoPath: `${name}.git`, integrationBranch: 'main' })).id,
    setCommitModeDefault: async (appId, mode) => {
      const app = await apps.findById(appId);
      if (!app) throw new Error(`no app ${appId}`);
      await apps.updateSettings(appId, { ...app.settings, commit_mode_default: mode });
    },
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
      await jobQueues.close();
      bullConnection.disconnect();
      await redis.quit();
      await git.close();
      await database.close();
      rmSync(storageRoot, { recursive: true, force: true });
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
