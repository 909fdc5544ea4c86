import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '@conman/core';
import type { ApiModule, ResponseSpec, Route } from './route';
import type { RouteAccess } from './access';
import { errorEnvelopeSchema } from './error-envelope';
import { paginationSchema } from './pagination';
import { REQUEST_ID_HEADER } from './request-id';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

const requestIdHeader = {
  [REQUEST_ID_HEADER]: {
    description: 'The request id (echoed from the request or generated)',
    schema: { type: 'string' as const },
  },
};

/** `/apps/:appId` → `/apps/{appId}` */
function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z][A-Za-z0-9_]*)/g, '{$1}');
}

function successResponse(spec: ResponseSpec): ResponseConfig {
  const base = { description: spec.description, headers: requestIdHeader };
  switch (spec.kind) {
    case 'data':
      return { ...base, content: { 'application/json': { schema: z.object({ data: spec.schema }) } } };
    case 'page':
      return {
        ...base,
        content: {
          'application/json': {
            schema: z.object({ data: z.array(spec.schema), pagination: paginationSchema }),
          },
        },
      };
    case 'empty':
      return base;
    case 'raw':
      return { ...base, content: { [spec.contentType]: { schema: { type: 'string' } } } };
  }
}

/**
 * Every operation may answer `validation_error` and `unsupported_media_type` (the URL and UTF-8 JSON
 * body checks apply to all routes) and `internal`, besides the codes the route declares.
 */
function errorCodesOf(route: Route): ErrorCode[] {
  return [...new Set<ErrorCode>(['validation_error', 'unsupported_media_type', 'internal', ...route.errors])];
}

function errorResponses(route: Route): Record<number, ResponseConfig> {
  const codesByStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(route)) {
    const status = ERROR_STATUS[code];
    codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...codesByStatus].map(([status, codes]) => [
      status,
      {
        description: `Error: ${codes.join(' or ')}`,
        headers: requestIdHeader,
        content: { 'application/json': { schema: errorEnvelopeSchema } },
      },
    ]),
  );
}

function requestConfig(route: Route): RouteConfig['request'] {
  const { params, query, body } = route.request;
  return {
    ...(params && { params }),
    ...(query && { query }),
    ...(body && {
      body: {
        required: !body.safeParse(undefined).success,
        content: { 'application/json': { schema: body } },
      },
    }),
  };
}

/** The declaration as documented: kind, capability and owner rule (the item loader is code). */
function publishedAccess(access: RouteAccess): Record<string, string> {
  if (access.kind !== 'app') return { ...access };
  return {
    kind: access.kind,
    capability: access.capability,
    ...(access.own !== undefined && { own: access.own }),
  };
}

function routeConfig(route: Route, module: ApiModule, basePath: string): RouteConfig {
  const successes = Object.entries(route.responses).map(([status, spec]) => [status, successResponse(spec)]);
  return {
    method: route.method,
    path: toOpenApiPath(`${basePath}${route.path}`),
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description !== undefined && { description: route.description }),
    tags: [...(route.tags ?? [module.name])],
    'x-conman-access': publishedAccess(route.access),
    request: requestConfig(route),
    responses: { ...Object.fromEntries(successes), ...errorResponses(route) },
  };
}

/** The OpenAPI 3.1 document of the given modules, generated from their routes' zod schemas. */
export function buildOpenApiDocument(
  modules: readonly ApiModule[],
  info: OpenApiInfo,
  basePath: string,
): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'User session token (POST /api/auth/login)',
  });
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'Service account key',
  });
  for (const module of modules) {
    for (const route of module.routes) registry.registerPath(routeConfig(route, module, basePath));
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { ...info },
    tags: modules.map((module) => ({
      name: module.name,
      ...(module.description !== undefined && { description: module.description }),
    })),
  });
}
