import type { ClientSession, MongoClient } from 'mongodb';
import type { AuditActor } from '@conman/core';
import type { AuditLog, AuditRecord } from './audit/audit-log';
import { RefMoveJournal, type DocumentUndo, type RefMove } from './audit/ref-moves';
import { inTransaction } from './transactions';

/** Who acts, and in which app (null for account-level changes): shared by a change's audit events. */
export interface AuditScope {
  appId: string | null;
  actor: AuditActor;
}

/**
 * One audit event of a change, without what its scope already says; an event names its own app or
 * actor when the change learns them only while it runs (an app being created, a token's user).
 */
export type ScopedAuditRecord = Omit<AuditRecord, 'appId' | 'actor'> & Partial<AuditScope>;

/** What a change sees inside its transaction. */
export interface Transaction {
  /** Pass to every repository call of the change (each takes `session` as its last argument). */
  readonly session: ClientSession;
  /** Records an audit event that commits with the change, or not at all. */
  audit(record: ScopedAuditRecord): Promise<void>;
}

/** What a change inside `moveRefs` can add: how to take back its MongoDB writes if the move aborts. */
export interface RefMoveTransaction extends Transaction {
  undoOnAbort(undo: DocumentUndo): void;
}

/** The Git ref move of a change: the refs with their expected old and new shas, and the CAS itself. */
export interface RefMovePlan {
  repoPath: string;
  refs: RefMove[];
  /** Moves the refs by compare-and-swap (all or none). */
  apply(): Promise<void>;
  /** True when `apply`'s error means no ref moved (the CAS was lost); other errors leave it open. */
  movedNothing(error: unknown): boolean;
}

function scoped(scope: Partial<AuditScope>, record: ScopedAuditRecord): AuditRecord {
  const actor = record.actor ?? scope.actor;
  const appId = record.appId !== undefined ? record.appId : scope.appId;
  if (!actor || appId === undefined) throw new Error(`audit event ${record.action} has no actor or app`);
  return { ...record, appId, actor };
}

/**
 * The one way a change is written (docs/audit.md): its MongoDB writes and its audit events in one
 * transaction, retried as a whole on transient errors; repositories take the transaction's session.
 */
export class UnitOfWork {
  private readonly refMoves: RefMoveJournal;

  constructor(
    private readonly client: MongoClient,
    private readonly auditLog: AuditLog,
  ) {
    this.refMoves = new RefMoveJournal(client, auditLog);
  }

  run<T>(scope: Partial<AuditScope>, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inTransaction(this.client, (session) =>
      work({
        session,
        audit: async (record) => {
          await this.auditLog.record(scoped(scope, record), session);
        },
      }),
    );
  }

  /**
   * A change that moves Git refs (docs/audit.md): its MongoDB writes and its audit events, `pending`
   * and naming the move, commit in one transaction; then the refs move by CAS; then the events are
   * settled `committed`, or `aborted` (with the writes undone) when the CAS was lost. Any other failure
   * of the move, or a crash, leaves them pending for the worker's reconciler, which reads the refs.
   */
  async moveRefs<T>(
    scope: AuditScope,
    move: RefMovePlan,
    work: (tx: RefMoveTransaction) => Promise<T>,
  ): Promise<T> {
    const { ids, result } = await inTransaction(this.client, async (session) => {
      const records: ScopedAuditRecord[] = [];
      let undo: DocumentUndo | undefined;
      const result = await work({
        session,
        audit: async (record) => {
          records.push(record);
        },
        undoOnAbort: (value) => {
          undo = value;
        },
      });
      const journaled = records.map((record) => ({
        ...scoped(scope, record),
        repoPath: move.repoPath,
        refs: move.refs,
        ...(undo && { undo }),
      }));
      return { ids: await this.refMoves.begin(journaled, session), result };
    });
    try {
      await move.apply();
    } catch (error) {
      if (move.movedNothing(error)) await this.refMoves.settle(ids, 'aborted');
      throw error;
    }
    await this.refMoves.settle(ids, 'committed');
    return result;
  }
}
