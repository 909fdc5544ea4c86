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
import { authorizedCaller } from '../auth/caller';
import type { ChangesetsModuleDependencies } from './dependencies';

export type AppCaller = Caller & { role: Role };

/**
 * Who authors and owns items: the user, or the API key of a service account (as for workspaces,
 * whose owner is the key for automation).
 */
export function principalIdOf(caller: Caller): string {
  return caller.principal.kind === 'user' ? caller.principal.userId : caller.principal.keyId;
}

export function isAuthor(caller: Caller, changeset: Changeset): boolean {
  return principalIdOf(caller) === changeset.authorId;
}

export function requireAuthor(caller: Caller, changeset: Changeset, what: string): void {
  if (!isAuthor(caller, changeset)) throw new ForbiddenError(`Only the author can ${what}`);
}

export async function loadApp(deps: ChangesetsModuleDependencies, appId: string): Promise<App> {
  const app = await deps.apps.findById(appId);
  if (!app) throw new NotFoundError('App not found');
  return app;
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
