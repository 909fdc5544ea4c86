import type { Document } from 'bson';
import { ErrorCodes, mongoError, type MongoServerError } from '../errors';
import { compileFilter } from '../semantics';
import { ID_INDEX_NAME, idKeyOf, type Collection } from './collection';
import { duplicateKeyError } from './duplicate-key';
import type { Engine } from './engine';
import type { JournalOp } from './journal-ops';
import { candidateIds, exactIdKey } from './planner';
import type { Transaction } from './transaction';

export function writeConflict(): MongoServerError {
  return mongoError(
    ErrorCodes.WriteConflict,
    'WriteConflict error: this operation conflicted with another operation. Please retry your operation or multi-document transaction.',
    { errorLabels: ['TransientTransactionError'] },
  );
}

/**
 * How a command reads and writes documents: directly against committed state, or through a transaction's snapshot
 * and private write set. Commands are written once against this interface.
 */
export abstract class DataAccess {
  protected readonly ops: JournalOp[] = [];

  constructor(protected readonly engine: Engine) {}

  abstract get(collection: Collection, id: string): Document | undefined;
  protected abstract candidates(collection: Collection, filter: Document): Iterable<string>;
  /** Waits until the document may be written by this access (outside transactions: until no transaction holds it). */
  abstract prepare(collection: Collection, id: string): Promise<void>;
  abstract insert(collection: Collection, doc: Document): Promise<void>;
  /** Replaces (doc) or deletes (null) the document stored under `id`. */
  abstract write(collection: Collection, id: string, doc: Document | null): Promise<void>;

  /** Documents matching `filter`, in natural (or index) order. */
  find(collection: Collection | undefined, filter: Document): Document[] {
    return this.matching(collection, filter).map(([, doc]) => doc);
  }

  /** Document keys (not documents) matching `filter`, so writers can re-read each one after waiting for locks. */
  findIds(collection: Collection | undefined, filter: Document): string[] {
    return this.matching(collection, filter).map(([id]) => id);
  }

  private matching(collection: Collection | undefined, filter: Document): Array<[string, Document]> {
    if (!collection) return [];
    const idKey = exactIdKey(filter);
    if (idKey !== undefined) {
      const doc = this.get(collection, idKey);
      return doc ? [[idKey, doc]] : [];
    }
    const matches = compileFilter(filter);
    const found: Array<[string, Document]> = [];
    for (const id of this.candidates(collection, filter)) {
      const doc = this.get(collection, id);
      if (doc && matches(doc)) found.push([id, doc]);
    }
    return found;
  }

  recordCatalogOps(ops: JournalOp[]): void {
    this.ops.push(...ops);
  }

  /** Makes this command's non-transactional changes durable before the reply goes out. */
  async finish(): Promise<void> {
    const ops = this.ops.splice(0);
    await this.engine.makeDurable(ops);
  }
}

export class DirectAccess extends DataAccess {
  get(collection: Collection, id: string): Document | undefined {
    return collection.docs.get(id);
  }

  protected candidates(collection: Collection, filter: Document): Iterable<string> {
    return candidateIds(collection, filter) ?? collection.docs.keys();
  }

  /** A write outside a transaction to a document a transaction holds waits until that transaction ends. */
  async prepare(collection: Collection, id: string): Promise<void> {
    for (
      let owner = this.engine.lockOwner(collection, id);
      owner;
      owner = this.engine.lockOwner(collection, id)
    ) {
      await owner.done;
    }
  }

  async insert(collection: Collection, doc: Document): Promise<void> {
    const id = idKeyOf(doc);
    await this.prepare(collection, id);
    if (collection.docs.has(id)) {
      throw duplicateKeyError(collection.namespace, collection.indexes.get(ID_INDEX_NAME)!, [doc._id]);
    }
    collection.assertUnique(id, doc);
    this.ops.push(this.engine.applyChange(collection, id, doc, doc._id));
  }

  async write(collection: Collection, id: string, doc: Document | null): Promise<void> {
    await this.prepare(collection, id);
    const previous = collection.docs.get(id);
    if (doc) collection.assertUnique(id, doc);
    this.ops.push(this.engine.applyChange(collection, id, doc, previous?._id));
  }
}

