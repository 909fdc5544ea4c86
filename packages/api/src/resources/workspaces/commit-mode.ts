import { ConflictError, effectiveCommitMode, type App, type CommitMode, type Workspace } from '@conman/core';
import type { NotificationPreferencesRepository } from '@conman/db';

export type CommitModePreferences = Pick<NotificationPreferencesRepository, 'get'>;

/**
 * The mode in force on a workspace (docs/workspaces.md): its own override, else its owner's preference
 * (`PATCH /me/notification-preferences`; API-key workspaces have none), else the app default.
 */
export async function commitModeOf(
  preferences: CommitModePreferences,
  app: App,
  workspace: Workspace,
): Promise<CommitMode> {
  const owner = await preferences.get(workspace.ownerId);
  return effectiveCommitMode({
    workspace: workspace.commitMode,
    user: owner.commitMode,
    appDefault: app.settings.commit_mode_default,
  });
}

/** Checkpoints exist only in `manual_checkpoint` mode; in `submit_commit` mode submitting commits (409). */
export async function assertCheckpointsAllowed(
  preferences: CommitModePreferences,
  app: App,
  workspace: Workspace,
): Promise<void> {
  const mode = await commitModeOf(preferences, app, workspace);
  if (mode !== 'manual_checkpoint')
    throw new ConflictError(
      `This workspace's commit mode is ${mode}: its edits are committed when the changeset is submitted, not by checkpoints`,
      { commit_mode: mode },
    );
}
