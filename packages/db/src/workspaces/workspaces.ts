import { ObjectId, type Collection, type Db, type ClientSession } from 'mongodb';
import type { CommitMode, Workspace, WorkspaceBaseRefType } from '@conman/core';
import type { DocumentUndo } from '../audit';
import type { IndexSpec } from '../indexes';
import { isDuplicateKeyError, parseObjectId, toObjectId } from '../identity/shared';

export const WORKSPACES = 'workspaces';

export interface WorkspaceDocument {
  _id: ObjectId;
  app_id: ObjectId;
  owner_id: ObjectId;
  title: string;
  is_default: boolean;
  branch: string;
  base_ref_type: WorkspaceBaseRefType;
  base_ref_value: string;
  base_sha: string;
  /** Last known branch head and working state; the Git refs are authoritative (docs/workspaces.md). */
  head_sha: string;
  working_sha: string | null;
  commit_mode: CommitMode | null;
  /** Absent on records written before editors were tracked. */
  editor_ids?: string[];
  created_at: Date;
  updated_at: Date;
}

export const WORKSPACE_BRANCH_INDEX = 'workspaces_app_branch_unique';
export const WORKSPACE_DEFAULT_INDEX = 'workspaces_one_default_per_owner';

export const workspaceIndexSpecs: IndexSpec[] = [
  {
    collection: WORKSPACES,
    key: { app_id: 1, branch: 1 },
    options: { name: WORKSPACE_BRANCH_INDEX, unique: true },
  },
  {
    collection: WORKSPACES,
    key: { app_id: 1, owner_id: 1 },
    options: {
      name: WORKSPACE_DEFAULT_INDEX,
      unique: true,
      partialFilterExpression: { is_default: true },
    },
  },
  {
    collection: WORKSPACES,
    key: { app_id: 1, owner_id: 1, created_at: 1 },
    options: { name: 'workspaces_app_owner_created' },
  },
];

export type NewWorkspace = Pick<
  Workspace,
  'appId' | 'ownerId' | 'title' | 'isDefault' | 'branch' | 'baseRefType' | 'baseRefValue' | 'baseSha'
>;

/** Which unique index refused an insert. */
export type WorkspaceClash = 'default' | 'branch';

export type WorkspaceUpdate = Partial<
  Pick<
    Workspace,
    | 'title'
    | 'commitMode'
    | 'headSha'
    | 'workingSha'
    | 'baseRefType'
    | 'baseRefValue'
    | 'baseSha'
    | 'editorIds'
  >
>;

function toWorkspace(doc: WorkspaceDocument): Workspace {
  return {
    id: doc._id.toHexString(),
    appId: doc.app_id.toHexString(),
    ownerId: doc.owner_id.toHexString(),
    title: doc.title,
    isDefault: doc.is_default,
    branch: doc.branch,
    baseRefType: doc.base_ref_type,
    baseRefValue: doc.base_ref_value,
    baseSha: doc.base_sha,
    headSha: doc.head_sha,
    workingSha: doc.working_sha,
    commitMode: doc.commit_mode,
    editorIds: doc.editor_ids ?? [],
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
  };
}

const FIELD_NAMES = {
  title: 'title',
  commitMode: 'commit_mode',
  headSha: 'head_sha',
  workingSha: 'working_sha',
  baseRefType: 'base_ref_type',
  baseRefValue: 'base_ref_value',
  baseSha: 'base_sha',
  editorIds: 'editor_ids',
} as const satisfies Record<keyof WorkspaceUpdate, keyof WorkspaceDocument>;

/**
 * Workspaces (SPEC §6.2). One default workspace per (app, owner) and unique branches per app are
 * unique indexes, so concurrent first visits cannot create two.
 */
export class WorkspacesRepository {
  private readonly collection: Collection<WorkspaceDocument>;

  constructor(db: Db) {
    this.collection = db.collection<WorkspaceDocument>(WORKSPACES);
  }

