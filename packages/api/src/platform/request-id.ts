import type { RequestHandler } from 'express';
import { runWithRequestContext, uuidv7 } from '@conman/core';
import { requestIdOf, setRequestId } from './locals';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** SPEC §3: a caller's id is kept when it is 1–128 visible ASCII characters (no spaces or controls). */
const ACCEPTABLE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

export function acceptableRequestId(candidate: string | undefined): candidate is string {
  return candidate !== undefined && ACCEPTABLE_REQUEST_ID.test(candidate);
}

/** Assigns the request id first, so every response, including early errors, carries it. */
export function assignRequestId(): RequestHandler {
  return (req, res, next) => {
    const offered = req.get(REQUEST_ID_HEADER);
    const requestId = acceptableRequestId(offered) ? offered : uuidv7();
    setRequestId(res, requestId);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    next();
  };
}

/**
 * Opens the request context (request id, client address) for everything the handler does. It runs
 * after body parsing because stream callbacks of the body parser do not keep the async context.
 */
export function openRequestContext(): RequestHandler {
  return (req, res, next) => {
    const userAgent = req.get('user-agent');
    runWithRequestContext(
      {
        requestId: requestIdOf(res) ?? uuidv7(),
        ...(req.ip !== undefined && { clientIp: req.ip }),
        ...(userAgent !== undefined && { userAgent }),
      },
      next,
    );
  };
}
