import {
  ObjectId,
  type ClientSession,
  type Collection,
  type Db,
  type Filter,
  type UpdateFilter,
} from 'mongodb';
import { ConflictError, isOpenChangesetState, type Changeset, type ChangesetState } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { conflictOnDuplicate, parseObjectId, toObjectId } from '../identity/shared';

export const CHANGESETS = 'changesets';

export interface ChangesetDocument {
  _id: ObjectId;
  app_id: ObjectId;
  workspace_id: ObjectId;
  author_id: ObjectId;
  title: string;
  description: string;
  state: ChangesetState;
  /**
   * Mirrors `isOpenChangesetState(state)`. The one-open-changeset-per-workspace index filters on this
   * equality rather than on `state: {$in: [...]}`: `$in` in a partial filter needs MongoDB ≥ 6.0.
   */
  is_open: boolean;
  revision: number;
  head_sha: string | null;
  base_sha: string | null;
  /** Present only while `queued` (unique per app through a partial index). */
  queue_position?: number;
  cloned_from_id: ObjectId | null;
  created_at: Date;
  updated_at: Date;
}

export const changesetIndexSpecs: IndexSpec[] = [
  {
    collection: CHANGESETS,
    key: { workspace_id: 1 },
    options: {
      name: 'changesets_one_open_per_workspace',
      unique: true,
      partialFilterExpression: { is_open: true },
    },
  },
  {
    collection: CHANGESETS,
    key: { app_id: 1, queue_position: 1 },
    options: {
      name: 'changesets_queue_position_unique',
      unique: true,
      partialFilterExpression: { state: 'queued' },
    },
  },
  { collection: CHANGESETS, key: { app_id: 1, created_at: -1 }, options: { name: 'changesets_app_created' } },
  {
    collection: CHANGESETS,
    key: { app_id: 1, state: 1, created_at: -1 },
    options: { name: 'changesets_app_state' },
  },
];

export interface CreateChangesetInput {
  appId: string;
  workspaceId: string;
  authorId: string;
  title: string;
  description: string;
  clonedFromId?: string;
}

export interface ChangesetListFilter {
  state?: ChangesetState;
  authorId?: string;
}

/** Fields a transition may set alongside the new state (the frozen revision, the queue position). */
export interface ChangesetTransitionFields {
  revision?: number;
  headSha?: string;
  baseSha?: string;
  /** `queue`: the position the caller reserved from the app's queue counter. */
  queuePosition?: number;
}

function toChangeset(doc: ChangesetDocument): Changeset {
  return {
    id: doc._id.toHexString(),
    appId: doc.app_id.toHexString(),
    workspaceId: doc.workspace_id.toHexString(),
    authorId: doc.author_id.toHexString(),
    title: doc.title,
    description: doc.description,
    state: doc.state,
    revision: doc.revision,
    headSha: doc.head_sha,
    baseSha: doc.base_sha,
    queuePosition: doc.state === 'queued' ? (doc.queue_position ?? null) : null,
    clonedFromId: doc.cloned_from_id?.toHexString() ?? null,
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
  };
}

/** The guard of every update: the state and revision the caller decided on are still current. */
function guardOf(current: Changeset): Filter<ChangesetDocument> {
  return { _id: toObjectId(current.id), state: current.state, revision: current.revision };
}

function staleError(current: Changeset): ConflictError {
  return new ConflictError('The changeset changed concurrently; reload and retry', {
    changeset_id: current.id,
    expected_state: current.state,
    expected_revision: current.revision,
  });
}

/**
 * `changesets` (docs/changesets.md). Every state change is decided by core's machine (its caller asks) and is one
 * update guarded by the state and revision the decision was made on; a lost race is a 409, never a
 * silent overwrite. One open changeset per workspace and unique queue positions are indexes.
 */
export class ChangesetsRepository {
  private readonly collection: Collection<ChangesetDocument>;

  constructor(db: Db) {
    this.collection = db.collection<ChangesetDocument>(CHANGESETS);
  }

  async create(input: CreateChangesetInput, session?: ClientSession): Promise<Changeset> {
    const now = new Date();
    const doc: ChangesetDocument = {
      _id: new ObjectId(),
      app_id: toObjectId(input.appId),
      workspace_id: toObjectId(input.workspaceId),
      author_id: toObjectId(input.authorId),
      title: input.title,
      description: input.description,
      state: 'draft',
      is_open: true,
      revision: 0,
      head_sha: null,
      base_sha: null,
      cloned_from_id: input.clonedFromId === undefined ? null : toObjectId(input.clonedFromId),
      created_at: now,
      updated_at: now,
    };
    await conflictOnDuplicate(
      'The workspace already has an open changeset',
      () => this.collection.insertOne(doc, { session }),
      { workspace_id: input.workspaceId },
    );
    return toChangeset(doc);
  }

