import path from 'node:path';

/**
 * swagger-ui served from the installed `swagger-ui-dist` package (no CDN). Its own index.html and
 * initializer point at the petstore demo, so the page and initializer are ours; only the files
 * listed here are served from the package directory.
 */
export const SWAGGER_UI_FILES: ReadonlySet<string> = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

export const INITIALIZER_FILE = 'swagger-initializer.js';

export function swaggerUiDirectory(): string {
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

export function docsPage(assetsPath: string, title: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${title}</title>
    <link rel="stylesheet" href="${assetsPath}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${assetsPath}/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="${assetsPath}/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${assetsPath}/swagger-ui-bundle.js"></script>
    <script src="${assetsPath}/${INITIALIZER_FILE}"></script>
  </body>
</html>
`;
}

/** A separate file rather than an inline script, so the CSP can stay `script-src 'self'`. */
export function docsInitializer(openApiUrl: string): string {
  const options = {
    url: openApiUrl,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    layout: 'BaseLayout',
  };
  return `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle(Object.assign(${JSON.stringify(options)}, { presets: [SwaggerUIBundle.presets.apis] }));
});
`;
}
