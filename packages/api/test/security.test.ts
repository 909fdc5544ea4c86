import { type RunningApi, startApi } from './support/harness';

describe('security headers and CORS', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({ http: { bodyLimitBytes: 1024, corsOrigins: ['https://ui.example'] } });
  });
  afterAll(() => api.close());

  it('sets helmet headers and hides the framework', async () => {
    const response = await fetch(`${api.url}/api/health`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('sets the same helmet headers on every response, errors included', async () => {
    const helmetHeaders = [
      'content-security-policy',
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
      'origin-agent-cluster',
      'referrer-policy',
      'strict-transport-security',
      'x-content-type-options',
      'x-dns-prefetch-control',
      'x-download-options',
      'x-frame-options',
      'x-permitted-cross-domain-policies',
      'x-xss-protection',
    ];
    const headersOf = (response: Response) => helmetHeaders.map((name) => response.headers.get(name));
    const first = headersOf(await fetch(`${api.url}/api/health`));
    expect(first.every((value) => value !== null)).toBe(true);
    expect(headersOf(await fetch(`${api.url}/api/no-such-route`))).toEqual(first);
  });

  it('tells caches that answers vary by origin when a request has none', async () => {
    const response = await fetch(`${api.url}/api/health`);
    expect(response.headers.get('vary')).toContain('Origin');
    expect(response.headers.get('access-control-expose-headers')).toBe('X-Request-Id,Retry-After');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows a configured origin and exposes the request id header', async () => {
    const response = await fetch(`${api.url}/api/health`, { headers: { origin: 'https://ui.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://ui.example');
    expect(response.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
  });

  it('answers a preflight for a configured origin with the API headers', async () => {
    const response = await fetch(`${api.url}/api/test/items`, {
      method: 'OPTIONS',
      headers: { origin: 'https://ui.example', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(response.headers.get('access-control-allow-headers')).toContain('X-API-Key');
  });

  it('grants nothing to other origins', async () => {
    const response = await fetch(`${api.url}/api/health`, { headers: { origin: 'https://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS with any origin', () => {
  it('answers with a wildcard', async () => {
    const api = await startApi({ http: { bodyLimitBytes: 1024, corsOrigins: '*' } });
    try {
      const response = await fetch(`${api.url}/api/health`, {
        headers: { origin: 'https://anything.example' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const withoutOrigin = await fetch(`${api.url}/api/health`);
      expect(withoutOrigin.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await api.close();
    }
  });
});
