import type { Document } from 'bson';
import { ErrorCodes, mongoError } from '../errors';
import { Catalog } from './catalog';
import type { Collection } from './collection';
import type { Durability, JournalOp } from './journal-ops';
import { Transaction } from './transaction';

/**
 * The shared state of one server: the catalog, the commit sequence that orders every committed change, the open
 * transactions (their snapshots decide how much history collections keep) and per-document write locks held by
 * transactions until they end.
 */
export class Engine {
  readonly catalog = new Catalog();
  private sequence = 0;
  private readonly open = new Set<Transaction>();
  private readonly locks = new Map<Collection, Map<string, Transaction>>();
  durability: Durability | undefined;

  get currentSequence(): number {
    return this.sequence;
  }

  nextSequence(): number {
    this.sequence += 1;
    return this.sequence;
  }

  get hasOpenTransactions(): boolean {
    return this.open.size > 0;
  }

  beginTransaction(): Transaction {
    const transaction = new Transaction(this.sequence);
    this.open.add(transaction);
    return transaction;
  }

  endTransaction(transaction: Transaction, state: 'committed' | 'aborted'): void {
    for (const [collection, writes] of transaction.writes) {
      const held = this.locks.get(collection);
      for (const id of writes.keys()) if (held?.get(id) === transaction) held.delete(id);
    }
    this.open.delete(transaction);
    transaction.finish(state);
    let oldest: number | undefined;
    for (const other of this.open)
      oldest = oldest === undefined ? other.snapshot : Math.min(oldest, other.snapshot);
    for (const collection of this.catalog.allCollections()) collection.pruneHistory(oldest);
  }

  lockOwner(collection: Collection, id: string): Transaction | undefined {
    return this.locks.get(collection)?.get(id);
  }

  /** Drops `transaction`'s lock on one document (a write that failed before joining its write set). */
  unlock(collection: Collection, id: string, transaction: Transaction): void {
    const held = this.locks.get(collection);
    if (held?.get(id) === transaction) held.delete(id);
  }

  lock(collection: Collection, id: string, transaction: Transaction): void {
    let held = this.locks.get(collection);
    if (!held) {
      held = new Map();
      this.locks.set(collection, held);
    }
    held.set(id, transaction);
  }

  /** Whether `collection` is still the live one under its name (not dropped while a write waited). */
  isLive(collection: Collection): boolean {
    return this.catalog.get(collection.database, collection.name) === collection;
  }

  /** Applies one committed document change and returns its journal op. */
  applyChange(collection: Collection, id: string, doc: Document | null, previousId: unknown): JournalOp {
    if (!this.isLive(collection)) {
      throw mongoError(ErrorCodes.NamespaceNotFound, `collection ${collection.namespace} was dropped`);
    }
    collection.apply(id, doc, this.nextSequence(), this.open.size > 0);
    return doc
      ? { op: 'put', db: collection.database, coll: collection.name, doc }
      : { op: 'del', db: collection.database, coll: collection.name, id: previousId };
  }

  async makeDurable(ops: JournalOp[]): Promise<void> {
    if (ops.length > 0 && this.durability) await this.durability.append(ops);
  }
}
