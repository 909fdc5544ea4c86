import type { Request } from 'express';
import { ForbiddenError, canOnItem, type App } from '@conman/core';
import type { AccessControl, Caller } from '@conman/auth';
import type { AccessGuard, AppAccess, ItemRequest, UserCaller } from '../../platform/access';
import { requireApp } from '../apps/require-app';
import { actorOf, callerOf } from './caller';

export interface AccessGuardDependencies {
  access: AccessControl;
  apps: { findById(id: string): Promise<App | null> };
}

function asUserCaller(caller: Caller): UserCaller {
  if (!caller.user || caller.sessionId === undefined)
    throw new ForbiddenError('Only signed-in users can do this');
  return { ...caller, user: caller.user, sessionId: caller.sessionId };
}

/** Both results, but the authorization's failure wins over the lookup's (401/403/404 as for any route). */
async function afterAuthorization<A, B>(authorization: Promise<A>, lookup: Promise<B>): Promise<[A, B]> {
  const [authorized, found] = await Promise.allSettled([authorization, lookup]);
  if (authorized.status === 'rejected') throw authorized.reason;
  if (found.status === 'rejected') throw found.reason;
  return [authorized.value, found.value];
}

async function grantInApp(
  deps: AccessGuardDependencies,
  access: AppAccess<unknown>,
  caller: Caller,
  request: ItemRequest,
) {
  const appId = request.params.appId ?? '';
  // An owner rule is decided on the item: until it is loaded, a role whose cell is "own" may pass.
  const mayOwn = access.own !== undefined ? true : undefined;
  // The app is read while the caller is checked and used only once the check passed, so a refused
  // caller learns nothing from it.
  const [role, app] = await afterAuthorization(
    deps.access.authorize(caller, appId, access.capability, mayOwn),
    requireApp(deps.apps, appId),
  );
  const actor = actorOf(caller);
  const item = access.item ? await access.item.load(request, app) : undefined;
  if (access.own !== undefined && access.item) {
    const isAuthor = access.item.ownerOf(item) === actor.id;
    if (!canOnItem(role, access.capability, access.own, isAuthor)) {
      throw new ForbiddenError(
        access.own === 'author' ? 'Only the author can do this' : `Your role (${role}) does not allow this`,
      );
    }
  }
  return { caller, role, actor, app, item };
}

/**
 * The platform's access check (docs/architecture.md "The request path"): authenticates the request
 * (401), then applies the route's declaration — signed-in users only (403 for API keys), a platform
 * capability (403), or a capability in the app (404 for non-members, 403 by role) and the owner rule
 * on the item the route acts on (404 when absent, then 403).
 */
export function createAccessGuard(deps: AccessGuardDependencies): AccessGuard {
  return {
    async grant(access, request: Request, item) {
      if (access.kind === 'public') return {};
      const caller = await callerOf(deps.access, request);
      switch (access.kind) {
        case 'authenticated':
          return { caller, actor: actorOf(caller) };
        case 'user':
          return { caller: asUserCaller(caller), actor: actorOf(caller) };
        case 'platform':
          deps.access.authorizePlatform(asUserCaller(caller), access.capability);
          return { caller, actor: actorOf(caller) };
        case 'app':
          return grantInApp(deps, access, caller, item);
      }
    },
  };
}
