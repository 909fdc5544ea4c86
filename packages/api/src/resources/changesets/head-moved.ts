import { isConmanError, type Workspace } from '@conman/core';
import type { ChangesetsModuleDependencies } from './dependencies';
import { freezeRevision } from './submission';

/**
 * The `WorkspaceService.onHeadMoved` listener (SPEC §6.3): while the workspace's open changeset is
 * `submitted`/`in_review`, a new head (checkpoint, sync) becomes its next revision — approvals reset
 * because they count per revision, and the submit gate reruns. Other states ignore head moves: a
 * draft is frozen only by submit, an approved changeset keeps its revision (further edits need a new
 * changeset), and `changes_requested` waits for the author's resubmit.
 */
export function changesetHeadMovedListener(
  deps: ChangesetsModuleDependencies,
): (workspace: Workspace, newHeadSha: string) => Promise<void> {
  return async (workspace, newHeadSha) => {
    const changeset = await deps.changesets.findOpenForWorkspace(workspace.id);
    if (!changeset || (changeset.state !== 'submitted' && changeset.state !== 'in_review')) return;
    if (changeset.headSha === newHeadSha) return;
    const app = await deps.apps.findById(workspace.appId);
    if (!app) return;
    try {
      await freezeRevision(deps, {
        app,
        changeset,
        action: 'new_revision',
        headSha: newHeadSha,
        actor: { type: 'system', id: 'workspace-head-moved' },
      });
    } catch (error) {
      // A concurrent review or resubmit moved the changeset first: that path owns the new state.
      if (isConmanError(error) && (error.code === 'conflict' || error.code === 'invalid_transition')) {
        deps.logger.warn('new revision after a head move lost a race', {
          changeset_id: changeset.id,
          code: error.code,
        });
        return;
      }
      throw error;
    }
  };
}
