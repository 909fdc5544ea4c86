import { NotFoundError, type Changeset, type Workspace } from '@conman/core';
import type { ItemSource } from '../../platform/access';
import type { ChangesetsModuleDependencies } from './dependencies';

/** The changeset of `:changesetId` in the app (404 otherwise); its author owns it. */
export function changesetItem(deps: Pick<ChangesetsModuleDependencies, 'changesets'>): ItemSource<Changeset> {
  return {
    load: async ({ params }, app) => {
      const changeset = await deps.changesets.findById(app.id, params.changesetId ?? '');
      if (!changeset) throw new NotFoundError('Changeset not found');
      return changeset;
    },
    ownerOf: (changeset) => changeset.authorId,
  };
}

/** The workspace a new changeset is opened on (`workspace_id` of the body); its owner owns it. */
export function bodyWorkspaceItem(
  deps: Pick<ChangesetsModuleDependencies, 'workspaces'>,
): ItemSource<Workspace> {
  return {
    load: ({ body }, app) => deps.workspaces.findRecord(app, (body as { workspace_id: string }).workspace_id),
    ownerOf: (workspace) => workspace.ownerId,
  };
}
