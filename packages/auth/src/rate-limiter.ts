import type { Redis } from 'ioredis';
import { RateLimitedError, UnavailableError } from '@conman/core';

export interface RateLimitRule {
  /** Names the counter, e.g. `login:ip`. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitHit {
  rule: RateLimitRule;
  /** The client IP or normalized email the counter is about. */
  subject: string;
}

/**
 * Fixed-window counters in Redis, shared by every server process (docs/identity.md "Rate limiting": login,
 * forgot-password and accept-invite per client IP and per email). The window index is part of the key, so a
 * new window starts from zero; callers pass normalized emails as subjects.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'conman:rl',
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt against every hit; throws 429 with the longest wait if any is over its limit. */
  async consume(hits: readonly RateLimitHit[]): Promise<void> {
    let retryAfterSeconds = 0;
    for (const { rule, subject } of hits) {
      const windowMs = rule.windowSeconds * 1000;
      const now = this.now();
      const window = Math.floor(now / windowMs);
      const key = `${this.prefix}:${rule.name}:${window}:${subject}`;
      const result = await this.redis
        .multi()
        .incr(key)
        .pexpire(key, windowMs)
        .exec()
        .catch(() => {
          // Without its counters the limiter cannot protect these endpoints: refuse (503) rather than
          // fail open; the error names no Redis address.
          throw new UnavailableError('Rate limiting is unavailable; try again shortly');
        });
      const count = Number(result?.[0]?.[1]);
      if (!Number.isFinite(count)) throw new Error(`rate limiter: unexpected Redis reply for ${rule.name}`);
      if (count > rule.limit) {
        retryAfterSeconds = Math.max(retryAfterSeconds, Math.ceil(((window + 1) * windowMs - now) / 1000));
      }
    }
    if (retryAfterSeconds > 0) throw new RateLimitedError(retryAfterSeconds);
  }
}
