export { createApiApp, API_BASE_PATH, DEFAULT_READINESS_TIMEOUT_MS } from './app';
export type { ApiDependencies, HttpSettings } from './dependencies';
export {
  defineRoute,
  dataResponse,
  pageResponse,
  emptyResponse,
  rawResponse,
  type ApiModule,
  type Route,
  type RouteDefinition,
  type RouteAccess,
  type HandlerContext,
  type HttpMethod,
  type ReplyFor,
  type ResponseSpec,
  type ResponseSpecs,
  type SuccessStatus,
} from './platform/route';
export {
  ok,
  created,
  accepted,
  paginated,
  noContent,
  raw,
  file,
  type AnyReply,
  type DataReply,
  type PageReply,
  type EmptyReply,
  type RawReply,
  type FileReply,
} from './platform/replies';
export {
  paginationQuery,
  paginationSchema,
  pageWindow,
  parsePagination,
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  type PageWindow,
  type Pagination,
  type PaginationQuery,
} from './platform/pagination';
export {
  errorEnvelopeSchema,
  ERROR_CODES,
  INTERNAL_ERROR_MESSAGE,
  type ErrorEnvelope,
} from './platform/error-envelope';
export { fieldErrors, type FieldError } from './platform/validation';
export { objectId } from './platform/common-schemas';
export { createMetrics, type MetricsRegistry, type MetricsOptions } from './platform/metrics';
export { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './platform/openapi';
export { REQUEST_ID_HEADER } from './platform/request-id';
export { answerClientErrorsWithEnvelope } from './platform/client-errors';
export { MAX_RECORDED_HEADER_LENGTH } from './platform/recorded-headers';
export { UNMATCHED_ROUTE } from './platform/locals';
export {
  checkReadiness,
  type ReadinessProbe,
  type ReadinessReport,
  type ComponentStatus,
  type ComponentState,
} from './resources/health/readiness';
export { createAccessGuard, type AccessGuardDependencies } from './resources/auth/guard';
export type { AccessGuard, ItemSource, UserCaller, AppGrant } from './platform/access';
export { authModule, LOGIN_LIMITS, type AuthModuleDependencies } from './resources/auth';
export { meModule, type MeModuleDependencies } from './resources/me';
export { membersModule, type MembersModuleDependencies } from './resources/members';
export { auditModule } from './resources/audit';
export { invitesModule, type InvitesModuleDependencies } from './resources/invites';
export { acceptInviteModule, type AcceptInviteModuleDependencies } from './resources/invites/accept';
export {
  passwordResetModule,
  FORGOT_PASSWORD_LIMITS,
  type PasswordResetModuleDependencies,
} from './resources/auth/password-reset';
export { apiKeysModule, type ApiKeysModuleDependencies } from './resources/api-keys';
export { environmentsModule, type EnvironmentsModuleDependencies } from './resources/environments';
export { appsModule, type AppsModuleDependencies } from './resources/apps';
export {
  workspacesModule,
  WorkspaceService,
  NO_DEPLOYMENTS,
  type WorkspacesModuleDependencies,
  type WorkspaceListeners,
  type WorkspaceActor,
  type WorkspaceServiceDependencies,
  type CanonicalReleaseSource,
} from './resources/workspaces';
export {
  conmanModules,
  createConmanServices,
  type ConmanApiContext,
  type ConmanServices,
} from './composition';
export {
  createChangesetAssistant,
  DEFAULT_AI_TIMEOUT_MS,
  type ChangesetAssistant,
  type ChangesetAssistantOptions,
  AnalysisPool,
  inlineAnalysis,
  type AnalysisRunner,
  type AnalysisPoolOptions,
} from './ai';
