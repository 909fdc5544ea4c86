import { ObjectId, type ClientSession, type Collection, type Db } from 'mongodb';
import type { ChangesetReview, ReviewAction } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { conflictOnDuplicate, parseObjectId, toObjectId } from '../identity/shared';

export const CHANGESET_REVIEWS = 'changeset_reviews';

interface ReviewDocument {
  _id: ObjectId;
  app_id: ObjectId;
  changeset_id: ObjectId;
  revision: number;
  reviewer_id: ObjectId;
  action: ReviewAction;
  comment: string | null;
  created_at: Date;
}

export const changesetReviewIndexSpecs: IndexSpec[] = [
  {
    // Approvals are counted per distinct reviewer: a second approval of one revision by one user is a 409.
    collection: CHANGESET_REVIEWS,
    key: { changeset_id: 1, revision: 1, reviewer_id: 1 },
    options: {
      name: 'changeset_reviews_one_approval_per_reviewer',
      unique: true,
      partialFilterExpression: { action: 'approve' },
    },
  },
  {
    collection: CHANGESET_REVIEWS,
    key: { changeset_id: 1, created_at: 1 },
    options: { name: 'changeset_reviews_changeset' },
  },
];

export interface CreateReviewInput {
  appId: string;
  changesetId: string;
  revision: number;
  reviewerId: string;
  action: ReviewAction;
  comment: string | null;
}

function toReview(doc: ReviewDocument): ChangesetReview {
  return {
    id: doc._id.toHexString(),
    appId: doc.app_id.toHexString(),
    changesetId: doc.changeset_id.toHexString(),
    revision: doc.revision,
    reviewerId: doc.reviewer_id.toHexString(),
    action: doc.action,
    comment: doc.comment,
    createdAt: doc.created_at,
  };
}

/** `changeset_reviews`: every review action, tied to the revision it was given on. */
export class ChangesetReviewsRepository {
  private readonly collection: Collection<ReviewDocument>;

  constructor(db: Db) {
    this.collection = db.collection<ReviewDocument>(CHANGESET_REVIEWS);
  }

  async create(input: CreateReviewInput, session?: ClientSession): Promise<ChangesetReview> {
    const doc: ReviewDocument = {
      _id: new ObjectId(),
      app_id: toObjectId(input.appId),
      changeset_id: toObjectId(input.changesetId),
      revision: input.revision,
      reviewer_id: toObjectId(input.reviewerId),
      action: input.action,
      comment: input.comment,
      created_at: new Date(),
    };
    await conflictOnDuplicate(
      'You already approved this revision',
      () => this.collection.insertOne(doc, { session }),
      { revision: input.revision },
    );
    return toReview(doc);
  }

  /** Approvals of one revision (one per reviewer by index), oldest first. */
  async approvalsOf(
    changesetId: string,
    revision: number,
    session?: ClientSession,
  ): Promise<ChangesetReview[]> {
    const changeset_id = parseObjectId(changesetId);
    if (!changeset_id) return [];
    const docs = await this.collection
      .find({ changeset_id, revision, action: 'approve' }, { session })
      .sort({ created_at: 1 })
      .toArray();
    return docs.map(toReview);
  }

  async list(changesetId: string): Promise<ChangesetReview[]> {
    const changeset_id = parseObjectId(changesetId);
    if (!changeset_id) return [];
    return (await this.collection.find({ changeset_id }).sort({ created_at: 1, _id: 1 }).toArray()).map(
      toReview,
    );
  }
}
