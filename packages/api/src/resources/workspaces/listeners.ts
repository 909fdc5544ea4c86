import type { App, AuditActor, Workspace } from '@conman/core';

/** What changesets need to hear from workspaces (docs/changesets.md "Revisions"). */
export interface WorkspaceListeners {
  /** A checkpoint or sync moved the branch head. */
  headMoved(workspace: Workspace, newHeadSha: string): Promise<void>;
  /** An edit changed the working state. */
  edited(app: App, workspace: Workspace, actor: AuditActor): Promise<void>;
}
