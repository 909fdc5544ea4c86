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

/** One audit event of a change, without what its scope already says. */
export type ScopedAuditRecord = Omit<AuditRecord, 'appId' | 'actor'>;

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

/**
 * The one way a change is written (docs/audit.md): its MongoDB writes and its audit events in one
 * transaction, retried as a whole by the driver on transient errors. A change that returns its audit
 * events from its result uses `record`; one that decides them while it runs uses `tx.audit`.
 */
export class UnitOfWork {
  private readonly refMoves: RefMoveJournal;

  constructor(
    private readonly client: MongoClient,
    private readonly auditLog: AuditLog,
  ) {
    this.refMoves = new RefMoveJournal(client, auditLog);
  }

  run<T>(scope: AuditScope, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inTransaction(this.client, (session) =>
      work({
        session,
        audit: async (record) => {
          await this.auditLog.record({ ...scope, ...record }, session);
        },
      }),
    );
  }

  /** Runs `work`, then records the events its result describes, in the same transaction. */
  record<T>(
    scope: AuditScope,
    work: (session: ClientSession) => Promise<T>,
    events: (result: T) => ScopedAuditRecord | readonly ScopedAuditRecord[],
  ): Promise<T> {
    return this.run(scope, async (tx) => {
      const result = await work(tx.session);
      const produced = events(result);
      for (const event of Array.isArray(produced) ? produced : [produced]) await tx.audit(event);
      return result;
    });
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
        ...scope,
        ...record,
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
