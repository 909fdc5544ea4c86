import type { Request } from 'express';
import { slugify, type App, type Workspace } from '@conman/core';
import type { AccessControl, Caller } from '@conman/auth';
import type { AppsRepository } from '@conman/db';
import { actorOf, authorizedCaller } from '../auth/caller';
import { requireApp } from '../apps/require-app';
import type { CommitModePreferences } from './commit-mode';
import { serviceAccountSignature, type WorkspaceActor, type WorkspaceService } from './service';

export interface WorkspacesModuleDependencies {
  access: AccessControl;
  apps: AppsRepository;
  service: WorkspaceService;
  /** Users' commit mode preferences, for the mode in force on a workspace. */
  preferences: CommitModePreferences;
}

/** The owner identity and commit signature of a caller (users, or API keys acting as service accounts). */
export function workspaceActor(caller: Caller, isAppAdmin: boolean): WorkspaceActor {
  const audit = actorOf(caller);
  if (caller.user) {
    const local = caller.user.email.split('@')[0] ?? '';
    return {
      audit,
      ownerId: caller.user.id,
      ownerSlug: slugify(caller.user.name, slugify(local, 'user')),
      signature: { name: caller.user.name, email: caller.user.email },
      isAppAdmin,
    };
  }
  return {
    audit,
    ownerId: audit.id,
    ownerSlug: `key-${audit.id.slice(-8)}`,
    signature: serviceAccountSignature(audit.id),
    isAppAdmin,
  };
}

/** Both results, but the authorization's failure wins over the lookup's (401/403/404 as for any route). */
async function afterAuthorization<A, B>(authorization: Promise<A>, lookup: Promise<B>): Promise<[A, B]> {
  const [authorized, found] = await Promise.allSettled([authorization, lookup]);
  if (authorized.status === 'rejected') throw authorized.reason;
  if (found.status === 'rejected') throw found.reason;
  return [authorized.value, found.value];
}

/**
 * The caller in the app with the capability (404 non-members, 403 role). Any member may read
 * (SPEC §6.2); workspaces of other apps are 404 in the service.
 */
export async function appAccess(
  deps: WorkspacesModuleDependencies,
  request: Request,
  appId: string,
  capability: 'read_app' | 'edit_own_workspace' = 'read_app',
): Promise<{ app: App; actor: WorkspaceActor }> {
  // The app is looked up while the caller is checked; it is only used once the check passed, so a
  // refused caller learns nothing from it.
  const [caller, app] = await afterAuthorization(
    authorizedCaller(deps.access, request, appId, capability),
    requireApp(deps.apps, appId),
  );
  return { app, actor: workspaceActor(caller, caller.role === 'app_admin') };
}

/** `edit_own_workspace` with `own` semantics: the owner or an app_admin may modify (else 403). */
export async function editAccess(
  deps: WorkspacesModuleDependencies,
  request: Request,
  appId: string,
  workspaceId: string,
): Promise<{ app: App; actor: WorkspaceActor; workspace: Workspace }> {
  const { app, actor } = await appAccess(deps, request, appId, 'edit_own_workspace');
  const workspace = await deps.service.findRecord(app, workspaceId);
  deps.service.assertCanModify(workspace, actor);
  return { app, actor, workspace };
}
