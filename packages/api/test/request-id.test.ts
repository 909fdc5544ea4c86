import { type RunningApi, startApi } from './support/harness';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

function healthWith(headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${api.url}/api/health`, { headers });
}

describe('X-Request-Id', () => {
  it('echoes an acceptable id', async () => {
    const response = await healthWith({ 'x-request-id': 'client-abc_123:/=' });
    expect(response.headers.get('x-request-id')).toBe('client-abc_123:/=');
  });

  it('accepts exactly 128 characters', async () => {
    const id = 'a'.repeat(128);
    expect((await healthWith({ 'x-request-id': id })).headers.get('x-request-id')).toBe(id);
  });

  it('generates a UUIDv7 when none is sent, a new one per request', async () => {
    const first = (await healthWith()).headers.get('x-request-id');
    const second = (await healthWith()).headers.get('x-request-id');
    expect(first).toMatch(UUID_V7);
    expect(second).toMatch(UUID_V7);
    expect(first).not.toBe(second);
  });

  it.each([
    ['longer than 128 characters', 'b'.repeat(129)],
    ['containing spaces', 'has space'],
    ['containing non-ASCII characters', 'caf\u00e9'],
  ])('replaces an id %s', async (_reason, offered) => {
    const headers = new Headers();
    headers.set('x-request-id', Buffer.from(offered, 'utf8').toString('latin1'));
    const response = await fetch(`${api.url}/api/health`, { headers });
    expect(response.headers.get('x-request-id')).toMatch(UUID_V7);
  });

  it('puts the id into error bodies and the access log', async () => {
    const response = await fetch(`${api.url}/api/missing`, { headers: { 'x-request-id': 'trace-404' } });
    expect(((await response.json()) as { error: { request_id: string } }).error.request_id).toBe('trace-404');
    const line = api.logger.lines.find((entry) => entry.fields.request_id === 'trace-404');
    expect(line).toMatchObject({ level: 'info', message: 'http request' });
    expect(line?.fields).toMatchObject({ method: 'GET', route: 'unmatched', status: 404 });
    expect(typeof line?.fields.duration_ms).toBe('number');
  });

  it('keeps query strings out of the access log', async () => {
    await fetch(`${api.url}/api/health?token=s3cret`, { headers: { 'x-request-id': 'no-query' } });
    const line = api.logger.lines.find((entry) => entry.fields.request_id === 'no-query');
    expect(line?.fields.route).toBe('/api/health');
    expect(JSON.stringify(line)).not.toContain('s3cret');
  });
});