  /** Inserts the workspace, or reports which unique index refused it. */
  async create(input: NewWorkspace, session?: ClientSession): Promise<Workspace | { clash: WorkspaceClash }> {
    const now = new Date();
    const doc: WorkspaceDocument = {
      _id: new ObjectId(),
      app_id: toObjectId(input.appId),
      owner_id: toObjectId(input.ownerId),
      title: input.title,
      is_default: input.isDefault,
      branch: input.branch,
      base_ref_type: input.baseRefType,
      base_ref_value: input.baseRefValue,
      base_sha: input.baseSha,
      head_sha: input.baseSha,
      working_sha: null,
      commit_mode: null,
      editor_ids: [],
      created_at: now,
      updated_at: now,
    };
    try {
      await this.collection.insertOne(doc, { session });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const message = error instanceof Error ? error.message : '';
      return { clash: message.includes(WORKSPACE_DEFAULT_INDEX) ? 'default' : 'branch' };
    }
    return toWorkspace(doc);
  }

  /** The workspace when it exists in this app; ids of other apps read as missing. */
  async findInApp(appId: string, id: string, session?: ClientSession): Promise<Workspace | null> {
    const _id = parseObjectId(id);
    const app_id = parseObjectId(appId);
    if (!_id || !app_id) return null;
    const doc = await this.collection.findOne({ _id, app_id }, { session });
    return doc ? toWorkspace(doc) : null;
  }

  async findDefault(appId: string, ownerId: string, session?: ClientSession): Promise<Workspace | null> {
    const doc = await this.collection.findOne(
      { app_id: toObjectId(appId), owner_id: toObjectId(ownerId), is_default: true },
      { session },
    );
    return doc ? toWorkspace(doc) : null;
  }

  /** The owner's workspaces in the app, oldest first. */
  async listForOwner(appId: string, ownerId: string): Promise<Workspace[]> {
    const docs = await this.collection
      .find({ app_id: toObjectId(appId), owner_id: toObjectId(ownerId) })
      .sort({ created_at: 1, _id: 1 })
      .toArray();
    return docs.map(toWorkspace);
  }

  async countForOwner(appId: string, ownerId: string): Promise<number> {
    return this.collection.countDocuments({ app_id: toObjectId(appId), owner_id: toObjectId(ownerId) });
  }

  /** Records a writer of the workspace (kept until the next reset). */
  async addEditor(id: string, editorId: string, session?: ClientSession): Promise<void> {
    await this.collection.updateOne(
      { _id: toObjectId(id) },
      { $addToSet: { editor_ids: editorId } },
      { session },
    );
  }

  async update(id: string, changes: WorkspaceUpdate, session?: ClientSession): Promise<Workspace | null> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: toObjectId(id) },
      { $set: { ...fieldsOf(changes), updated_at: new Date() } },
      { session, returnDocument: 'after' },
    );
    return doc ? toWorkspace(doc) : null;
  }

  /**
   * `update`, plus how to take it back: the changed fields' previous values, for a change whose ref
   * move may still abort (`RefMoveJournal`).
   */
  async updateUndoable(
    id: string,
    changes: WorkspaceUpdate,
    session?: ClientSession,
  ): Promise<{ workspace: Workspace; undo: DocumentUndo } | null> {
    const written = fieldsOf(changes);
    const $set = { ...written, updated_at: new Date() };
    const before = await this.collection.findOneAndUpdate(
      { _id: toObjectId(id) },
      { $set },
      { session, returnDocument: 'before' },
    );
    if (!before) return null;
    const restore = Object.fromEntries(
      Object.keys(written).map((field) => [field, before[field as keyof WorkspaceDocument] ?? null]),
    );
    return {
      workspace: toWorkspace({ ...before, ...$set }),
      undo: { collection: WORKSPACES, id, restore, expect: written },
    };
  }
}

function fieldsOf(changes: WorkspaceUpdate): Partial<WorkspaceDocument> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes) as [keyof WorkspaceUpdate, unknown][]) {
    if (value !== undefined) fields[FIELD_NAMES[key]] = value;
  }
  return fields as Partial<WorkspaceDocument>;
}
