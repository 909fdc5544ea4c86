import type { ClientSession, MongoClient } from 'mongodb';
import type { AuditActor } from '@conman/core';
import type { AuditLog, AuditRecord } from './audit/audit-log';
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

/**
 * The one way a change is written (docs/audit.md): its MongoDB writes and its audit events in one
 * transaction, retried as a whole by the driver on transient errors. A change that returns its audit
 * events from its result uses `record`; one that decides them while it runs uses `tx.audit`.
 */
export class UnitOfWork {
  constructor(
    private readonly client: MongoClient,
    private readonly auditLog: AuditLog,
  ) {}

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
}
