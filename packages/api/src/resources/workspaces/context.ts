import { slugify, type Workspace } from '@conman/core';
import type { Caller } from '@conman/auth';
import type { AppsRepository } from '@conman/db';
import type { ItemSource } from '../../platform/access';
import { actorOf } from '../auth/caller';
import type { CommitModePreferences } from './commit-mode';
import { serviceAccountSignature, type WorkspaceActor, type WorkspaceService } from './service';

export interface WorkspacesModuleDependencies {
  apps: AppsRepository;
  service: WorkspaceService;
  /** Users' commit mode preferences, for the mode in force on a workspace. */
  preferences: CommitModePreferences;
}

/** The owner identity and commit signature of a caller (users, or API keys acting as service accounts). */
export function workspaceActor({ caller }: { caller: Caller }): WorkspaceActor {
  const audit = actorOf(caller);
  if (caller.user) {
    const local = caller.user.email.split('@')[0] ?? '';
    return {
      audit,
      ownerId: caller.user.id,
      ownerSlug: slugify(caller.user.name, slugify(local, 'user')),
      signature: { name: caller.user.name, email: caller.user.email },
    };
  }
  return {
    audit,
    ownerId: audit.id,
    ownerSlug: `key-${audit.id.slice(-8)}`,
    signature: serviceAccountSignature(audit.id),
  };
}

/** The workspace of `:wsId` in the app (404 otherwise); its owner owns it. */
export function workspaceItem(service: WorkspaceService): ItemSource<Workspace> {
  return {
    load: ({ params }, app) => service.findRecord(app, params.wsId ?? ''),
    ownerOf: (workspace) => workspace.ownerId,
  };
}

/** Modifying a workspace: its owner or an app_admin. */
export function editAccess(service: WorkspaceService) {
  return {
    kind: 'app',
    capability: 'edit_own_workspace',
    item: workspaceItem(service),
    own: 'author_or_app_admin',
  } as const;
}
