import path from 'node:path';
import { z } from 'zod';
import { NotFoundError } from '@conman/core';
import { type ApiModule, defineRoute, rawResponse } from '../../platform/route';
import { file, raw } from '../../platform/replies';
import type { MetricsRegistry } from '../../platform/metrics';
import type { OpenApiDocument } from '../../platform/openapi';
import {
  INITIALIZER_FILE,
  SWAGGER_UI_FILES,
  docsInitializer,
  docsPage,
  swaggerUiDirectory,
} from './docs-page';

export interface MetaModuleOptions {
  basePath: string;
  title: string;
  metrics: MetricsRegistry;
  /** Built on first request, once every module is mounted. */
  openApiDocument: () => OpenApiDocument;
}

/**
 * Service endpoints (docs/operations.md "Health, metrics, logs"): metrics, the OpenAPI document and its
 * interactive docs.
 */
export function metaModule({ basePath, title, metrics, openApiDocument }: MetaModuleOptions): ApiModule {
  const assetsPath = `${basePath}/docs/assets`;
  const page = docsPage(assetsPath, title);
  const initializer = docsInitializer(`${basePath}/openapi.json`);
  const assetsDirectory = swaggerUiDirectory();
  let documentText: string | undefined;
  return {
    name: 'meta',
    description: 'Metrics, API description and documentation',
    routes: [
      defineRoute({
        method: 'get',
        path: '/metrics',
        operationId: 'getMetrics',
        access: { kind: 'public' },
        summary: 'Prometheus metrics',
        responses: { 200: rawResponse('text/plain', 'Prometheus text exposition format') },
        handler: async () => raw(await metrics.registry.metrics(), metrics.registry.contentType),
      }),
      defineRoute({
        method: 'get',
        path: '/openapi.json',
        operationId: 'getOpenApiDocument',
        access: { kind: 'public' },
        summary: 'OpenAPI 3.1 document of this API',
        responses: { 200: rawResponse('application/json', 'The OpenAPI 3.1 document') },
        handler: () => {
          documentText ??= JSON.stringify(openApiDocument());
          return raw(documentText, 'application/json');
        },
      }),
      defineRoute({
        method: 'get',
        path: '/docs',
        operationId: 'getDocs',
        access: { kind: 'public' },
        summary: 'Interactive API documentation (swagger-ui)',
        responses: { 200: rawResponse('text/html', 'The documentation page') },
        handler: () => raw(page, 'text/html'),
      }),
      defineRoute({
        method: 'get',
        path: '/docs/assets/:asset',
        operationId: 'getDocsAsset',
        access: { kind: 'public' },
        summary: 'Static file of the documentation page',
        request: { params: z.object({ asset: z.string().max(100) }) },
        responses: { 200: rawResponse('application/octet-stream', 'The file') },
        errors: ['not_found'],
        handler: ({ params }) => {
          if (params.asset === INITIALIZER_FILE) return raw(initializer, 'application/javascript');
          if (!SWAGGER_UI_FILES.has(params.asset))
            throw new NotFoundError(`No documentation asset ${params.asset}`);
          return file(path.join(assetsDirectory, params.asset));
        },
      }),
    ],
  };
}
