export interface ShortLivedCacheOptions {
  /** How long an entry is reused; bounds how stale a process is when an invalidation is lost. */
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * A per-process cache of reads that any process may change. Entries live at most `ttlMs`; `drop`
 * counts invalidations, so a read that overlapped one is answered (the request raced the change) but
 * not cached. Failed reads are never cached.
 */
export class ShortLivedCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private epoch = 0;

  constructor(private readonly options: ShortLivedCacheOptions) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The cached value of `key`, else `load()`'s, kept until the TTL or `expiresAt(value)` if sooner. */
  async read(key: string, load: () => Promise<V>, expiresAt?: (value: V) => number): Promise<V> {
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.value;
    const epoch = this.epoch;
    const value = await load();
    if (epoch === this.epoch) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      const ttlEnd = this.now() + this.options.ttlMs;
      this.entries.set(key, { value, expiresAt: Math.min(ttlEnd, expiresAt?.(value) ?? ttlEnd) });
    }
    return value;
  }

  drop(key: string): void {
    this.epoch += 1;
    this.entries.delete(key);
  }

  dropWhere(matches: (value: V) => boolean): void {
    this.epoch += 1;
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key);
  }
}
