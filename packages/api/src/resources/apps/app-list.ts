import type { App } from '@conman/core';
import { ShortLivedCache, type CacheInvalidationBus } from '@conman/auth';

export interface AppListSource {
  /** Every app, by name. */
  list(): Promise<App[]>;
}

export interface AppListCacheOptions {
  apps: AppListSource;
  /** How long the list is reused; bounds how stale another process is when an invalidation is lost. */
  ttlMs?: number;
  now?: () => number;
  /** Carries app changes between server processes; without it only this process drops the list. */
  bus?: CacheInvalidationBus;
}

const ALL = 'all';

/**
 * The list of apps GET /apps answers from, read once per `ttlMs` instead of per request (apps are
 * few and change rarely; they are never deleted). Whoever creates an app or changes its settings
 * calls `forget` after the transaction commits: the list is dropped here and, through the bus, in
 * every other process, so the next listing anywhere reads it again — the same rule as the role cache.
 */
export class AppListCache {
  private readonly cache: ShortLivedCache<readonly App[]>;

  constructor(private readonly options: AppListCacheOptions) {
    this.cache = new ShortLivedCache({
      ttlMs: options.ttlMs ?? 2_000,
      ...(options.now && { now: options.now }),
    });
    options.bus?.onInvalidate('apps', () => this.cache.drop(ALL));
  }

  /** All apps (platform admins) or those with the given ids (members, API keys), by name. */
  async list(ids?: readonly string[]): Promise<App[]> {
    const all = await this.cache.read(ALL, () => this.options.apps.list());
    if (ids === undefined) return [...all];
    const wanted = new Set(ids);
    return all.filter((app) => wanted.has(app.id));
  }

  /** After an app was created or its settings changed, and that has committed. */
  async forget(appId: string): Promise<void> {
    this.cache.drop(ALL);
    await this.options.bus?.publish('apps', appId);
  }
}
