import type { Request } from 'express';
import {
  ForbiddenError,
  NotFoundError,
  type App,
  type Capability,
  type Changeset,
  type Role,
} from '@conman/core';
import type { Caller } from '@conman/auth';
import { actorOf, authorizedCaller } from '../auth/caller';
import { requireApp } from '../apps/require-app';
import type { ChangesetsModuleDependencies } from './dependencies';

export type AppCaller = Caller & { role: Role };

export function isAuthor(caller: Caller, authorId: string): boolean {
  return actorOf(caller).id === authorId;
}

export function requireAuthor(caller: Caller, authorId: string, what: string): void {
  if (!isAuthor(caller, authorId)) throw new ForbiddenError(`Only the author can ${what}`);
}

export function loadApp(deps: ChangesetsModuleDependencies, appId: string): Promise<App> {
  return requireApp(deps.apps, appId);
}

export async function loadChangeset(
  deps: ChangesetsModuleDependencies,
  appId: string,
  changesetId: string,
): Promise<Changeset> {
  const changeset = await deps.changesets.findById(appId, changesetId);
  if (!changeset) throw new NotFoundError('Changeset not found');
  return changeset;
}

/** Authenticates, checks the capability in the app (401/404/403), then loads the changeset (404). */
export async function callerAndChangeset(
  deps: ChangesetsModuleDependencies,
  request: Request,
  params: { appId: string; changesetId: string },
  capability: Capability,
): Promise<{ caller: AppCaller; changeset: Changeset }> {
  const caller = await authorizedCaller(deps.access, request, params.appId, capability);
  const changeset = await loadChangeset(deps, params.appId, params.changesetId);
  return { caller, changeset };
}
