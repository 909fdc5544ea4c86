import {
  ConflictError,
  ConmanError,
  ForbiddenError,
  InvalidTransitionError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
} from '@conman/core';
import { type RunningApi, postJson, startApi } from './support/harness';
import { testModule } from './support/probe-module';

class DatabaseExploded extends Error {
  constructor() {
    super('connection to mongodb://admin:hunter2@db/conman lost');
  }
}

const throwers: Record<string, () => unknown> = {
  notFound: () => new NotFoundError('App not found'),
  conflict: () => new ConflictError('Lock held', { conflicting_paths: ['a.json'] }),
  transition: () => new InvalidTransitionError('Cannot queue a draft'),
  forbidden: () => new ForbiddenError(),
  unauthorized: () => new UnauthorizedError(),
  unavailable: () => new UnavailableError('Redis down'),
  gitError: () => new ConmanError('git_error', 'git backend failed'),
  internalCoded: () => new ConmanError('internal', 'invariant broken: secret detail'),
  rateLimited: () => new RateLimitedError(2.4),
  plain: () => new DatabaseExploded(),
  notAnError: () => 'a string',
};

let api: RunningApi;

beforeAll(async () => {
  api = await startApi({ modules: [testModule(throwers)] });
});
afterAll(() => api.close());

async function errorOf(response: Response) {
  const body = (await response.json()) as {
    error: { code: string; message: string; request_id: string; details?: Record<string, unknown> };
  };
  expect(body.error.request_id).toBe(response.headers.get('x-request-id'));
  return body.error;
}

describe('request bodies', () => {
  it('answers malformed JSON with 400 validation_error in the envelope', async () => {
    const response = await postJson(`${api.url}/api/test/items`, '{"name": "a",');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const error = await errorOf(response);
    expect(error.code).toBe('validation_error');
    expect(error.message).toBe('Malformed JSON in request body');
  });

  it('rejects unknown body fields, nested ones included, listing each', async () => {
    const response = await postJson(`${api.url}/api/test/items`, {
      name: 'a',
      quantity: 1,
      colour: 'red',
      tags: [{ label: 'x', weight: 2 }],
    });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('validation_error');
    expect(error.details?.fields).toEqual(
      expect.arrayContaining([
        { path: 'body.colour', message: 'Unknown field', code: 'unrecognized_keys' },
        { path: 'body.tags[0].weight', message: 'Unknown field', code: 'unrecognized_keys' },
      ]),
    );
  });

  it('lists every wrong type with its field path', async () => {
    const response = await postJson(`${api.url}/api/test/items`, { name: 5, quantity: 'many' });
    const error = await errorOf(response);
    expect(response.status).toBe(400);
    const fields = error.details?.fields as { path: string; message: string }[];
    expect(fields.map((field) => field.path).sort()).toEqual(['body.name', 'body.quantity']);
    expect(fields[0]?.message).toMatch(/expected/);
  });

  it('reports a missing body of a route that needs one', async () => {
    const response = await fetch(`${api.url}/api/test/items`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details?.fields).toEqual([expect.objectContaining({ path: 'body' })]);
  });

  it('rejects fields sent to a route that takes no body, and accepts {}', async () => {
    const rejected = await postJson(`${api.url}/api/test/jobs`, { force: true });
    expect(rejected.status).toBe(400);
    expect((await errorOf(rejected)).details?.fields).toEqual([
      { path: 'body.force', message: 'Unknown field', code: 'unrecognized_keys' },
    ]);
    expect((await postJson(`${api.url}/api/test/jobs`, {})).status).toBe(202);
  });

  it('answers a non-JSON body with 400 validation_error naming the content type', async () => {
    const response = await fetch(`${api.url}/api/test/items`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'name=a',
    });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('validation_error');
    expect(error.details).toEqual({ content_type: 'text/plain' });
  });

  it('answers a body above the limit with 413 payload_too_large', async () => {
    const response = await postJson(`${api.url}/api/test/items`, { name: 'x'.repeat(2048), quantity: 1 });
    expect(response.status).toBe(413);
    const error = await errorOf(response);
    expect(error.code).toBe('payload_too_large');
    expect(error.details).toEqual({ limit_bytes: 1024 });
  });
});

describe('routing', () => {
  it('answers an unknown route with 404 not_found', async () => {
    const response = await fetch(`${api.url}/api/nothing/here?token=abc`);
    expect(response.status).toBe(404);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'not_found', message: 'No route for GET /api/nothing/here' });
  });

  it('answers an unknown method on a known path with 404 not_found', async () => {
    const response = await fetch(`${api.url}/api/health`, { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('not_found');
  });

  it('validates path parameters', async () => {
    const response = await fetch(`${api.url}/api/test/items/NOT-VALID`);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details?.fields).toEqual([
      expect.objectContaining({ path: 'params.id', code: 'invalid_format' }),
    ]);
  });
});

describe('thrown errors', () => {
  it.each([
    ['notFound', 404, 'not_found', 'App not found'],
    ['conflict', 409, 'conflict', 'Lock held'],
    ['transition', 409, 'invalid_transition', 'Cannot queue a draft'],
    ['forbidden', 403, 'forbidden', 'Not allowed'],
    ['unauthorized', 401, 'unauthorized', 'Authentication required'],
    ['unavailable', 503, 'unavailable', 'Redis down'],
    ['gitError', 502, 'git_error', 'git backend failed'],
  ])('maps %s to %i %s', async (name, status, code, message) => {
    const response = await fetch(`${api.url}/api/test/throw/${name}`);
    expect(response.status).toBe(status);
    expect(await errorOf(response)).toMatchObject({ code, message });
  });

  it('passes error details through', async () => {
    const error = await errorOf(await fetch(`${api.url}/api/test/throw/conflict`));
    expect(error.details).toEqual({ conflicting_paths: ['a.json'] });
  });

  it('answers rate limiting with 429 and Retry-After in whole seconds', async () => {
    const response = await fetch(`${api.url}/api/test/throw/rateLimited`);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect((await errorOf(response)).code).toBe('rate_limited');
  });

  it.each(['plain', 'notAnError', 'internalCoded'])(
    'hides %s behind 500 internal and logs it in full',
    async (name) => {
      const response = await fetch(`${api.url}/api/test/throw/${name}`);
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        error: {
          code: 'internal',
          message: 'Internal server error',
          request_id: response.headers.get('x-request-id'),
        },
      });
      expect(text).not.toMatch(/hunter2|stack|at |secret detail/);
      const logged = api.logger.lines.find(
        (line) => line.level === 'error' && line.fields.request_id === response.headers.get('x-request-id'),
      );
      expect(logged?.fields).toMatchObject({ method: 'GET', route: '/api/test/throw/:name' });
      expect(logged?.fields.error).toBeDefined();
    },
  );

  it('logs the stack of an unexpected error', async () => {
    const response = await fetch(`${api.url}/api/test/throw/plain`);
    const logged = api.logger.lines.find(
      (line) => line.level === 'error' && line.fields.request_id === response.headers.get('x-request-id'),
    );
    expect((logged?.fields.error as Error).stack).toMatch(/envelope\.test\.ts/);
  });

  it('does not log expected client errors as errors', async () => {
    const response = await fetch(`${api.url}/api/test/throw/notFound`);
    const requestId = response.headers.get('x-request-id');
    expect(
      api.logger.lines.filter((line) => line.fields.request_id === requestId).map((line) => line.level),
    ).toEqual(['info']);
  });
});