export class TransactionAccess extends DataAccess {
  constructor(
    engine: Engine,
    readonly transaction: Transaction,
  ) {
    super(engine);
  }

  get(collection: Collection, id: string): Document | undefined {
    const own = this.transaction.writes.get(collection);
    if (own?.has(id)) return own.get(id) ?? undefined;
    return collection.versionAt(id, this.transaction.snapshot);
  }

  protected candidates(collection: Collection, filter: Document): Iterable<string> {
    const ids = new Set<string>(candidateIds(collection, filter) ?? collection.docs.keys());
    for (const id of collection.historicalIds()) ids.add(id);
    for (const id of this.transaction.writes.get(collection)?.keys() ?? []) ids.add(id);
    return ids;
  }

  async prepare(): Promise<void> {
    // Conflicts inside a transaction are reported at once (WriteConflict), never waited for.
  }

  private claim(collection: Collection, id: string): void {
    const owner = this.engine.lockOwner(collection, id);
    if ((owner && owner !== this.transaction) || collection.changedSince(id, this.transaction.snapshot)) {
      throw writeConflict();
    }
    this.engine.lock(collection, id, this.transaction);
  }

  private assertUniqueAmongOwnWrites(collection: Collection, id: string, doc: Document): void {
    const own = this.transaction.writesTo(collection);
    collection.assertUnique(id, doc, (otherId) => own.has(otherId));
    for (const index of collection.indexes.values()) {
      if (!index.spec.unique) continue;
      const keys = index.keysOf(doc).map((key) => JSON.stringify(key));
      for (const [otherId, other] of own) {
        if (otherId === id || !other) continue;
        const clash = index.keysOf(other).find((key) => keys.includes(JSON.stringify(key)));
        if (clash) throw duplicateKeyError(collection.namespace, index, clash);
      }
    }
  }

  async insert(collection: Collection, doc: Document): Promise<void> {
    const id = idKeyOf(doc);
    if (this.get(collection, id)) {
      throw duplicateKeyError(collection.namespace, collection.indexes.get(ID_INDEX_NAME)!, [doc._id]);
    }
    this.claim(collection, id);
    try {
      this.assertUniqueAmongOwnWrites(collection, id, doc);
    } catch (error) {
      this.engine.unlock(collection, id, this.transaction);
      throw error;
    }
    this.transaction.writesTo(collection).set(id, doc);
  }

  async write(collection: Collection, id: string, doc: Document | null): Promise<void> {
    const alreadyWritten = this.transaction.writes.get(collection)?.has(id) ?? false;
    this.claim(collection, id);
    try {
      if (doc) this.assertUniqueAmongOwnWrites(collection, id, doc);
    } catch (error) {
      // The failed write never joins `writes`, which is what ending the transaction unlocks.
      if (!alreadyWritten) this.engine.unlock(collection, id, this.transaction);
      throw error;
    }
    this.transaction.writesTo(collection).set(id, doc);
  }

  /** Applies every private write atomically; a unique clash with something committed meanwhile is a conflict. */
  async commit(): Promise<void> {
    for (const [collection, writes] of this.transaction.writes) {
      if (!this.engine.isLive(collection)) {
        this.engine.endTransaction(this.transaction, 'aborted');
        throw writeConflict();
      }
      for (const [id, doc] of writes) {
        if (doc) {
          try {
            collection.assertUnique(id, doc, (otherId) => writes.has(otherId));
          } catch {
            this.engine.endTransaction(this.transaction, 'aborted');
            throw writeConflict();
          }
        }
      }
    }
    for (const [collection, writes] of this.transaction.writes) {
      for (const [id, doc] of writes) {
        const previous = collection.docs.get(id);
        if (!doc && !previous) continue;
        this.ops.push(this.engine.applyChange(collection, id, doc, previous?._id ?? doc?._id));
      }
    }
    this.engine.endTransaction(this.transaction, 'committed');
    await this.finish();
  }
}
