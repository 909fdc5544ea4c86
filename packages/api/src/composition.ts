import type { Logger } from '@conman/core';
import {
  AccessControl,
  RateLimiter,
  RoleResolver,
  SessionService,
  type RateLimitRule,
  type CacheInvalidationBus,
} from '@conman/auth';
import {
  ApiKeysRepository,
  AppsRepository,
  AuditLog,
  ChangesetCommentsRepository,
  ChangesetReviewsRepository,
  ChangesetRevisionsRepository,
  ChangesetsRepository,
  EnvironmentsRepository,
  InvitesRepository,
  JobLogStore,
  JobStore,
  MailOutbox,
  MembershipsRepository,
  NotificationPreferencesRepository,
  PasswordResetTokensRepository,
  QueueCounters,
  SessionsRepository,
  UnitOfWork,
  UsersRepository,
  WorkspacesRepository,
  type MongoConnection,
} from '@conman/db';
import type { GitAdapter } from '@conman/git';
import type { JobProducer } from '@conman/jobs';
import type { ApiModule } from './platform/route';
import { LOGIN_LIMITS, authModule } from './resources/auth';
import { FORGOT_PASSWORD_LIMITS, passwordResetModule } from './resources/auth/password-reset';
import { meModule } from './resources/me';
import { membersModule } from './resources/members';
import { auditModule } from './resources/audit';
import { apiKeysModule } from './resources/api-keys';
import { auditedApiKeyLookup } from './resources/api-keys/usage';
import { AppListCache, appsModule } from './resources/apps';
import { environmentsModule } from './resources/environments';
import { invitesModule } from './resources/invites';
import { jobsModule } from './resources/jobs';
import { acceptInviteModule, type AcceptInviteLimits } from './resources/invites/accept';
import { WorkspaceService, workspacesModule, type WorkspaceListeners } from './resources/workspaces';
import {
  ChangesetService,
  changesetWorkspaceListeners,
  changesetsModule,
  type ChangesetsModuleDependencies,
} from './resources/changesets';
import { queueModule } from './resources/queue';
import { createChangesetAssistant, inlineAnalysis, type AnalysisRunner } from './ai';

type Limits = { perIp: RateLimitRule; perEmail: RateLimitRule };

/** What every Conman API process needs to build its resource modules. */
export interface ConmanApiContext {
  mongo: Pick<MongoConnection, 'db' | 'client'>;
  /** The Redis client shared by the rate limiter's counters. */
  redis: ConstructorParameters<typeof RateLimiter>[0];
  git: GitAdapter;
  /** Enqueues and cancels jobs; built by the process (it owns the BullMQ/Redis connections). */
  jobProducer: JobProducer;
  logger: Logger;
  jwtSecret: string;
  /** Session lifetime; the SessionService default (24 h) when absent. */
  jwtTtlSeconds?: number;
  /** CONMAN_PUBLIC_URL without a trailing slash, for links in mail. */
  publicUrl: string;
  /** CONMAN_INVITE_EXPIRY_DAYS; the invites module's default (7) when absent. */
  inviteExpiryDays?: number;
  /** Redis key prefix of the rate-limit counters (tests isolate themselves with their own). */
  rateLimitPrefix?: string;
  loginLimits?: Limits;
  forgotPasswordLimits?: Limits;
  /** Accept-invite attempts per client IP, email and token; `ACCEPT_INVITE_LIMITS` for those absent. */
  acceptInviteLimits?: Partial<AcceptInviteLimits>;
  /**
   * Carries role and session cache invalidations between server processes (Redis pub/sub, built by
   * the server); without it a role change or a revoked session reaches other processes within the
   * cache TTL.
   */
  cacheInvalidation?: CacheInvalidationBus;
  /**
   * CONMAN_AI_*: an OpenAI-compatible endpoint enriching changeset analysis and chat (docs/semantic-diff.md
   * "AI assistant").
   */
  ai?: { baseUrl?: string | undefined; apiKey?: string | undefined; model?: string | undefined };
  /**
   * Runs semantic diffs and the built-in analyzer of member content: the server's `AnalysisPool`
   * (worker threads, CONMAN_ANALYSIS_BUDGET_MS); on the calling thread when absent (tests).
   */
  analysis?: AnalysisRunner;
}

