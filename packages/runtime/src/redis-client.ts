import { Redis } from 'ioredis';
import { redactString } from '@conman/core';

/**
 * Fails fast while Redis is down (no offline queue) so readiness reports it at once, and keeps
 * reconnecting in the background so the process recovers by itself when Redis returns.
 * Resolves once the first connection is ready.
 */
export async function connectRedis(url: string, timeoutMs = 10_000): Promise<Redis> {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
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
  return client;
}
