import type { RequestHandler } from 'express';
import { runWithRequestContext, uuidv7 } from '@conman/core';
import { setRequestId } from './locals';
import { recordedClientIp, recordedHeader } from './recorded-headers';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** SPEC §3: a caller's id is kept when it is 1–128 visible ASCII characters (no spaces or controls). */
const ACCEPTABLE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

function acceptableRequestId(candidate: string | undefined): candidate is string {
  return candidate !== undefined && ACCEPTABLE_REQUEST_ID.test(candidate);
}

/**
 * Runs first: assigns the request id (so every response, early errors included, carries it) and
 * opens the request context, so every log line written while serving the request can name it.
 */
export function requestContext(): RequestHandler {
  return (req, res, next) => {
    const offered = req.get(REQUEST_ID_HEADER);
    const requestId = acceptableRequestId(offered) ? offered : uuidv7();
    setRequestId(res, requestId);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const userAgent = recordedHeader(req, 'user-agent');
    const clientIp = recordedClientIp(req);
    runWithRequestContext(
      {
        requestId,
        ...(clientIp !== undefined && { clientIp }),
        ...(userAgent !== undefined && { userAgent }),
      },
      next,
    );
  };
}