/** The repositories and services behind the modules, exposed so callers (tests, tools) can use them. */
export interface ConmanServices {
  users: UsersRepository;
  sessions: SessionsRepository;
  memberships: MembershipsRepository;
  apiKeys: ApiKeysRepository;
  apps: AppsRepository;
  /** The apps GET /apps lists, cached like roles (2 s, dropped across processes on every app change). */
  appList: AppListCache;
  environments: EnvironmentsRepository;
  audit: AuditLog;
  /** Every change with its audit events in one transaction. */
  unitOfWork: UnitOfWork;
  invites: InvitesRepository;
  outbox: MailOutbox;
  jobs: JobStore;
  jobLogs: JobLogStore;
  roles: RoleResolver;
  sessionService: SessionService;
  access: AccessControl;
  rateLimiter: RateLimiter;
  workspaces: WorkspacesRepository;
  /** Working state, commits and syncs of workspaces; changesets listen to its head moves and edits. */
  workspaceService: WorkspaceService;
  /** Every state change of changesets. */
  changesetService: ChangesetService;
  /** How changesets follow their workspaces (head moves, author edits). */
  workspaceListeners: WorkspaceListeners;
  changesets: ChangesetsRepository;
  changesetRevisions: ChangesetRevisionsRepository;
  changesetReviews: ChangesetReviewsRepository;
  changesetComments: ChangesetCommentsRepository;
  queueCounters: QueueCounters;
}

export function createConmanServices(context: ConmanApiContext): ConmanServices {
  const { db } = context.mongo;
  const users = new UsersRepository(db);
  const sessions = new SessionsRepository(db);
  const memberships = new MembershipsRepository(db);
  const apiKeys = new ApiKeysRepository(db);
  const apps = new AppsRepository(db);
  const roles = new RoleResolver({
    memberships,
    apps,
    ...(context.cacheInvalidation && { bus: context.cacheInvalidation }),
  });
  const audit = new AuditLog(db);
  const sessionService = new SessionService({
    users,
    sessions,
    jwtSecret: context.jwtSecret,
    ...(context.jwtTtlSeconds !== undefined && { ttlSeconds: context.jwtTtlSeconds }),
    ...(context.cacheInvalidation && { bus: context.cacheInvalidation }),
  });
  const workspaces = new WorkspacesRepository(db);
  const unitOfWork = new UnitOfWork(context.mongo.client, audit);
  // Changesets need the workspace service and listen to it: they are built after it, and the
  // workspace service reads its listeners at each event.
  const composed: { changesets?: Pick<ConmanServices, 'changesetService' | 'workspaceListeners'> } = {};
  const built = () => {
    if (!composed.changesets) throw new Error('changesets are not composed yet');
    return composed.changesets;
  };
  const services: ConmanServices = {
    users,
    sessions,
    memberships,
    apiKeys,
    apps,
    appList: new AppListCache({
      apps,
      ...(context.cacheInvalidation && { bus: context.cacheInvalidation }),
    }),
    environments: new EnvironmentsRepository(db),
    audit,
    unitOfWork,
    invites: new InvitesRepository(db),
    outbox: new MailOutbox(db),
    jobs: new JobStore(db),
    jobLogs: new JobLogStore(db),
    roles,
    sessionService,
    access: new AccessControl({
      sessions: sessionService,
      apiKeys: auditedApiKeyLookup({ unitOfWork, apiKeys, logger: context.logger }),
      roles,
    }),
    rateLimiter: new RateLimiter(context.redis, context.rateLimitPrefix),
    workspaces,
    workspaceService: new WorkspaceService({
      unitOfWork,
      git: context.git,
      workspaces,
      users,
      apps,
      listeners: () => built().workspaceListeners,
    }),
    get changesetService() {
      return built().changesetService;
    },
    get workspaceListeners() {
      return built().workspaceListeners;
    },
    changesets: new ChangesetsRepository(db),
    changesetRevisions: new ChangesetRevisionsRepository(db),
    changesetReviews: new ChangesetReviewsRepository(db),
    changesetComments: new ChangesetCommentsRepository(db),
    queueCounters: new QueueCounters(db),
  };
  const changesetDeps = changesetDependencies(context, services);
  const changesetService = new ChangesetService(changesetDeps);
  composed.changesets = {
    changesetService,
    workspaceListeners: changesetWorkspaceListeners(changesetDeps, changesetService),
  };
  return services;
}

