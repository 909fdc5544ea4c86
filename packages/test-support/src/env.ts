/**
 * The dependencies the jest global setup (tests/support/global-setup.ts) started, or the explicit ones
 * a developer pointed it at.
 */
export function testMongoUri(): string | undefined {
  return process.env.CONMAN_TEST_RESOLVED_MONGO_URI ?? process.env.CONMAN_TEST_MONGO_URI;
}

/** The shared test Redis; tests that FLUSHALL or restart Redis start their own (`startPrivateRedis`). */
export function testRedisUrl(): string {
  const url = process.env.CONMAN_TEST_RESOLVED_REDIS_URL ?? process.env.CONMAN_TEST_REDIS_URL;
  if (!url) throw new Error('the jest global setup provides CONMAN_TEST_RESOLVED_REDIS_URL');
  return url;
}
