import cors from 'cors';
import helmet from 'helmet';
import type { Request, RequestHandler, Response } from 'express';
import { REQUEST_ID_HEADER } from './request-id';

type HeaderValue = string | number | readonly string[];

/**
 * What `middleware` does to a response whose request looks like `request` (headers set, appended to
 * `Vary`, removed), learnt once by running it on a stand-in, as a function that repeats it. For
 * middleware whose headers depend on nothing else, so the hot path skips recomputing them.
 */
function replayOf(middleware: RequestHandler, request: Partial<Request>): (res: Response) => void {
  const steps: Array<(res: Response) => void> = [];
  const recorder = {
    getHeader: () => undefined,
    setHeader(name: string, value: HeaderValue) {
      const replay = name.toLowerCase() === 'vary' ? (res: Response) => res.vary(String(value)) : null;
      steps.push(replay ?? ((res) => res.setHeader(name, value)));
      return recorder;
    },
    removeHeader(name: string) {
      steps.push((res) => res.removeHeader(name));
    },
  };
  let passed = false;
  middleware({ headers: {}, ...request } as Request, recorder as unknown as Response, (error?: unknown) => {
    passed = error === undefined;
  });
  if (!passed) throw new Error('a header middleware did not pass a plain request on at once');
  return (res) => {
    for (const step of steps) step(res);
  };
}

/**
 * helmet's defaults, with a CSP that lets /api/docs run: swagger-ui's script and CSS are same-origin
 * files and it sets inline styles. `upgrade-insecure-requests` is dropped because the embedded
 * server speaks plain HTTP on loopback, where upgrading asset URLs to https would break the docs.
 */
export function securityHeaders(): RequestHandler {
  // helmet's headers here depend on nothing in the request: computed once, then set on every response.
  const apply = replayOf(helmetWithDocsPolicy(), { method: 'GET', url: '/' });
  return (_req, res, next) => {
    apply(res);
    next();
  };
}

function helmetWithDocsPolicy(): RequestHandler {
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

/**
 * `'*'` allows any origin; a list allows exactly those origins; an empty list disables CORS. Requests
 * without an `Origin` header (not from a browser, or same-origin) that are not preflights get the
 * headers cors gives every such request (`Vary: Origin`, exposed headers), computed once.
 */
export function corsPolicy(origins: readonly string[] | '*'): RequestHandler {
  const policy = corsWith(origins);
  const applyWithoutOrigin = replayOf(policy, { method: 'GET', url: '/' });
  return (req, res, next) => {
    if (req.headers.origin !== undefined || req.method === 'OPTIONS') return policy(req, res, next);
    applyWithoutOrigin(res);
    next();
  };
}

function corsWith(origins: readonly string[] | '*'): RequestHandler {
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
