import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { startEmbeddedRedis, findFreePort, type EmbeddedRedis } from '@conman/runtime';
import { startStack, waitFor, type Stack } from '../support/stack';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('HTTP platform on the real server process', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { CONMAN_BODY_LIMIT_BYTES: '1024' } });
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('answers liveness and readiness with every component ok', async () => {
    expect((await stack.request('GET', '/api/health')).status).toBe(200);
    const ready = await stack.request('GET', '/api/health/ready');
    expect(ready.status).toBe(200);
    for (const component of ['mongodb', 'redis', 'git']) {
      expect(ready.json.data.components[component].status).toBe('ok');
    }
  });

  it('renders malformed JSON as a 400 validation_error envelope with the request id', async () => {
    const response = await stack.request('POST', '/api/health', {
      rawBody: '{"broken": ',
      headers: { 'content-type': 'application/json', 'x-request-id': 'malformed-1' },
    });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'validation_error', request_id: 'malformed-1' });
    expect(response.text).not.toMatch(/at .*\.js:\d+/);
  });

  it('renders an unknown route as a 404 not_found envelope', async () => {
    const response = await stack.request('GET', '/api/definitely/not/here');
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('not_found');
    expect(response.json.error.request_id).toMatch(UUID_V7);
  });

  it('renders a body above the server limit as 413 payload_too_large', async () => {
    const response = await stack.request('POST', '/api/health', { body: { padding: 'x'.repeat(4096) } });
    expect(response.status).toBe(413);
    expect(response.json.error.code).toBe('payload_too_large');
  });

  it('echoes a valid X-Request-Id and generates a UUIDv7 otherwise', async () => {
    const echoed = await stack.request('GET', '/api/health', {
      headers: { 'x-request-id': 'client-chosen-42' },
    });
    expect(echoed.headers.get('x-request-id')).toBe('client-chosen-42');
    const generated = await stack.request('GET', '/api/health');
    expect(generated.headers.get('x-request-id')).toMatch(UUID_V7);
    const tooLong = await stack.request('GET', '/api/health', {
      headers: { 'x-request-id': 'a'.repeat(129) },
    });
    expect(tooLong.headers.get('x-request-id')).toMatch(UUID_V7);
  });

  it('writes JSON log lines carrying the request id', async () => {
    await stack.request('GET', '/api/health', { headers: { 'x-request-id': 'log-correlation-7' } });
    await waitFor(() => stack.server.output().includes('log-correlation-7'), 5_000);
    const line = stack.server
      .output()
      .split('\n')
      .find((candidate) => candidate.includes('log-correlation-7'));
    expect(JSON.parse(line as string)).toMatchObject({ request_id: 'log-correlation-7' });
  });

  it('labels HTTP metrics by route template, never by raw path', async () => {
    await stack.request('GET', '/api/unknown-thing/123456');
    await stack.request('GET', '/api/health');
    const metrics = await stack.request('GET', '/api/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/http_requests_total\{[^}]*route="\/api\/health"[^}]*\}/);
    expect(metrics.text).not.toContain('123456');
  });

  it('serves an OpenAPI 3.1 document listing the platform routes, and the docs page', async () => {
    const document = await stack.request('GET', '/api/openapi.json');
    expect(document.status).toBe(200);
    expect(document.json.openapi).toMatch(/^3\.1\./);
    await expect(SwaggerParser.validate(structuredClone(document.json))).resolves.toBeDefined();
    for (const route of [
      '/api/health',
      '/api/health/ready',
      '/api/metrics',
      '/api/openapi.json',
      '/api/docs',
    ]) {
      expect(Object.keys(document.json.paths)).toContain(route);
    }
    const docs = await stack.request('GET', '/api/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
  });
});

describe('readiness follows Redis', () => {
  let redis: EmbeddedRedis;
  let stack: Stack;
  let port: number;
  let redisDir: string;

  beforeAll(async () => {
    port = await findFreePort();
    redisDir = path.join(process.env.CONMAN_TEST_DATA_DIR as string);
    redis = await startEmbeddedRedis({
      dataDir: redisDir,
      logFile: path.join(redisDir, `redis-${port}.log`),
      persistent: false,
      port,
    });
    stack = await startStack({ env: { CONMAN_REDIS_URL: redis.url } });
  });

  afterAll(async () => {
    await stack.stop();
    await redis.child.stop();
  });

  it('turns 503 with per-component status when Redis stops, and 200 when it is back', async () => {
    await redis.child.stop();
    await waitFor(async () => (await stack.request('GET', '/api/health/ready')).status === 503, 15_000);
    const down = await stack.request('GET', '/api/health/ready');
    expect(down.json.error.code).toBe('unavailable');
    expect(down.json.error.details.components.redis.status).toBe('down');
    expect(down.json.error.details.components.mongodb.status).toBe('ok');

    redis = await startEmbeddedRedis({
      dataDir: redisDir,
      logFile: path.join(redisDir, `redis-${port}.log`),
      persistent: false,
      port,
    });
    await waitFor(async () => (await stack.request('GET', '/api/health/ready')).status === 200, 15_000);
  });
});
