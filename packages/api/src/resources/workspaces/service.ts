import { NotFoundError, type App, type Workspace } from '@conman/core';
import type { AppsRepository, UnitOfWork, UsersRepository, WorkspacesRepository } from '@conman/db';
import type { GitAdapter } from '@conman/git';
import { NO_DEPLOYMENTS, type CanonicalReleaseSource } from './baseline';
import { BranchMoves } from './branch-moves';
import { WorkspaceCommitter } from './commits';
import { WorkspaceEditor } from './editing';
import { KeyedLock } from './keyed-lock';
import type { WorkspaceListeners } from './listeners';
import { WorkspaceReader } from './reading';
import { WorkspaceRecords } from './records';
import { WorkspaceRefs } from './refs';

export type { WorkspaceActor } from './actor';
export { serviceAccountSignature } from './actor';
export type { WorkspaceListeners } from './listeners';
export type { EditRequest, WorkingStateChange } from './editing';
export type { WorkspaceTree } from './reading';

export interface WorkspaceServiceDependencies {
  unitOfWork: UnitOfWork;
  git: GitAdapter;
  workspaces: WorkspacesRepository;
  /** Signs commits of callers that pass no signature (see `commitWorkingState`). */
  users: UsersRepository;
  /** Only `get`, for callers that hold an app id but not the app. */
  apps: AppsRepository;
  releases?: CanonicalReleaseSource;
  /** Read at each event: the listeners (changesets) are built after the workspace service. */
  listeners?: () => WorkspaceListeners;
}

/**
 * Workspaces and their working state (docs/workspaces.md), composed of focused parts: records,
 * reading, editing, commits and branch moves, over the two refs of each workspace. Git refs are the
 * truth and every move is a ref CAS; writers to one workspace additionally queue in-process (one lock
 * shared by every part) so they do not burn CAS attempts on each other. Every operation takes the
 * `App` the caller already loaded (the platform loads it for each app route).
 */
export class WorkspaceService {
  private readonly reader: WorkspaceReader;
  private readonly records: WorkspaceRecords;
  private readonly editor: WorkspaceEditor;
  private readonly committer: WorkspaceCommitter;
  private readonly moves: BranchMoves;

  constructor(private readonly deps: WorkspaceServiceDependencies) {
    const { git, unitOfWork, workspaces } = deps;
    const releases = deps.releases ?? NO_DEPLOYMENTS;
    const listeners = () => deps.listeners?.();
    const lock = new KeyedLock();
    const refs = new WorkspaceRefs(git, unitOfWork);
    this.records = new WorkspaceRecords({ unitOfWork, git, workspaces, refs, releases });
    this.reader = new WorkspaceReader(git, this.records, refs);
    this.editor = new WorkspaceEditor({ git, workspaces, refs, lock, listeners });
    const reader = this.reader;
    this.committer = new WorkspaceCommitter({
      git,
      workspaces,
      users: deps.users,
      refs,
      reader,
      lock,
      listeners,
    });
    this.moves = new BranchMoves({ git, workspaces, refs, releases, lock, listeners });
  }

  /** The workspace with its current refs, for callers holding only an app id (one app lookup more). */
  async get(appId: string, workspaceId: string): Promise<Workspace> {
    const app = await this.deps.apps.findById(appId);
    if (!app) throw new NotFoundError('App not found');
    return this.read(app, workspaceId);
  }

  /** The workspace in `app` with its current refs; 404 when missing or of another app. */
  async read(app: App, workspaceId: string): Promise<Workspace> {
    return (await this.reader.load(app, workspaceId)).workspace;
  }

  load: WorkspaceReader['load'] = (...args) => this.reader.load(...args);
  readFile: WorkspaceReader['readFile'] = (...args) => this.reader.readFile(...args);
  tree: WorkspaceReader['tree'] = (...args) => this.reader.tree(...args);

  /** The workspace record without reading its refs (ownership checks before an edit re-reads them). */
  findRecord: WorkspaceRecords['find'] = (...args) => this.records.find(...args);
  listOwn: WorkspaceRecords['listOwn'] = (...args) => this.records.listOwn(...args);
  create: WorkspaceRecords['create'] = (...args) => this.records.create(...args);
  updateSettings: WorkspaceRecords['updateSettings'] = (...args) => this.records.updateSettings(...args);

  edit: WorkspaceEditor['edit'] = (...args) => this.editor.edit(...args);
  moveFile: WorkspaceEditor['moveFile'] = (...args) => this.editor.moveFile(...args);

  commitWorkingState: WorkspaceCommitter['commitWorkingState'] = (...args) =>
    this.committer.commitWorkingState(...args);
  checkpoint: WorkspaceCommitter['checkpoint'] = (...args) => this.committer.checkpoint(...args);

  reset: BranchMoves['reset'] = (...args) => this.moves.reset(...args);
  syncIntegration: BranchMoves['syncIntegration'] = (...args) => this.moves.syncIntegration(...args);
}
