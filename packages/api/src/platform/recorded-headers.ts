import type { Request } from 'express';

/** Longest header value (user agent, forwarded client address) kept in sessions and audit events. */
export const MAX_RECORDED_HEADER_LENGTH = 512;

function bounded(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.slice(0, MAX_RECORDED_HEADER_LENGTH);
}

/**
 * A request header as recorded with sessions and in every audit event of the request: cut at 512
 * characters, so a 15 KB User-Agent is not copied into each stored event.
 */
export function recordedHeader(req: Request, name: string): string | undefined {
  return bounded(req.get(name));
}

/** The client address as recorded; with `trust proxy` it comes from X-Forwarded-For, i.e. the client. */
export function recordedClientIp(req: Request): string | undefined {
  return bounded(req.ip);
}
