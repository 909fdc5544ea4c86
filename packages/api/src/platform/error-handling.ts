import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  ConmanError,
  type Logger,
  NotFoundError,
  RateLimitedError,
  UnavailableError,
  ValidationError,
  isConmanError,
  isDependencyUnavailableError,
} from '@conman/core';
import { type ErrorEnvelope, INTERNAL_ERROR_MESSAGE } from './error-envelope';
import { requestIdOf, routeTemplateOf } from './locals';

const MAX_ECHOED_PATH = 200;

/** Unknown routes, and unknown methods on known paths, answer 404 `not_found` (SPEC §3 has no 405 code). */
export function unmatchedRoute(): RequestHandler {
  return (req, _res, next) => {
    next(new NotFoundError(`No route for ${req.method} ${req.path.slice(0, MAX_ECHOED_PATH)}`));
  };
}

/**
 * Maps any thrown value to the error a client may see; `undefined` means an unexpected failure. Body
 * and URL errors are mapped where they are raised (body.ts, url-encoding.ts); the router's own
 * decoding failure is the one framework error left, kept as a second line of defence.
 */
function toClientError(error: unknown): ConmanError | undefined {
  if (isConmanError(error)) return error;
  // A stalled or unreachable MongoDB/Redis: the client may retry; the message names no address.
  if (isDependencyUnavailableError(error)) {
    return new UnavailableError('A service dependency is unavailable; try again shortly');
  }
  if (error instanceof URIError) return new ValidationError('The URL contains malformed percent-encoding');
  return undefined;
}

function envelopeFor(error: ConmanError | undefined, requestId: string): ErrorEnvelope {
  if (error === undefined || error.code === 'internal') {
    return { error: { code: 'internal', message: INTERNAL_ERROR_MESSAGE, request_id: requestId } };
  }
  return {
    error: {
      code: error.code,
      message: error.message,
      request_id: requestId,
      ...(error.details !== undefined && { details: error.details }),
    },
  };
}

/**
 * The last middleware: renders every failure as the error envelope (docs/api-conventions.md). Expected client errors are
 * left to the access log; server-side failures are logged in full, and never shown to the client.
 */
export function renderErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const clientError = toClientError(error);
    const status = clientError?.status ?? 500;
    const requestId = requestIdOf(res) ?? '';
    if (status >= 500) {
      logger.error('request failed', {
        request_id: requestId,
        method: req.method,
        route: routeTemplateOf(res),
        error,
      });
    }
    if (res.headersSent) {
      // The status line is gone; the only honest signal left is cutting the connection.
      res.destroy();
      return;
    }
    if (clientError instanceof RateLimitedError) {
      res.setHeader('Retry-After', String(Math.max(0, Math.ceil(clientError.retryAfterSeconds))));
    }
    res.status(status).json(envelopeFor(clientError, requestId));
  };
}
