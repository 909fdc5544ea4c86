import type { Role } from '@conman/core';
import type { RoleInvalidationBus } from './role-invalidation';

export interface MembershipLookup {
  find(appId: string, userId: string): Promise<{ role: Role } | null>;
}

/** Who is asking: a signed-in user or an app-scoped API key (SPEC §13). */
export type Principal =
  | { kind: 'user'; userId: string; isPlatformAdmin: boolean }
  | { kind: 'api_key'; keyId: string; appId: string; role: Role };

export interface RoleResolverOptions {
  memberships: MembershipLookup;
  /** How long a looked-up role is reused; bounds how stale another process's view can be. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
  /** Carries invalidations between server processes; without it only this process drops entries. */
  bus?: RoleInvalidationBus;
}

interface CacheEntry {
  role: Role | null;
  expiresAt: number;
}

/**
 * The caller's role in an app, read per request (never frozen into the token) with a short cache.
 * The process that changes a role calls `invalidate` after its transaction commits: the entry is
 * dropped here and, through the bus, in every other process, so the next request anywhere reads the
 * new role. A lost bus message leaves another process stale for at most `ttlMs`. `null` means "not a
 * member": the caller gets 404 for the app.
 */
export class RoleResolver {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Counts invalidations, so a lookup that overlapped one does not cache what it read. */
  private epoch = 0;

  constructor(private readonly options: RoleResolverOptions) {
    this.ttlMs = options.ttlMs ?? 2_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    options.bus?.onInvalidate((appId, userId) => this.drop(appId, userId));
  }

  async roleIn(appId: string, principal: Principal): Promise<Role | null> {
    if (principal.kind === 'api_key') return principal.appId === appId ? principal.role : null;
    // Platform admins operate every app (e.g. to recover one whose admins left).
    if (principal.isPlatformAdmin) return 'app_admin';
    const key = `${appId}:${principal.userId}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.role;
    const epoch = this.epoch;
    const membership = await this.options.memberships.find(appId, principal.userId);
    const role = membership?.role ?? null;
    // A read that overlapped an invalidation may have seen the old role: answer with it (the request
    // raced the change) but do not cache it.
    if (epoch === this.epoch) {
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      this.cache.set(key, { role, expiresAt: this.now() + this.ttlMs });
    }
    return role;
  }

  /** After a membership change has committed: drops the cached role here and in every other process. */
  async invalidate(appId: string, userId: string): Promise<void> {
    this.drop(appId, userId);
    await this.options.bus?.publish(appId, userId);
  }

  private drop(appId: string, userId: string): void {
    this.epoch += 1;
    this.cache.delete(`${appId}:${userId}`);
  }
}
