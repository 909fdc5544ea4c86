import { Redis } from 'ioredis';
import { redactString } from '@conman/core';

const STARTUP_TIMEOUT_MS = 10_000;

export interface ConnectRedisOptions {
  /** How long to wait for the first connection (default 10 s). */
  startupTimeoutMs?: number;
  /**
   * Bound of each command and connection attempt (CONMAN_DEPENDENCY_TIMEOUT_MS, default 2 s): a Redis
   * that accepts the connection but never answers (stalled, overloaded) rejects the command with
   * "Command timed out" instead of holding the request.
   */
  commandTimeoutMs?: number;
}

/**
 * The request-path client. Fails fast while Redis is down (no offline queue) or stalled (command
 * timeout) so requests answer 503 and readiness reports it at once, and keeps reconnecting in the
 * background so the process recovers by itself when Redis returns. Resolves once the first connection
 * is ready.
 */
export async function connectRedis(url: string, options: ConnectRedisOptions = {}): Promise<Redis> {
  const timeoutMs = options.startupTimeoutMs ?? STARTUP_TIMEOUT_MS;
  const commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: commandTimeoutMs,
    commandTimeout: commandTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  await redisReady(client, url, timeoutMs);
  return client;
}

/**
 * Resolves once `client` is connected (rejects, disconnecting it, after `timeoutMs`). A client without an offline queue refuses every command until
 * then, so a process waits for this before it serves (else its first requests would fail).
 */
export async function redisReady(client: Redis, url: string, timeoutMs = STARTUP_TIMEOUT_MS): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      client.disconnect();
      reject(new Error(`Redis at ${redactString(url)} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}
