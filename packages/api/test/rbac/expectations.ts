import { can, canOnItem, canOnPlatform, grantOf, type Role } from '@conman/core';
import type { RouteAccess } from '../../src/platform/route';
import type { CallerProfile } from './callers';

/** For `own: true` operations every caller is tried on an item it authored and on someone else's. */
export type Ownership = 'owner' | 'other';

export interface Expectation {
  status: number;
  /** Why, in the matrix's words, e.g. `app invite_users: reviewer N`. */
  reason: string;
}

/** The caller's role in the target app as `RoleResolver` resolves it; null = not a member (404). */
export function effectiveRole(caller: CallerProfile): Role | null {
  switch (caller.principal) {
    case 'anonymous':
      return null;
    case 'api_key':
      return caller.app === 'target' ? caller.role : null;
    case 'user':
      // Platform admins operate every app as app_admin (docs/identity.md, RoleResolver).
      return caller.isPlatformAdmin ? 'app_admin' : caller.membership;
  }
}

/**
 * The status an operation must answer a caller with, computed from its declared access and core's
 * matrix (`can`, `canOnPlatform`) — never written per endpoint.
 */
export function expectedStatus(
  access: RouteAccess,
  caller: CallerProfile,
  success: number,
  ownership?: Ownership,
): Expectation {
  if (access.kind === 'public') return { status: success, reason: 'public' };
  if (caller.principal === 'anonymous') return { status: 401, reason: `${access.kind}: no credentials` };
  switch (access.kind) {
    case 'authenticated':
      return { status: success, reason: 'authenticated' };
    case 'user':
      return caller.principal === 'api_key'
        ? { status: 403, reason: 'user: API keys refused' }
        : { status: success, reason: 'user' };
    case 'platform': {
      const isPlatformAdmin = caller.principal === 'user' && caller.isPlatformAdmin;
      return canOnPlatform({ isPlatformAdmin }, access.capability)
        ? { status: success, reason: `platform ${access.capability}: allowed` }
        : { status: 403, reason: `platform ${access.capability}: not a platform admin` };
    }
    case 'app': {
      const role = effectiveRole(caller);
      if (role === null) return { status: 404, reason: `app ${access.capability}: not a member` };
      const cell = `app ${access.capability}: ${role} ${grantOf(role, access.capability)}`;
      const allowed =
        access.own === undefined
          ? can(role, access.capability)
          : canOnItem(role, access.capability, access.own, ownership === 'owner');
      const reason = access.own === undefined ? cell : `${cell}, ${access.own} rule, ${ownership}`;
      return allowed ? { status: success, reason } : { status: 403, reason };
    }
  }
}
