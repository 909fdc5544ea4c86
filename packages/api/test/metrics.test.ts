import { createMetrics } from '@conman/api';
import { type RunningApi, startApi } from './support/harness';
import { testModule } from './support/probe-module';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi({ modules: [testModule()], metrics: createMetrics() });
});
afterAll(() => api.close());

async function scrape(): Promise<{ text: string; contentType: string | null }> {
  const response = await fetch(`${api.url}/api/metrics`);
  expect(response.status).toBe(200);
  return { text: await response.text(), contentType: response.headers.get('content-type') };
}

describe('GET /api/metrics', () => {
  it('labels requests by route template, never by raw path', async () => {
    await fetch(`${api.url}/api/test/items/first`);
    await fetch(`${api.url}/api/test/items/second`);
    const { text, contentType } = await scrape();
    expect(contentType).toMatch(/^text\/plain/);
    const series = text
      .split('\n')
      .filter((line) => line.startsWith('http_requests_total{') && line.includes('/api/test/items'));
    expect(series).toEqual(['http_requests_total{method="GET",route="/api/test/items/:id",status="200"} 2']);
    expect(text).not.toMatch(/items\/(first|second)/);
  });

  it('observes durations in a histogram with the same labels', async () => {
    const { text } = await scrape();
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/test\/items\/:id",status="200"\} 2/,
    );
  });

  it('labels unmatched requests with one fixed value', async () => {
    await fetch(`${api.url}/api/unknown/a`);
    await fetch(`${api.url}/api/unknown/b`);
    const { text } = await scrape();
    expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 2');
    expect(text).not.toContain('/api/unknown');
  });

  it('labels failed validation with the template of the route that rejected it', async () => {
    await fetch(`${api.url}/api/test/items/BAD-ID`);
    const { text } = await scrape();
    expect(text).toContain('http_requests_total{method="GET",route="/api/test/items/:id",status="400"} 1');
  });

  it('includes the default process metrics', async () => {
    const { text } = await scrape();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});

describe('job queue depth gauge', () => {
  it('reads the depths at every scrape and skips a scrape whose read fails', async () => {
    let depths: Record<string, number> | Error = { validation: 3, release: 0 };
    const metrics = createMetrics({
      defaultMetrics: false,
      queueDepths: async () => {
        if (depths instanceof Error) throw depths;
        return depths;
      },
    });
    let text = await metrics.registry.metrics();
    expect(text).toContain('job_queue_depth{family="validation"} 3');
    expect(text).toContain('job_queue_depth{family="release"} 0');
    depths = { validation: 1 };
    text = await metrics.registry.metrics();
    expect(text).toContain('job_queue_depth{family="validation"} 1');
    expect(text).not.toContain('family="release"');
    depths = new Error('redis down');
    text = await metrics.registry.metrics();
    expect(text).not.toContain('job_queue_depth{');
  });
});
