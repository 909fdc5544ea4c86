import { createHmac } from 'node:crypto';
import type { GitalyAuth } from './config';

/** The `authorization` header value for one call; v2 tokens embed the current time so they are built per call. */
export function authorizationHeader(auth: GitalyAuth, now: Date = new Date()): string {
  if (auth.mode === 'token') return `Bearer ${auth.token}`;
  const unixSeconds = Math.floor(now.getTime() / 1000).toString();
  const signature = createHmac('sha256', auth.secret).update(unixSeconds).digest('hex');
  return `Bearer v2.${signature}.${unixSeconds}`;
}
