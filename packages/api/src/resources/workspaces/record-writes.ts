import { NotFoundError, type AuditActor, type Workspace } from '@conman/core';
import type {
  AuditRecord,
  ClientSession,
  RefMoveTransaction,
  WorkspaceUpdate,
  WorkspacesRepository,
} from '@conman/db';

/** The entity part of a workspace audit event. */
export function workspaceEvent(
  workspaceId: string,
  action: string,
): Pick<AuditRecord, 'entityType' | 'entityId' | 'action'> {
  return { entityType: 'workspace', entityId: workspaceId, action };
}

/** Updates the record inside a ref move, to be put back if the move aborts. */
export async function updateInMove(
  workspaces: WorkspacesRepository,
  workspace: Workspace,
  changes: WorkspaceUpdate,
  tx: RefMoveTransaction,
): Promise<Workspace> {
  const result = await workspaces.updateUndoable(workspace.id, changes, tx.session);
  if (!result) throw new NotFoundError('Workspace not found');
  tx.undoOnAbort(result.undo);
  return result.workspace;
}

/** Remembers who wrote to the workspace, for the four-eyes rule (once per person). */
export async function addEditor(
  workspaces: WorkspacesRepository,
  workspace: Workspace,
  actor: AuditActor,
  session: ClientSession,
): Promise<void> {
  if (!workspace.editorIds.includes(actor.id)) await workspaces.addEditor(workspace.id, actor.id, session);
}
