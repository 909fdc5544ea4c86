import { z } from 'zod';
import {
  type ApiModule,
  accepted,
  created,
  dataResponse,
  defineRoute,
  emptyResponse,
  noContent,
  ok,
  pageResponse,
  pageWindow,
  paginated,
  paginationQuery,
} from '@conman/api';
import { currentRequestContext } from '@conman/core';

/**
 * A module that exists only in tests: it exercises defineRoute's parsing, replies and error paths.
 * `throwers` maps a name to the error GET /api/test/throw/:name throws.
 */
export function testModule(throwers: Record<string, () => unknown> = {}): ApiModule {
  const item = z.object({ id: z.string(), quantity: z.number().int() });
  return {
    name: 'test',
    routes: [
      defineRoute({
        method: 'get',
        path: '/test/items/:id',
        operationId: 'getTestItem',
        access: { kind: 'public' },
        summary: 'Echo an item id',
        request: { params: z.object({ id: z.string().regex(/^[a-z0-9]+$/) }) },
        responses: { 200: dataResponse(item, 'The item') },
        handler: ({ params }) => ok({ id: params.id, quantity: 1 }),
      }),
      defineRoute({
        method: 'post',
        path: '/test/items',
        operationId: 'createTestItem',
        access: { kind: 'public' },
        summary: 'Create an item',
        request: {
          body: z.strictObject({
            name: z.string().min(1),
            quantity: z.number().int().positive(),
            tags: z.array(z.strictObject({ label: z.string() })).optional(),
          }),
        },
        responses: { 201: dataResponse(z.object({ name: z.string(), quantity: z.number() }), 'Created') },
        handler: ({ body }) => created({ name: body.name, quantity: body.quantity }),
      }),
      defineRoute({
        method: 'get',
        path: '/test/items',
        operationId: 'listTestItems',
        access: { kind: 'public' },
        summary: 'List items',
        request: { query: paginationQuery.extend({ state: z.enum(['open', 'closed']).optional() }) },
        responses: { 200: pageResponse(item, 'A page of items') },
        handler: ({ query }) => {
          const window = pageWindow(query);
          const items = Array.from({ length: 3 }, (_, index) => ({
            id: `${query.state ?? 'any'}${window.skip + index}`,
            quantity: index,
          }));
          return paginated(items, { page: window.page, limit: window.limit, total: 250 });
        },
      }),
      defineRoute({
        method: 'post',
        path: '/test/jobs',
        operationId: 'startTestJob',
        access: { kind: 'public' },
        summary: 'Start asynchronous work',
        responses: { 202: dataResponse(z.object({ job: z.object({ id: z.string() }) }), 'Accepted') },
        handler: () => accepted({ job: { id: 'j1' } }),
      }),
      defineRoute({
        method: 'delete',
        path: '/test/items/:id',
        operationId: 'deleteTestItem',
        access: { kind: 'public' },
        summary: 'Delete an item',
        request: { params: z.object({ id: z.string() }) },
        responses: { 204: emptyResponse('Deleted') },
        handler: () => noContent(),
      }),
      defineRoute({
        method: 'get',
        path: '/test/context',
        operationId: 'getTestContext',
        access: { kind: 'public' },
        summary: 'The request context seen by the handler',
        responses: {
          200: dataResponse(
            z.object({ request_id: z.string().optional(), handler_request_id: z.string() }),
            'Context',
          ),
        },
        handler: async ({ requestId }) => {
          await new Promise((resolve) => setImmediate(resolve));
          return ok({ request_id: currentRequestContext()?.requestId, handler_request_id: requestId });
        },
      }),
      defineRoute({
        method: 'post',
        path: '/test/context',
        operationId: 'postTestContext',
        access: { kind: 'public' },
        summary: 'The request context seen by a handler of a request with a body',
        request: { body: z.strictObject({ note: z.string() }) },
        responses: { 200: dataResponse(z.object({ request_id: z.string().optional() }), 'Context') },
        handler: () => ok({ request_id: currentRequestContext()?.requestId }),
      }),
      defineRoute({
        method: 'get',
        path: '/test/wrong-shape',
        operationId: 'getWrongShape',
        access: { kind: 'public' },
        summary: 'Replies with data that breaks its own schema',
        responses: { 200: dataResponse(z.object({ count: z.number() }), 'Never valid') },
        handler: () => ok(JSON.parse('{"count":"three"}') as { count: number }),
      }),
      defineRoute({
        method: 'get',
        path: '/test/throw/:name',
        operationId: 'throwTestError',
        access: { kind: 'public' },
        summary: 'Throws the named error',
        request: { params: z.object({ name: z.string() }) },
        responses: { 204: emptyResponse('Never') },
        handler: async ({ params }) => {
          const thrower = throwers[params.name];
          if (thrower === undefined) return noContent();
          throw thrower();
        },
      }),
    ],
  };
}
