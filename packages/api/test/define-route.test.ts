import { z } from 'zod';
import {
  dataResponse,
  defineRoute,
  emptyResponse,
  noContent,
  objectId,
  ok,
  parsePagination,
} from '@conman/api';
import { type RunningApi, postJson, startApi } from './support/harness';
import { testModule } from './support/probe-module';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi({ modules: [testModule()] });
});
afterAll(() => api.close());

describe('replies', () => {
  it('wraps a reply in {data}', async () => {
    const response = await fetch(`${api.url}/api/test/items/abc1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { id: 'abc1', quantity: 1 } });
  });

  it('answers 201 for created and hands the handler the parsed body', async () => {
    const response = await postJson(`${api.url}/api/test/items`, { name: 'bolt', quantity: 3 });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ data: { name: 'bolt', quantity: 3 } });
  });

  it('answers 202 for accepted work', async () => {
    const response = await fetch(`${api.url}/api/test/jobs`, { method: 'POST' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ data: { job: { id: 'j1' } } });
  });

  it('answers 204 without a body', async () => {
    const response = await fetch(`${api.url}/api/test/items/abc`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('returns lists with pagination, parsing page and limit from the query', async () => {
    const response = await fetch(`${api.url}/api/test/items?page=3&limit=10&state=open`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { id: string }[]; pagination: unknown };
    expect(body.pagination).toEqual({ page: 3, limit: 10, total: 250 });
    expect(body.data[0]?.id).toBe('open20');
  });

  it('applies pagination defaults and rejects limits above 100 and bad filters', async () => {
    const defaults = (await (await fetch(`${api.url}/api/test/items`)).json()) as { pagination: unknown };
    expect(defaults.pagination).toEqual({ page: 1, limit: 20, total: 250 });
    const response = await fetch(`${api.url}/api/test/items?limit=101&page=0&state=lost`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: { fields: { path: string }[] } } };
    expect(body.error.details.fields.map((field) => field.path).sort()).toEqual([
      'query.limit',
      'query.page',
      'query.state',
    ]);
  });

  it('fails with 500 internal when a reply breaks its declared schema (response validation on)', async () => {
    const response = await fetch(`${api.url}/api/test/wrong-shape`);
    expect(response.status).toBe(500);
    const logged = api.logger.lines.find(
      (line) => line.fields.request_id === response.headers.get('x-request-id') && line.level === 'error',
    );
    expect(String((logged?.fields.error as Error).message)).toMatch(
      /getWrongShape: 200 reply does not match its schema/,
    );
  });
});

describe('request context', () => {
  it('gives the handler the request id, also through the async context', async () => {
    const response = await fetch(`${api.url}/api/test/context`, { headers: { 'x-request-id': 'ctx-1' } });
    expect(await response.json()).toEqual({ data: { request_id: 'ctx-1', handler_request_id: 'ctx-1' } });
  });

  it('keeps the async context across body parsing', async () => {
    const response = await postJson(
      `${api.url}/api/test/context`,
      { note: 'hi' },
      { 'x-request-id': 'ctx-2' },
    );
    expect(await response.json()).toEqual({ data: { request_id: 'ctx-2' } });
  });
  it('keeps the async context for a body that arrives in several packets', async () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode('{"note":'));
        await new Promise((resolve) => setTimeout(resolve, 30));
        controller.enqueue(encoder.encode('"later"}'));
        controller.close();
      },
    });
    const init = {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-type': 'application/json', 'x-request-id': 'ctx-3' },
    };
    const response = await fetch(`${api.url}/api/test/context`, init as RequestInit);
    expect(await response.json()).toEqual({ data: { request_id: 'ctx-3' } });
  });
});

describe('route definitions', () => {
  const base = {
    method: 'post' as const,
    operationId: 'bad',
    access: { kind: 'public' } as const,
    summary: 'bad',
    responses: { 204: emptyResponse('none') },
    handler: () => noContent(),
  };

  it('refuses body objects that would silently accept unknown fields', () => {
    expect(() =>
      defineRoute({ ...base, path: '/bad', request: { body: z.object({ a: z.string() }) } }),
    ).toThrow(/must reject unknown fields.*#$/);
    expect(() =>
      defineRoute({
        ...base,
        path: '/bad',
        request: { body: z.strictObject({ nested: z.object({ a: z.string() }) }) },
      }),
    ).toThrow(/lenient at #\/properties\/nested/);
  });

  it('accepts records and strict objects in bodies', () => {
    expect(() =>
      defineRoute({
        ...base,
        path: '/ok',
        request: { body: z.strictObject({ env: z.record(z.string(), z.string()) }) },
      }),
    ).not.toThrow();
  });

  it('requires the params schema to match the path parameters', () => {
    expect(() => defineRoute({ ...base, path: '/apps/:appId' })).toThrow(
      /must match path parameters \[appId\]/,
    );
    expect(() =>
      defineRoute({ ...base, path: '/apps/:appId', request: { params: z.object({ id: z.string() }) } }),
    ).toThrow(/\[id\] must match path parameters \[appId\]/);
  });

  it('refuses Express path syntax beyond literal and :name segments', () => {
    expect(() => defineRoute({ ...base, path: '/files/*rest' })).toThrow(/path must be/);
    expect(() => defineRoute({ ...base, path: 'relative' })).toThrow(/path must be/);
  });

  it('refuses two modules declaring the same operation', async () => {
    const route = defineRoute({
      method: 'get',
      path: '/twice',
      operationId: 'twice',
      access: { kind: 'public' },
      summary: 'twice',
      responses: { 200: dataResponse(z.object({}), 'empty') },
      handler: () => ok({}),
    });
    await expect(
      startApi({
        modules: [
          { name: 'a', routes: [route] },
          { name: 'b', routes: [route] },
        ],
      }),
    ).rejects.toThrow(/Duplicate operationId twice/);
  });
});

describe('parsePagination', () => {
  it('derives the skip from page and limit with defaults', () => {
    expect(parsePagination({})).toEqual({ page: 1, limit: 20, skip: 0 });
    expect(parsePagination({ page: '4', limit: '25' })).toEqual({ page: 4, limit: 25, skip: 75 });
  });

  it('throws validation_error with the offending fields', () => {
    expect(() => parsePagination({ page: 'x', limit: '1000' })).toThrow(
      expect.objectContaining({
        code: 'validation_error',
        details: {
          fields: [
            expect.objectContaining({ path: 'query.page' }),
            expect.objectContaining({ path: 'query.limit' }),
          ],
        },
      }),
    );
  });
});

describe('objectId', () => {
  it('accepts 24 lowercase hex characters only', () => {
    expect(objectId.safeParse('665f1c2ab8e4d2a1f0c3b9a7').success).toBe(true);
    for (const bad of ['665F1C2AB8E4D2A1F0C3B9A7', '665f1c2ab8e4d2a1f0c3b9a', '../../etc/passwd', '']) {
      expect(objectId.safeParse(bad).success).toBe(false);
    }
  });
});
