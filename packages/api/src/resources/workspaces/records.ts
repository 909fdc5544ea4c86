import {
  ConflictError,
  NotFoundError,
  slugify,
  workspaceBranchName,
  type App,
  type CommitMode,
  type Workspace,
} from '@conman/core';
import type { UnitOfWork, WorkspacesRepository } from '@conman/db';
import type { GitAdapter } from '@conman/git';
import type { WorkspaceActor } from './actor';
import { resolveBaseline, type Baseline, type CanonicalReleaseSource } from './baseline';
import { workspaceEvent } from './record-writes';
import { withRefs, type WorkspaceRefs } from './refs';

const DEFAULT_TITLE = 'Default workspace';

export interface WorkspaceRecordsDependencies {
  unitOfWork: UnitOfWork;
  git: GitAdapter;
  workspaces: WorkspacesRepository;
  refs: WorkspaceRefs;
  releases: CanonicalReleaseSource;
}

/**
 * The workspace records of an app (docs/workspaces.md): finding, listing (with the default workspace
 * created on first use), creating and their settings. Every record is returned with the SHAs its
 * refs hold, except `find`, which callers use for ownership checks before they read the refs anyway.
 */
export class WorkspaceRecords {
  constructor(private readonly deps: WorkspaceRecordsDependencies) {}

  /** The record in `app` without reading its refs; 404 when missing or of another app. */
  async find(app: App, workspaceId: string): Promise<Workspace> {
    const workspace = await this.deps.workspaces.findInApp(app.id, workspaceId);
    if (!workspace) throw new NotFoundError('Workspace not found');
    return workspace;
  }

  /** The caller's workspaces, creating the default one on first use. */
  async listOwn(app: App, actor: WorkspaceActor): Promise<Workspace[]> {
    let workspaces = await this.deps.workspaces.listForOwner(app.id, actor.ownerId);
    if (!workspaces.some((workspace) => workspace.isDefault)) {
      await this.createDefault(app, actor);
      workspaces = await this.deps.workspaces.listForOwner(app.id, actor.ownerId);
    }
    return Promise.all(
      workspaces.map(async (workspace) => withRefs(workspace, await this.deps.refs.read(app, workspace))),
    );
  }

  /** Another workspace of the actor with a title: branch `ws/<user>/<app>-<n>`. */
  async create(app: App, actor: WorkspaceActor, title: string): Promise<Workspace> {
    const baseline = await resolveBaseline(this.deps.git, app, this.deps.releases);
    const appSlug = slugify(app.name, 'app');
    let number = Math.max(2, (await this.deps.workspaces.countForOwner(app.id, actor.ownerId)) + 1);
    for (let attempt = 0; attempt < 50; attempt += 1, number += 1) {
      const created = await this.insert(app, actor, {
        title,
        isDefault: false,
        branch: workspaceBranchName(actor.ownerSlug, appSlug, number),
        baseline,
      });
      if (created) return created;
    }
    throw new ConflictError('Could not find a free branch name for the workspace');
  }

  /** The default workspace, created once even under concurrent first visits (unique index). */
  private async createDefault(app: App, actor: WorkspaceActor): Promise<void> {
    const baseline = await resolveBaseline(this.deps.git, app, this.deps.releases);
    const appSlug = slugify(app.name, 'app');
    // Two owners can share a slug (alice@a, alice@b): the second one's branch gets its id's tail.
    const slugs = [actor.ownerSlug, `${actor.ownerSlug}-${actor.ownerId.slice(-6)}`, actor.ownerId];
    for (const slug of slugs) {
      const result = await this.insert(app, actor, {
        title: DEFAULT_TITLE,
        isDefault: true,
        branch: workspaceBranchName(slug, appSlug),
        baseline,
      });
      if (result !== null) return;
      if (await this.deps.workspaces.findDefault(app.id, actor.ownerId)) return;
    }
    throw new ConflictError('Could not find a free branch name for the default workspace');
  }

  /** Inserts the record with its audit event, then creates the refs; null when the branch is taken. */
  private async insert(
    app: App,
    actor: WorkspaceActor,
    input: { title: string; isDefault: boolean; branch: string; baseline: Baseline },
  ): Promise<Workspace | null> {
    const clash = Symbol('clash');
    let workspace: Workspace;
    try {
      workspace = await this.deps.unitOfWork.run(
        { appId: app.id, actor: actor.audit },
        async ({ session, audit }) => {
          const result = await this.deps.workspaces.create(
            {
              appId: app.id,
              ownerId: actor.ownerId,
              title: input.title,
              isDefault: input.isDefault,
              branch: input.branch,
              baseRefType: input.baseline.refType,
              baseRefValue: input.baseline.refValue,
              baseSha: input.baseline.sha,
            },
            session,
          );
          // A duplicate key aborts the transaction: leave it and decide outside.
          if ('clash' in result) throw clash;
          await audit({
            ...workspaceEvent(result.id, 'workspace.created'),
            after: {
              title: result.title,
              branch: result.branch,
              is_default: result.isDefault,
              base_sha: result.baseSha,
            },
            gitSha: result.baseSha,
          });
          return result;
        },
      );
    } catch (error) {
      if (error === clash) return null;
      throw error;
    }
    return withRefs(workspace, await this.deps.refs.read(app, workspace));
  }

  async updateSettings(
    app: App,
    workspace: Workspace,
    actor: WorkspaceActor,
    changes: { title?: string; commitMode?: CommitMode | null },
  ): Promise<Workspace> {
    const updated = await this.deps.unitOfWork.run(
      { appId: app.id, actor: actor.audit },
      async ({ session, audit }) => {
        const result = await this.deps.workspaces.update(workspace.id, changes, session);
        if (!result) throw new NotFoundError('Workspace not found');
        await audit({
          ...workspaceEvent(workspace.id, 'workspace.updated'),
          before: { title: workspace.title, commit_mode: workspace.commitMode },
          after: { title: result.title, commit_mode: result.commitMode },
        });
        return result;
      },
    );
    return withRefs(updated, await this.deps.refs.read(app, updated));
  }
}
