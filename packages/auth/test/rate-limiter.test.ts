import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimitedError, UnavailableError } from '@conman/core';
import { findFreePort } from '@conman/runtime';
import { RateLimiter, type RateLimitRule } from '@conman/auth';
import { testRedisUrl } from '@conman/test-support';

let redis: Redis;
let clock: number;
let limiter: RateLimiter;
let otherProcess: RateLimiter;

const perIp: RateLimitRule = { name: 'login:ip', limit: 3, windowSeconds: 60 };
const perEmail: RateLimitRule = { name: 'login:email', limit: 2, windowSeconds: 900 };

beforeAll(() => {
  redis = new Redis(testRedisUrl());
});

afterAll(() => redis.quit());

beforeEach(() => {
  // A window boundary at a known place: 60 s windows start at multiples of 60 000 ms.
  clock = 1_800_000_000_000;
  const prefix = `test:${randomUUID()}`;
  limiter = new RateLimiter(redis, prefix, () => clock);
  otherProcess = new RateLimiter(redis, prefix, () => clock);
});

async function rejection(promise: Promise<void>): Promise<RateLimitedError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RateLimitedError);
  return error as RateLimitedError;
}

describe('rate limiter', () => {
  it('allows up to the limit, then answers 429 with the seconds left in the window', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1)
      await limiter.consume([{ rule: perIp, subject: '192.0.2.1' }]);
    clock += 15_500;
    const error = await rejection(limiter.consume([{ rule: perIp, subject: '192.0.2.1' }]));
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(45);
  });

  it('resets in the next window', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1)
      await limiter.consume([{ rule: perIp, subject: '192.0.2.2' }]);
    await rejection(limiter.consume([{ rule: perIp, subject: '192.0.2.2' }]));
    clock += 60_000;
    await expect(limiter.consume([{ rule: perIp, subject: '192.0.2.2' }])).resolves.toBeUndefined();
  });

  it('shares counters between processes and keeps subjects apart', async () => {
    await limiter.consume([{ rule: perEmail, subject: 'ann@example.com' }]);
    await otherProcess.consume([{ rule: perEmail, subject: 'ann@example.com' }]);
    await rejection(limiter.consume([{ rule: perEmail, subject: 'ann@example.com' }]));
    await expect(limiter.consume([{ rule: perEmail, subject: 'bob@example.com' }])).resolves.toBeUndefined();
  });

  it('limits by email even when every attempt comes from a new IP', async () => {
    const attempt = (ip: string) =>
      limiter.consume([
        { rule: perIp, subject: ip },
        { rule: perEmail, subject: 'carol@example.com' },
      ]);
    await attempt('198.51.100.1');
    await attempt('198.51.100.2');
    const error = await rejection(attempt('198.51.100.3'));
    expect(error.retryAfterSeconds).toBe(900);
  });

  it('lets the counters expire in Redis', async () => {
    await limiter.consume([{ rule: perIp, subject: '192.0.2.9' }]);
    const keys = await redis.keys(`*192.0.2.9`);
    expect(keys).toHaveLength(1);
    const ttl = await redis.pttl(keys[0] ?? '');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('answers 503 unavailable, not an internal error, when Redis cannot be reached', async () => {
    // A port nobody listens on, with the production client settings (no offline queue).
    const unreachable = new Redis(await findFreePort(), '127.0.0.1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    });
    unreachable.on('error', () => undefined);
    try {
      const error = await new RateLimiter(unreachable, 'test:down')
        .consume([{ rule: perIp, subject: '127.0.0.1' }])
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UnavailableError);
      expect((error as UnavailableError).message).not.toMatch(/127\.0\.0\.1|redis:/);
    } finally {
      unreachable.disconnect();
    }
  });
});
