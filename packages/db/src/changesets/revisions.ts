import { ObjectId, type ClientSession, type Collection, type Db } from 'mongodb';
import type { ChangesetRevision, ChangesetRevisionReason } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { conflictOnDuplicate, parseObjectId, toObjectId } from '../identity/shared';

export const CHANGESET_REVISIONS = 'changeset_revisions';

interface RevisionDocument {
  _id: ObjectId;
  app_id: ObjectId;
  changeset_id: ObjectId;
  number: number;
  head_sha: string;
  base_sha: string;
  reason: ChangesetRevisionReason;
  gate_job_id: ObjectId | null;
  created_by: string;
  created_at: Date;
}

export const changesetRevisionIndexSpecs: IndexSpec[] = [
  {
    collection: CHANGESET_REVISIONS,
    key: { changeset_id: 1, number: 1 },
    options: { name: 'changeset_revisions_number_unique', unique: true },
  },
];

export interface CreateRevisionInput {
  appId: string;
  changesetId: string;
  number: number;
  headSha: string;
  baseSha: string;
  reason: ChangesetRevisionReason;
  /** The actor id (user or API key). */
  createdBy: string;
}

function toRevision(doc: RevisionDocument): ChangesetRevision {
  return {
    id: doc._id.toHexString(),
    appId: doc.app_id.toHexString(),
    changesetId: doc.changeset_id.toHexString(),
    number: doc.number,
    headSha: doc.head_sha,
    baseSha: doc.base_sha,
    reason: doc.reason,
    gateJobId: doc.gate_job_id?.toHexString() ?? null,
    createdBy: doc.created_by,
    createdAt: doc.created_at,
  };
}

/** `changeset_revisions`: the frozen heads 1..n of each changeset (unique per number). */
export class ChangesetRevisionsRepository {
  private readonly collection: Collection<RevisionDocument>;

  constructor(db: Db) {
    this.collection = db.collection<RevisionDocument>(CHANGESET_REVISIONS);
  }

  async create(input: CreateRevisionInput, session?: ClientSession): Promise<ChangesetRevision> {
    const doc: RevisionDocument = {
      _id: new ObjectId(),
      app_id: toObjectId(input.appId),
      changeset_id: toObjectId(input.changesetId),
      number: input.number,
      head_sha: input.headSha,
      base_sha: input.baseSha,
      reason: input.reason,
      gate_job_id: null,
      created_by: input.createdBy,
      created_at: new Date(),
    };
    await conflictOnDuplicate('That revision already exists', () =>
      this.collection.insertOne(doc, { session }),
    );
    return toRevision(doc);
  }

  async get(changesetId: string, number: number, session?: ClientSession): Promise<ChangesetRevision | null> {
    const changeset_id = parseObjectId(changesetId);
    if (!changeset_id) return null;
    const doc = await this.collection.findOne({ changeset_id, number }, { session });
    return doc ? toRevision(doc) : null;
  }

  async list(changesetId: string): Promise<ChangesetRevision[]> {
    const changeset_id = parseObjectId(changesetId);
    if (!changeset_id) return [];
    return (await this.collection.find({ changeset_id }).sort({ number: 1 }).toArray()).map(toRevision);
  }

  /** Records the revision's `msuite_submit` job (set once, after the job exists). */
  async setGateJob(revisionId: string, jobId: string): Promise<void> {
    await this.collection.updateOne(
      { _id: toObjectId(revisionId), gate_job_id: null },
      { $set: { gate_job_id: toObjectId(jobId) } },
    );
  }
}
