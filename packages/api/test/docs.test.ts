import { type RunningApi, startApi } from './support/harness';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

function assetUrls(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
}

describe('GET /api/docs', () => {
  it('serves an HTML page whose every asset is local and loads', async () => {
    const response = await fetch(`${api.url}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<div id="swagger-ui"></div>');
    const urls = assetUrls(html);
    expect(urls).toEqual(
      expect.arrayContaining(['/api/docs/assets/swagger-ui.css', '/api/docs/assets/swagger-ui-bundle.js']),
    );
    for (const url of urls) {
      expect(url.startsWith('/api/docs/assets/')).toBe(true);
      const asset = await fetch(`${api.url}${url}`);
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
  });

  it('serves swagger-ui with JavaScript and CSS content types', async () => {
    const bundle = await fetch(`${api.url}/api/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect(await bundle.text()).toContain('SwaggerUIBundle');
    const css = await fetch(`${api.url}/api/docs/assets/swagger-ui.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('points the initializer at our OpenAPI document, not the petstore', async () => {
    const initializer = await (await fetch(`${api.url}/api/docs/assets/swagger-initializer.js`)).text();
    expect(initializer).toContain('"url":"/api/openapi.json"');
    expect(initializer).not.toContain('petstore');
  });

  it('keeps inline scripts out so the CSP can forbid them', async () => {
    const response = await fetch(`${api.url}/api/docs`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(await response.text()).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\ssrc=)[^>]*>/);
  });

  it('serves only the listed swagger-ui files', async () => {
    for (const name of ['index.html', 'package.json', '..%2Fpackage.json', 'swagger-initializer.jsx']) {
      const response = await fetch(`${api.url}/api/docs/assets/${name}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });
});
