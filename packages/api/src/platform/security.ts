import cors from 'cors';
import helmet from 'helmet';
import type { RequestHandler } from 'express';
import { REQUEST_ID_HEADER } from './request-id';

/**
 * helmet's defaults, with a CSP that lets /api/docs run: swagger-ui's script and CSS are same-origin
 * files and it sets inline styles. `upgrade-insecure-requests` is dropped because the embedded
 * server speaks plain HTTP on loopback, where upgrading asset URLs to https would break the docs.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'upgrade-insecure-requests': null,
      },
    },
  });
}

/** `'*'` allows any origin; a list allows exactly those origins; an empty list disables CORS. */
export function corsPolicy(origins: readonly string[] | '*'): RequestHandler {
  return cors({
    origin: origins === '*' ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key', REQUEST_ID_HEADER],
    exposedHeaders: [REQUEST_ID_HEADER, 'Retry-After'],
    maxAge: 600,
  });
}

/**
 * `Cache-Control: no-store` on every API response (login tokens, authenticated data, errors): no
 * browser, proxy or CDN may keep a copy. Set first so replies that know better (none today) can
 * override it; static files served with `res.sendFile` keep it too.
 */
export function noStore(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