function changesetDependencies(
  context: ConmanApiContext,
  services: ConmanServices,
): ChangesetsModuleDependencies {
  return {
    unitOfWork: services.unitOfWork,
    apps: services.apps,
    changesets: services.changesets,
    revisions: services.changesetRevisions,
    reviews: services.changesetReviews,
    comments: services.changesetComments,
    queueCounters: services.queueCounters,
    jobs: services.jobs,
    producer: context.jobProducer,
    git: context.git,
    audit: services.audit,
    workspaces: services.workspaceService,
    analysis: context.analysis ?? inlineAnalysis,
    assistant: createChangesetAssistant({
      ...(context.ai?.baseUrl !== undefined && { baseUrl: context.ai.baseUrl }),
      ...(context.ai?.apiKey !== undefined && { apiKey: context.ai.apiKey }),
      ...(context.ai?.model !== undefined && { model: context.ai.model }),
      logger: context.logger,
      builtinAnalyzer: (analysisContext) => (context.analysis ?? inlineAnalysis).analyze(analysisContext),
    }),
    logger: context.logger,
  };
}

/** Every resource module of the Conman API, wired to one set of services: the single place modules are composed. */
export function conmanModules(context: ConmanApiContext, services: ConmanServices): ApiModule[] {
  const { logger, publicUrl } = context;
  const { db } = context.mongo;
  const { unitOfWork } = services;
  const preferences = new NotificationPreferencesRepository(db);
  const { audit, apps, memberships, users, sessions, invites, outbox, roles, rateLimiter } = services;
  return [
    authModule({
      unitOfWork,
      sessionService: services.sessionService,
      sessions,
      rateLimiter,
      audit,
      logger,
      loginLimits: context.loginLimits ?? LOGIN_LIMITS,
    }),
    meModule({
      unitOfWork,
      roles,
      preferences,
      audit,
    }),
    membersModule({ unitOfWork, roles, memberships, users, audit }),
    auditModule({ audit }),
    apiKeysModule({ unitOfWork, apiKeys: services.apiKeys, audit }),
    appsModule({
      unitOfWork,
      apps,
      memberships,
      roles,
      appList: services.appList,
      environments: services.environments,
      audit,
      git: context.git,
      logger,
    }),
    environmentsModule({
      unitOfWork,
      apps,
      appList: services.appList,
      environments: services.environments,
      audit,
    }),
    invitesModule({
      unitOfWork,
      apps,
      invites,
      outbox,
      audit,
      publicUrl,
      ...(context.inviteExpiryDays !== undefined && { expiryDays: context.inviteExpiryDays }),
    }),
    jobsModule({
      unitOfWork,
      apps,
      jobs: services.jobs,
      jobLogs: services.jobLogs,
      producer: context.jobProducer,
      git: context.git,
      audit,
    }),
    acceptInviteModule({
      unitOfWork,
      invites,
      users,
      memberships,
      roles,
      audit,
      rateLimiter,
      ...(context.acceptInviteLimits !== undefined && { limits: context.acceptInviteLimits }),
    }),
    workspacesModule({ apps, service: services.workspaceService, preferences }),
    changesetsModule(services.changesetService.dependencies, services.changesetService),
    queueModule({
      unitOfWork,
      changesets: services.changesets,
      queueCounters: services.queueCounters,
      audit,
    }),
    passwordResetModule({
      unitOfWork,
      users,
      sessions,
      sessionService: services.sessionService,
      resetTokens: new PasswordResetTokensRepository(db),
      outbox,
      audit,
      rateLimiter,
      logger,
      publicUrl,
      limits: context.forgotPasswordLimits ?? FORGOT_PASSWORD_LIMITS,
    }),
  ];
}
