import type { Role } from '@conman/core';
import type { CacheInvalidationBus } from './cache-invalidation';
import { ShortLivedCache } from './short-lived-cache';

export interface MembershipLookup {
  find(appId: string, userId: string): Promise<{ role: Role } | null>;
  listForUser(userId: string): Promise<ReadonlyArray<{ appId: string; role: Role }>>;
}

/** A user's role in one app, as listed by `membershipsOf`. */
export interface AppRole {
  readonly appId: string;
  readonly role: Role;
}

/** Whether an app exists (platform admins have a role in every app that does, and in no other). */
export interface AppLookup {
  findById(appId: string): Promise<object | null>;
}

/** Who is asking: a signed-in user or an app-scoped API key (docs/identity.md "API key usage"). */
export type Principal =
  | { kind: 'user'; userId: string; isPlatformAdmin: boolean }
  | { kind: 'api_key'; keyId: string; appId: string; role: Role };

export interface RoleResolverOptions {
  memberships: MembershipLookup;
  apps: AppLookup;
  /** How long a looked-up role is reused; bounds how stale another process's view can be. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
  /** Carries invalidations between server processes; without it only this process drops entries. */
  bus?: CacheInvalidationBus;
}

/**
 * The caller's role in an app, and a user's roles in all apps (GET /me, GET /apps), read per request
 * (never frozen into the token) with a short cache. The process that changes a membership (added,
 * role changed, removed) calls `invalidate` after its transaction commits: the role and the user's
 * membership list are dropped here and, through the bus, in every other process, so the next request
 * anywhere reads them again. A lost bus message leaves another process stale for at most `ttlMs`.
 * `null` means "not a member": the caller gets 404 for the app.
 */
export class RoleResolver {
  private readonly cache: ShortLivedCache<Role | null>;
  /** Per user id: their memberships, dropped with any of their roles. */
  private readonly membershipLists: ShortLivedCache<readonly AppRole[]>;
  /** Apps are never deleted (docs/identity.md "Apps and settings"): one seen once keeps existing. */
  private readonly knownApps = new Set<string>();
  private readonly maxEntries: number;

  constructor(private readonly options: RoleResolverOptions) {
    this.maxEntries = options.maxEntries ?? 10_000;
    const cacheOptions = {
      ttlMs: options.ttlMs ?? 2_000,
      maxEntries: this.maxEntries,
      ...(options.now && { now: options.now }),
    };
    this.cache = new ShortLivedCache(cacheOptions);
    this.membershipLists = new ShortLivedCache(cacheOptions);
    options.bus?.onInvalidate('role', (key) => this.drop(key));
  }

  /** The apps the user is a member of, with their role in each. */
  membershipsOf(userId: string): Promise<readonly AppRole[]> {
    return this.membershipLists.read(userId, async () =>
      (await this.options.memberships.listForUser(userId)).map(({ appId, role }) => ({ appId, role })),
    );
  }

  async roleIn(appId: string, principal: Principal): Promise<Role | null> {
    if (principal.kind === 'api_key') return principal.appId === appId ? principal.role : null;
    // Platform admins operate every app (e.g. to recover one whose admins left) — every app that exists.
    if (principal.isPlatformAdmin) return (await this.appExists(appId)) ? 'app_admin' : null;
    return this.cache.read(
      roleKey(appId, principal.userId),
      async () => (await this.options.memberships.find(appId, principal.userId))?.role ?? null,
    );
  }

  private async appExists(appId: string): Promise<boolean> {
    if (this.knownApps.has(appId)) return true;
    if ((await this.options.apps.findById(appId)) === null) return false;
    if (this.knownApps.size >= this.maxEntries) this.knownApps.clear();
    this.knownApps.add(appId);
    return true;
  }

  /**
   * After a membership was added, changed or removed and that has committed: drops the cached role
   * and the user's membership list here and in every other process.
   */
  async invalidate(appId: string, userId: string): Promise<void> {
    const key = roleKey(appId, userId);
    this.drop(key);
    await this.options.bus?.publish('role', key);
  }

  private drop(key: string): void {
    this.cache.drop(key);
    this.membershipLists.drop(userOfRoleKey(key));
  }
}

const roleKey = (appId: string, userId: string): string => `${appId}:${userId}`;
const userOfRoleKey = (key: string): string => key.slice(key.indexOf(':') + 1);
