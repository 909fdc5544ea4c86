import { isConmanError } from '@conman/core';
import type { WorkspaceListeners } from '../workspaces/service';
import type { ChangesetsModuleDependencies } from './dependencies';
import type { ChangesetService } from './service';

/**
 * How changesets follow their workspace (docs/changesets.md "Revisions"):
 * - a new head (checkpoint, sync) while `submitted`/`in_review` becomes the next revision —
 *   approvals reset because they count per revision, and the submit gate reruns. Other states
 *   ignore head moves: a draft is frozen only by submit, an approved changeset keeps its revision;
 * - the author's edit of a `changes_requested` changeset's workspace makes it a draft again.
 */
export function changesetWorkspaceListeners(
  deps: Pick<ChangesetsModuleDependencies, 'changesets' | 'apps' | 'logger'>,
  service: ChangesetService,
): WorkspaceListeners {
  /** A concurrent review or resubmit moved the changeset first: that path owns the new state. */
  async function unlessRaced(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (isConmanError(error) && (error.code === 'conflict' || error.code === 'invalid_transition')) {
        deps.logger.warn(`${what} lost a race`, { code: error.code });
        return;
      }
      throw error;
    }
  }
  return {
    async headMoved(workspace, newHeadSha) {
      const changeset = await deps.changesets.findOpenForWorkspace(workspace.id);
      if (!changeset || (changeset.state !== 'submitted' && changeset.state !== 'in_review')) return;
      if (changeset.headSha === newHeadSha) return;
      const app = await deps.apps.findById(workspace.appId);
      if (!app) return;
      await unlessRaced('new revision after a head move', () =>
        service.newRevision(app, changeset, newHeadSha, { type: 'system', id: 'workspace-head-moved' }),
      );
    },
    edited: (app, workspace, actor) =>
      unlessRaced('draft after the author edited', () => service.authorEdited(app, workspace, actor)),
  };
}
