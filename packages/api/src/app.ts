import express from 'express';
import type { ApiDependencies } from './dependencies';
import { jsonBodies } from './platform/body';
import { renderErrors, unmatchedRoute } from './platform/error-handling';
import { mountRoute } from './platform/mount';
import { observeRequests } from './platform/observe';
import { type OpenApiDocument, buildOpenApiDocument } from './platform/openapi';
import { requestContext } from './platform/request-id';
import type { ApiModule } from './platform/route';
import type { AccessGuard } from './platform/access';
import { corsPolicy, noStore, securityHeaders } from './platform/security';
import { requireWellFormedUrls } from './platform/url-encoding';
import { healthModule } from './resources/health';
import { metaModule } from './resources/meta';

export const API_BASE_PATH = '/api';
export const DEFAULT_READINESS_TIMEOUT_MS = 2000;
const API_TITLE = 'Conman API';

function assertUniqueOperations(modules: readonly ApiModule[]): void {
  const seen = new Set<string>();
  for (const route of modules.flatMap((module) => module.routes)) {
    for (const key of [
      `operationId ${route.operationId}`,
      `route ${route.method.toUpperCase()} ${route.path}`,
    ]) {
      if (seen.has(key)) throw new Error(`Duplicate ${key}`);
      seen.add(key);
    }
  }
}

/** Without a guard only public routes can be served: refuse at startup rather than answer unchecked. */
function publicOnlyGuard(modules: readonly ApiModule[]): AccessGuard {
  const guarded = modules.flatMap((module) => module.routes).find((route) => route.access.kind !== 'public');
  if (guarded)
    throw new Error(`${guarded.operationId} declares ${guarded.access.kind} access but no guard was given`);
  return { grant: () => Promise.resolve({}) };
}

/**
 * The Express application of the API: platform middleware in order (request id and context, access
 * log and metrics, security and no-store headers, CORS, URL encoding check, JSON bodies), every
 * module's routes under /api, then the 404 and error envelopes. The caller owns the HTTP server and
 * passes it to `answerClientErrorsWithEnvelope` for requests Node refuses before Express sees them.
 */
export function createApiApp(deps: ApiDependencies): express.Express {
  let document: OpenApiDocument | undefined;
  const modules: ApiModule[] = [
    healthModule({
      probes: deps.readiness,
      probeTimeoutMs: deps.http.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS,
    }),
    ...deps.modules,
  ];
  modules.push(
    metaModule({
      basePath: API_BASE_PATH,
      title: API_TITLE,
      metrics: deps.metrics,
      openApiDocument: () =>
        (document ??= buildOpenApiDocument(
          modules,
          { title: API_TITLE, version: deps.version },
          API_BASE_PATH,
        )),
    }),
  );
  assertUniqueOperations(modules);
  const guard = deps.guard ?? publicOnlyGuard(modules);

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.http.trustProxy ?? false);
  app.use(requestContext());
  app.use(observeRequests(deps.logger, deps.metrics));
  app.use(securityHeaders());
  app.use(noStore());
  app.use(corsPolicy(deps.http.corsOrigins));
  app.use(requireWellFormedUrls());
  app.use(jsonBodies(deps.http.bodyLimitBytes));

  const router = express.Router();
  const mountOptions = {
    basePath: API_BASE_PATH,
    validateResponses: deps.validateResponses ?? false,
    guard,
  };
  for (const module of modules) {
    for (const route of module.routes) mountRoute(router, route, mountOptions);
  }
  app.use(API_BASE_PATH, router);
  app.use(unmatchedRoute());
  app.use(renderErrors(deps.logger));
  return app;
}
