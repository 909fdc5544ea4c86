import type { Logger } from '@conman/core';

/**
 * Tells every server process that a membership changed, so each drops its cached role at once
 * instead of waiting for the cache TTL (which stays the bound when a message is lost).
 */
export interface RoleInvalidationBus {
  /** Announces the change to every process (this one included); resolves once it is sent. */
  publish(appId: string, userId: string): Promise<void>;
  /** Registers a listener for changes announced by any process. */
  onInvalidate(listener: (appId: string, userId: string) => void): void;
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

export const ROLE_INVALIDATION_CHANNEL = 'conman:roles:invalidate';

export interface RedisRoleInvalidationBusOptions {
  publisher: RedisPublisher;
  /** A connection of its own: a subscribed Redis connection cannot run other commands. */
  subscriber: RedisSubscriber;
  logger: Logger;
  channel?: string;
}

/** Role invalidation over Redis pub/sub (`conman:roles:invalidate`, JSON `{app_id, user_id}`). */
export class RedisRoleInvalidationBus implements RoleInvalidationBus {
  private readonly listeners: Array<(appId: string, userId: string) => void> = [];
  private readonly channel: string;

  constructor(private readonly options: RedisRoleInvalidationBusOptions) {
    this.channel = options.channel ?? ROLE_INVALIDATION_CHANNEL;
    options.subscriber.on('message', (channel, message) => {
      if (channel === this.channel) this.deliver(message);
    });
  }

  /** Subscribes; call before serving requests so no announcement is missed. */
  async start(): Promise<void> {
    await this.options.subscriber.subscribe(this.channel);
  }

  async publish(appId: string, userId: string): Promise<void> {
    try {
      await this.options.publisher.publish(this.channel, JSON.stringify({ app_id: appId, user_id: userId }));
    } catch (error) {
      // Other processes then see the change when their cache entry expires (the TTL bound).
      this.options.logger.warn('role invalidation not published', { error: (error as Error).message });
    }
  }

  onInvalidate(listener: (appId: string, userId: string) => void): void {
    this.listeners.push(listener);
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
    const { app_id: appId, user_id: userId } = (parsed ?? {}) as { app_id?: unknown; user_id?: unknown };
    if (typeof appId !== 'string' || typeof userId !== 'string') {
      this.options.logger.warn('ignored a malformed role invalidation message');
      return;
    }
    for (const listener of this.listeners) listener(appId, userId);
  }
}