  /** The changeset when it exists in this app; null otherwise (cross-app ids look missing). */
  async findById(appId: string, id: string, session?: ClientSession): Promise<Changeset | null> {
    const _id = parseObjectId(id);
    const app_id = parseObjectId(appId);
    if (!_id || !app_id) return null;
    const doc = await this.collection.findOne({ _id, app_id }, { session });
    return doc ? toChangeset(doc) : null;
  }

  async findOpenForWorkspace(workspaceId: string, session?: ClientSession): Promise<Changeset | null> {
    const workspace_id = parseObjectId(workspaceId);
    if (!workspace_id) return null;
    const doc = await this.collection.findOne({ workspace_id, is_open: true }, { session });
    return doc ? toChangeset(doc) : null;
  }

  /** Newest first. */
  async list(
    appId: string,
    filter: ChangesetListFilter,
    window: { skip: number; limit: number },
  ): Promise<{ items: Changeset[]; total: number }> {
    const app_id = parseObjectId(appId);
    if (!app_id) return { items: [], total: 0 };
    const query: Filter<ChangesetDocument> = { app_id };
    if (filter.state !== undefined) query.state = filter.state;
    if (filter.authorId !== undefined) {
      const author_id = parseObjectId(filter.authorId);
      if (!author_id) return { items: [], total: 0 };
      query.author_id = author_id;
    }
    const [docs, total] = await Promise.all([
      this.collection
        .find(query)
        .sort({ created_at: -1, _id: -1 })
        .skip(window.skip)
        .limit(window.limit)
        .toArray(),
      this.collection.countDocuments(query),
    ]);
    return { items: docs.map(toChangeset), total };
  }

  /** Title/description change, guarded like a transition so it cannot resurrect a stale view. */
  async updateDetails(
    current: Changeset,
    fields: { title?: string; description?: string },
    session?: ClientSession,
  ): Promise<Changeset> {
    const doc = await this.collection.findOneAndUpdate(
      guardOf(current),
      { $set: { ...fields, updated_at: new Date() } },
      { session, returnDocument: 'after' },
    );
    if (!doc) throw staleError(current);
    return toChangeset(doc);
  }

  /**
   * Applies `action` through the changeset machine (docs/changesets.md "The machine") (409
   * `invalid_transition` when it is not allowed) and stores the result with one guarded update (409
   * `conflict` when the changeset moved meanwhile).
   */
  /**
   * Moves the changeset to the state the machine decided (the caller asked it), guarded on the
   * state and revision it was read with: a concurrent change makes this a 409 `conflict`.
   */
  async moveTo(
    current: Changeset,
    next: ChangesetState,
    fields: ChangesetTransitionFields = {},
    session?: ClientSession,
  ): Promise<Changeset> {
    const update: UpdateFilter<ChangesetDocument> = {
      $set: {
        state: next,
        is_open: isOpenChangesetState(next),
        updated_at: new Date(),
        ...(fields.revision !== undefined && { revision: fields.revision }),
        ...(fields.headSha !== undefined && { head_sha: fields.headSha }),
        ...(fields.baseSha !== undefined && { base_sha: fields.baseSha }),
        ...(fields.queuePosition !== undefined && { queue_position: fields.queuePosition }),
      },
    };
    if (current.state === 'queued' && next !== 'queued') update.$unset = { queue_position: '' };
    const doc = await this.collection.findOneAndUpdate(guardOf(current), update, {
      session,
      returnDocument: 'after',
    });
    if (!doc) throw staleError(current);
    return toChangeset(doc);
  }

  /** The app's queue in position order. */
  async listQueued(appId: string, session?: ClientSession): Promise<Changeset[]> {
    const app_id = parseObjectId(appId);
    if (!app_id) return [];
    const docs = await this.collection
      .find({ app_id, state: 'queued' }, { session })
      .sort({ queue_position: 1 })
      .toArray();
    return docs.map(toChangeset);
  }

  /**
   * Gives the queued changesets `orderedIds` the positions 1..n. The caller has checked that the ids
   * are exactly the current queue inside the same transaction; a changeset that left the queue
   * meanwhile makes the update miss and the whole reorder fail with 409.
   */
  async renumberQueue(appId: string, orderedIds: readonly string[], session: ClientSession): Promise<void> {
    const app_id = toObjectId(appId);
    // Positions are unique per app at every write, so first move everyone out of the way.
    for (const [phase, positionOf] of [
      ['park', (index: number) => -1 - index],
      ['place', (index: number) => index + 1],
    ] as const) {
      for (const [index, id] of orderedIds.entries()) {
        const result = await this.collection.updateOne(
          { _id: toObjectId(id), app_id, state: 'queued' },
          {
            $set: { queue_position: positionOf(index), ...(phase === 'place' && { updated_at: new Date() }) },
          },
          { session },
        );
        if (result.matchedCount !== 1) {
          throw new ConflictError('The queue changed concurrently; reload and retry', { changeset_id: id });
        }
      }
    }
  }
}
