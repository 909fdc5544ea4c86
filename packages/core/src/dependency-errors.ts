/**
 * Recognises the errors the MongoDB driver and ioredis raise when the database or Redis is down,
 * stalled or unreachable, without importing either driver (core does no I/O). The HTTP layer renders
 * them as 503 `unavailable` and the job runtime retries them as infrastructure failures
 * (see docs/security.md, "Dependency stalls").
 */

/** Driver error classes (their `name`) that mean "the database did not answer", never "the request is wrong". */
const MONGO_UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
  'MongoOperationTimeoutError',
]);

/** ioredis: a command over its timeout, a closed connection, or no connection with the offline queue off. */
const REDIS_UNAVAILABLE_MESSAGES = [
  /^Command timed out$/,
  /^Connection is closed\.?$/,
  /^Stream isn't writeable and enableOfflineQueue options is false$/,
  /^Reached the max retries per request limit/,
];
const REDIS_UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError']);

/** Socket-level failures of a client connection (both drivers surface them as they are). */
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

/** How many `cause` links are followed: wrappers rarely nest deeper, and a cycle must not loop. */
const MAX_CAUSE_DEPTH = 5;

export function isDependencyUnavailableError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && current instanceof Error; depth += 1) {
    if (describesUnavailability(current)) return true;
    current = current.cause;
  }
  return false;
}

function describesUnavailability(error: Error): boolean {
  if (MONGO_UNAVAILABLE_NAMES.has(error.name) || REDIS_UNAVAILABLE_NAMES.has(error.name)) return true;
  if (REDIS_UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && NETWORK_ERROR_CODES.has(code);
}
