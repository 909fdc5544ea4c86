import type { Logger } from '@conman/core';

/**
 * What a per-process cache holds, named on the bus: `role` (key `<appId>:<userId>`; also the user's
 * membership list), `session` (a session id), `user_sessions` (a user id: every session of that user)
 * and `apps` (an app id: the list of apps, which holds every app).
 */
export const INVALIDATION_TOPICS = ['role', 'session', 'user_sessions', 'apps'] as const;
export type InvalidationTopic = (typeof INVALIDATION_TOPICS)[number];

/**
 * Tells every server process that something it may have cached changed, so each drops the entry at
 * once instead of waiting for the cache TTL (which stays the bound when a message is lost).
 */
export interface CacheInvalidationBus {
  /** Announces the change to every process (this one included); resolves once it is sent. */
  publish(topic: InvalidationTopic, key: string): Promise<void>;
  /** Registers a listener for changes of `topic` announced by any process. */
  onInvalidate(topic: InvalidationTopic, listener: (key: string) => void): void;
}

/** The Redis commands the bus needs; ioredis clients satisfy both. */
export interface RedisPublisher {
  publish(channel: string, message: string): Promise<number>;
}

export interface RedisSubscriber {
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  quit(): Promise<unknown>;
}

/** The channel of an installation (`CONMAN_REDIS_PREFIX`), so installations sharing a Redis stay apart. */
export function cacheInvalidationChannelOf(prefix: string): string {
  return `${prefix}:cache:invalidate`;
}

export const CACHE_INVALIDATION_CHANNEL = cacheInvalidationChannelOf('conman');

export interface RedisCacheInvalidationBusOptions {
  publisher: RedisPublisher;
  /** A connection of its own: a subscribed Redis connection cannot run other commands. */
  subscriber: RedisSubscriber;
  logger: Logger;
  channel?: string;
}

/** One announcement, also for processes that only publish (the `bootstrap-admin` CLI). */
export async function announceInvalidation(
  publisher: RedisPublisher,
  topic: InvalidationTopic,
  key: string,
  channel = CACHE_INVALIDATION_CHANNEL,
): Promise<void> {
  await publisher.publish(channel, JSON.stringify({ topic, key }));
}

const isTopic = (value: unknown): value is InvalidationTopic =>
  typeof value === 'string' && (INVALIDATION_TOPICS as readonly string[]).includes(value);

/** Cache invalidation over Redis pub/sub (`conman:cache:invalidate`, JSON `{topic, key}`). */
export class RedisCacheInvalidationBus implements CacheInvalidationBus {
  private readonly listeners = new Map<InvalidationTopic, Array<(key: string) => void>>();
  private readonly channel: string;

  constructor(private readonly options: RedisCacheInvalidationBusOptions) {
    this.channel = options.channel ?? CACHE_INVALIDATION_CHANNEL;
    options.subscriber.on('message', (channel, message) => {
      if (channel === this.channel) this.deliver(message);
    });
  }

  /** Subscribes; call before serving requests so no announcement is missed. */
  async start(): Promise<void> {
    await this.options.subscriber.subscribe(this.channel);
  }

  async publish(topic: InvalidationTopic, key: string): Promise<void> {
    try {
      await announceInvalidation(this.options.publisher, topic, key, this.channel);
    } catch (error) {
      // Other processes then see the change when their cache entry expires (the TTL bound).
      this.options.logger.warn('cache invalidation not published', {
        topic,
        error: (error as Error).message,
      });
    }
  }

  onInvalidate(topic: InvalidationTopic, listener: (key: string) => void): void {
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), listener]);
  }

  async close(): Promise<void> {
    await this.options.subscriber.quit();
  }

  private deliver(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      parsed = undefined;
    }
    const { topic, key } = (parsed ?? {}) as { topic?: unknown; key?: unknown };
    if (!isTopic(topic) || typeof key !== 'string') {
      this.options.logger.warn('ignored a malformed cache invalidation message');
      return;
    }
    for (const listener of this.listeners.get(topic) ?? []) listener(key);
  }
}
