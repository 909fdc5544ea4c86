import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '@conman/core';
import { RedisCacheInvalidationBus } from '@conman/auth';
import { testRedisUrl } from '@conman/test-support';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/**
 * Stands in for several server processes on the test Redis: each `processBus` has its own subscriber
 * connection, on a channel private to the calling test. Call inside a `describe`.
 */
export function invalidationBuses() {
  let redis: Redis;
  const connections: Redis[] = [];

  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.quit()));
    await redis.quit();
  });

  return {
    redis: () => redis,
    newChannel: () => `test:cache:${randomUUID()}`,
    async processBus(channel: string, warnings: string[] = []): Promise<RedisCacheInvalidationBus> {
      const subscriber = redis.duplicate();
      connections.push(subscriber);
      const logger: Logger = { ...silent, warn: (message) => void warnings.push(message) };
      const bus = new RedisCacheInvalidationBus({ publisher: redis, subscriber, logger, channel });
      await bus.start();
      return bus;
    },
  };
}
