import SwaggerParser from '@apidevtools/swagger-parser';
import { type RunningApi, startApi } from './support/harness';
import { testModule } from './support/probe-module';

interface Operation {
  operationId: string;
  tags: string[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}

interface Document {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Record<string, unknown>>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
}

let api: RunningApi;
let document: Document;

beforeAll(async () => {
  api = await startApi({ modules: [testModule()] });
  const response = await fetch(`${api.url}/api/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  document = (await response.json()) as Document;
});
afterAll(() => api.close());

function operation(path: string, method: string): Operation {
  const found = document.paths[path]?.[method];
  if (found === undefined) throw new Error(`${method} ${path} is not in the document`);
  return found;
}

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe('0.0.0-test');
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('is checked by a validator that does reject broken 3.1 documents', async () => {
    const broken = structuredClone(document) as unknown as {
      paths: Record<string, Record<string, { responses: unknown }>>;
    };
    const health = broken.paths['/api/health']?.get;
    if (health === undefined) throw new Error('health operation missing');
    health.responses = 'none';
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow(/schema validation failed/);
  });

  it('lists every registered route, the service routes included', () => {
    const listed = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual(
      [
        'GET /api/health',
        'GET /api/health/ready',
        'GET /api/metrics',
        'GET /api/openapi.json',
        'GET /api/docs',
        'GET /api/docs/assets/{asset}',
        'GET /api/test/items/{id}',
        'POST /api/test/items',
        'GET /api/test/items',
        'POST /api/test/jobs',
        'DELETE /api/test/items/{id}',
        'GET /api/test/context',
        'POST /api/test/context',
        'GET /api/test/wrong-shape',
        'GET /api/test/throw/{name}',
      ].sort(),
    );
  });

  it('describes path and query parameters from the zod schemas', () => {
    expect(operation('/api/test/items/{id}', 'get').parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    const names = operation('/api/test/items', 'get').parameters?.map(
      (parameter) => `${parameter.in}:${parameter.name}`,
    );
    expect(names).toEqual(['query:page', 'query:limit', 'query:state']);
  });

  it('describes strict request bodies and enveloped responses', () => {
    const create = operation('/api/test/items', 'post');
    expect(create.requestBody?.required).toBe(true);
    const bodySchema = create.requestBody?.content['application/json']?.schema;
    expect(bodySchema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['name', 'quantity'],
    });
    expect(create.responses['201']?.content?.['application/json']?.schema).toMatchObject({
      type: 'object',
      properties: { data: { type: 'object' } },
    });
    const list = operation('/api/test/items', 'get').responses['200']?.content?.['application/json']?.schema;
    expect(list).toMatchObject({
      properties: { data: { type: 'array' }, pagination: { $ref: '#/components/schemas/Pagination' } },
    });
  });

  it('documents error responses with the shared envelope', () => {
    const ready = operation('/api/health/ready', 'get');
    expect(Object.keys(ready.responses).sort()).toEqual(['200', '400', '415', '500', '503']);
    expect(ready.responses['503']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/ErrorEnvelope',
    });
    expect(Object.keys(operation('/api/test/items', 'post').responses).sort()).toEqual([
      '201',
      '400',
      '415',
      '500',
    ]);
    expect(document.components.schemas.ErrorEnvelope).toBeDefined();
  });

  it('declares the bearer JWT and X-API-Key security schemes', () => {
    expect(document.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    });
  });

  it('tags operations with their module name', () => {
    expect(operation('/api/health', 'get').tags).toEqual(['health']);
    expect(operation('/api/test/items', 'get').tags).toEqual(['test']);
  });
});
