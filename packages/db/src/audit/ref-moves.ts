import { ObjectId, type ClientSession, type Collection, type MongoClient } from 'mongodb';
import { inTransaction } from '../transactions';
import {
  auditDocument,
  type AuditLog,
  type AuditEventDocument,
  type AuditRecord,
  type RefMoveState,
} from './audit-log';

/** One ref of a move: compare-and-swap from `oldSha` (null: must not exist) to `newSha`. */
export interface RefMove {
  ref: string;
  oldSha: string | null;
  newSha: string;
}

/** Fields of one MongoDB document a change wrote, and their values before it. */
export interface DocumentUndo {
  collection: string;
  id: string;
  /** Values before the change (field names as stored). */
  restore: Record<string, unknown>;
  /** Values the change wrote: restored only while the document still holds them. */
  expect: Record<string, unknown>;
}

/** The audit event of a ref move, with the move itself. */
export interface RefMoveRecord extends AuditRecord {
  repoPath: string;
  refs: RefMove[];
  undo?: DocumentUndo;
}

export interface PendingRefMove {
  id: string;
  repoPath: string;
  refs: RefMove[];
  createdAt: Date;
}

export type RefMoveOutcome = 'committed' | 'aborted';

/**
 * The write-ahead journal of Git ref moves, kept in the audit collection (docs/audit.md): a change
 * writes its events `pending` in the transaction of its MongoDB state (`begin`), moves the refs by CAS,
 * then `settle`s them. Events a crash left pending are settled by the worker's reconciler from what
 * the refs hold. An aborted move puts back the MongoDB fields its change wrote (`DocumentUndo`).
 */
export class RefMoveJournal {
  private readonly client: MongoClient;
  private readonly collection: Collection<AuditEventDocument>;

  constructor(client: MongoClient, auditLog: AuditLog) {
    this.client = client;
    this.collection = auditLog.collection;
  }

  /** Writes the events `pending` in the caller's transaction; returns their ids for `settle`. */
  async begin(records: RefMoveRecord[], session: ClientSession): Promise<string[]> {
    const docs = records.map(({ repoPath, refs, undo, ...event }) => ({
      ...auditDocument(event),
      ref_move: {
        status: 'pending',
        repo_path: repoPath,
        refs: refs.map((move) => ({ ref: move.ref, old_sha: move.oldSha, new_sha: move.newSha })),
        settled_at: null,
        undo: undo ? { ...undo, id: new ObjectId(undo.id) } : null,
      } satisfies RefMoveState,
    }));
    if (docs.length > 0) await this.collection.insertMany(docs, { session });
    return docs.map((doc) => doc._id.toHexString());
  }

  /**
   * Marks still-pending events with the outcome (events already settled are left alone, so the
   * process that moved the refs and a reconciler may race); returns how many it settled. Aborting
   * puts back each event's undo in the same transaction.
   */
  async settle(ids: string[], outcome: RefMoveOutcome): Promise<number> {
    if (ids.length === 0) return 0;
    const filter = {
      _id: { $in: ids.map((id) => new ObjectId(id)) },
      'ref_move.status': 'pending' as const,
    };
    const settled = { $set: { 'ref_move.status': outcome, 'ref_move.settled_at': new Date() } };
    if (outcome === 'committed') return (await this.collection.updateMany(filter, settled)).modifiedCount;
    return inTransaction(this.client, async (session) => {
      const docs = await this.collection.find(filter, { session }).toArray();
      for (const doc of docs) {
        const undo = doc.ref_move?.undo;
        if (undo)
          await this.collection.db
            .collection(undo.collection)
            .updateOne({ _id: undo.id, ...undo.expect }, { $set: undo.restore }, { session });
      }
      const ids = docs.map((doc) => doc._id);
      return (await this.collection.updateMany({ ...filter, _id: { $in: ids } }, settled, { session }))
        .modifiedCount;
    });
  }

  /** Pending events written before `olderThan`, oldest first. */
  async listPending(olderThan: Date, limit = 100): Promise<PendingRefMove[]> {
    const docs = await this.collection
      .find({ 'ref_move.status': 'pending', created_at: { $lt: olderThan } })
      .sort({ created_at: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return docs.flatMap((doc) =>
      doc.ref_move
        ? [
            {
              id: doc._id.toHexString(),
              repoPath: doc.ref_move.repo_path,
              refs: doc.ref_move.refs.map((move) => ({
                ref: move.ref,
                oldSha: move.old_sha,
                newSha: move.new_sha,
              })),
              createdAt: doc.created_at,
            },
          ]
        : [],
    );
  }
}
