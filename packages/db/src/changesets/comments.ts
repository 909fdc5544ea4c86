import { ObjectId, type ClientSession, type Collection, type Db } from 'mongodb';
import type { ChangesetComment, CommentAnchor } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { parseObjectId, toObjectId } from '../identity/shared';

export const CHANGESET_COMMENTS = 'changeset_comments';

interface CommentDocument {
  _id: ObjectId;
  app_id: ObjectId;
  changeset_id: ObjectId;
  author_id: string;
  parent_id: ObjectId | null;
  body: string;
  anchor: { file_path: string; line: number; revision: number } | null;
  resolved: boolean;
  resolved_by: string | null;
  resolved_at: Date | null;
  /** Earlier bodies, oldest first: edits never lose what was said. */
  previous_bodies: { body: string; replaced_at: Date }[];
  created_at: Date;
  updated_at: Date;
}

export const changesetCommentIndexSpecs: IndexSpec[] = [
  {
    collection: CHANGESET_COMMENTS,
    key: { changeset_id: 1, created_at: 1 },
    options: { name: 'changeset_comments_changeset' },
  },
];

export interface CreateCommentInput {
  appId: string;
  changesetId: string;
  authorId: string;
  parentId: string | null;
  body: string;
  anchor: CommentAnchor | null;
}

function toComment(doc: CommentDocument): ChangesetComment {
  return {
    id: doc._id.toHexString(),
    appId: doc.app_id.toHexString(),
    changesetId: doc.changeset_id.toHexString(),
    authorId: doc.author_id,
    parentId: doc.parent_id?.toHexString() ?? null,
    body: doc.body,
    anchor: doc.anchor
      ? { filePath: doc.anchor.file_path, line: doc.anchor.line, revision: doc.anchor.revision }
      : null,
    resolved: doc.resolved,
    resolvedBy: doc.resolved_by,
    resolvedAt: doc.resolved_at,
    previousBodies: doc.previous_bodies.map((entry) => ({ body: entry.body, replacedAt: entry.replaced_at })),
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
  };
}

/** `changeset_comments`: review threads (a first comment plus replies) with their body history. */
export class ChangesetCommentsRepository {
  private readonly collection: Collection<CommentDocument>;

  constructor(db: Db) {
    this.collection = db.collection<CommentDocument>(CHANGESET_COMMENTS);
  }

  async create(input: CreateCommentInput, session?: ClientSession): Promise<ChangesetComment> {
    const now = new Date();
    const doc: CommentDocument = {
      _id: new ObjectId(),
      app_id: toObjectId(input.appId),
      changeset_id: toObjectId(input.changesetId),
      author_id: input.authorId,
      parent_id: input.parentId === null ? null : toObjectId(input.parentId),
      body: input.body,
      anchor: input.anchor
        ? { file_path: input.anchor.filePath, line: input.anchor.line, revision: input.anchor.revision }
        : null,
      resolved: false,
      resolved_by: null,
      resolved_at: null,
      previous_bodies: [],
      created_at: now,
      updated_at: now,
    };
    await this.collection.insertOne(doc, { session });
    return toComment(doc);
  }

  /** The comment when it belongs to this changeset; null otherwise. */
  async findById(changesetId: string, id: string, session?: ClientSession): Promise<ChangesetComment | null> {
    const _id = parseObjectId(id);
    const changeset_id = parseObjectId(changesetId);
    if (!_id || !changeset_id) return null;
    const doc = await this.collection.findOne({ _id, changeset_id }, { session });
    return doc ? toComment(doc) : null;
  }

  /** Every comment of the changeset, oldest first (the API groups them into threads). */
  async list(changesetId: string): Promise<ChangesetComment[]> {
    const changeset_id = parseObjectId(changesetId);
    if (!changeset_id) return [];
    return (await this.collection.find({ changeset_id }).sort({ created_at: 1, _id: 1 }).toArray()).map(
      toComment,
    );
  }

  /**
   * Replaces the body, pushing the old one onto the history. Guarded on the body the caller saw, so
   * two concurrent edits cannot drop one another's previous text; null when it changed meanwhile.
   */
  async editBody(
    current: ChangesetComment,
    body: string,
    session?: ClientSession,
  ): Promise<ChangesetComment | null> {
    const now = new Date();
    const doc = await this.collection.findOneAndUpdate(
      { _id: toObjectId(current.id), body: current.body, updated_at: current.updatedAt },
      {
        $set: { body, updated_at: now },
        $push: { previous_bodies: { body: current.body, replaced_at: now } },
      },
      { session, returnDocument: 'after' },
    );
    return doc ? toComment(doc) : null;
  }

  async setResolved(
    id: string,
    resolved: boolean,
    actorId: string,
    session?: ClientSession,
  ): Promise<ChangesetComment | null> {
    const now = new Date();
    const doc = await this.collection.findOneAndUpdate(
      { _id: toObjectId(id) },
      {
        $set: {
          resolved,
          resolved_by: resolved ? actorId : null,
          resolved_at: resolved ? now : null,
          updated_at: now,
        },
      },
      { session, returnDocument: 'after' },
    );
    return doc ? toComment(doc) : null;
  }
}
