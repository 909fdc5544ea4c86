import type { Document } from 'bson';
import { IndexStore, type IndexSpec } from './index-store';
import { duplicateKeyError } from './duplicate-key';
import { valueKey } from '../semantics/value-key';

interface PriorVersion {
  /** Commit sequence of the write that replaced this version. */
  replacedAt: number;
  doc: Document | null;
}

export const ID_INDEX_NAME = '_id_';

/**
 * The committed state of one collection: documents by canonical `_id` key (Map keeps insertion order, which is the
 * natural order of a collection scan), their indexes, and — while transactions are open — the versions that
 * transactions' snapshots may still need.
 */
export class Collection {
  readonly docs = new Map<string, Document>();
  readonly indexes = new Map<string, IndexStore>();
  private readonly history = new Map<string, PriorVersion[]>();

  constructor(
    public database: string,
    public name: string,
    readonly options: Document = {},
  ) {
    this.indexes.set(ID_INDEX_NAME, new IndexStore({ v: 2, key: { _id: 1 }, name: ID_INDEX_NAME }));
  }

  get namespace(): string {
    return `${this.database}.${this.name}`;
  }

  secondaryIndexes(): IndexStore[] {
    return [...this.indexes.values()].filter((index) => index.spec.name !== ID_INDEX_NAME);
  }

  addIndex(spec: IndexSpec): IndexStore {
    const index = new IndexStore(spec);
    const duplicate = index.build(this.docs);
    if (duplicate) throw duplicateKeyError(this.namespace, index, duplicate);
    this.indexes.set(spec.name, index);
    return index;
  }

  /** Throws E11000 when `doc` would collide with another committed document in some unique index. */
  assertUnique(id: string, doc: Document, ignore?: (otherId: string) => boolean): void {
    for (const index of this.indexes.values()) {
      if (index.spec.unique) this.assertUniqueIn(index, id, doc, ignore);
    }
  }

  private assertUniqueIn(
    index: IndexStore,
    id: string,
    doc: Document,
    ignore?: (otherId: string) => boolean,
  ): void {
    for (const key of index.keysOf(doc)) {
      const clash = index.idsWithKey(key, id).find((otherId) => !ignore?.(otherId));
      if (clash !== undefined) throw duplicateKeyError(this.namespace, index, key);
    }
  }

  /** Applies a committed change (doc null = delete). `keepHistory` preserves the old version for open snapshots. */
  apply(id: string, doc: Document | null, seq: number, keepHistory: boolean): void {
    const previous = this.docs.get(id) ?? null;
    if (keepHistory) {
      const versions = this.history.get(id) ?? [];
      versions.push({ replacedAt: seq, doc: previous });
      this.history.set(id, versions);
    }
    if (doc) this.docs.set(id, doc);
    else this.docs.delete(id);
    for (const index of this.indexes.values()) index.replace(id, previous, doc);
  }

  /** The document as a snapshot taken at `snapshot` saw it. */
  versionAt(id: string, snapshot: number): Document | undefined {
    const versions = this.history.get(id);
    if (versions) {
      const replaced = versions.find((version) => version.replacedAt > snapshot);
      if (replaced) return replaced.doc ?? undefined;
    }
    return this.docs.get(id);
  }

  /** Whether a committed write touched the document after `snapshot` (a write conflict for that snapshot). */
  changedSince(id: string, snapshot: number): boolean {
    const versions = this.history.get(id);
    return versions !== undefined && versions[versions.length - 1]!.replacedAt > snapshot;
  }

  /** Keys changed while transactions were open: candidates a snapshot read must consider beyond the indexes. */
  historicalIds(): IterableIterator<string> {
    return this.history.keys();
  }

  /** Drops versions no open snapshot can see any more (`oldestSnapshot` undefined: no transaction is open). */
  pruneHistory(oldestSnapshot: number | undefined): void {
    if (oldestSnapshot === undefined) {
      this.history.clear();
      return;
    }
    for (const [id, versions] of this.history) {
      const kept = versions.filter((version) => version.replacedAt > oldestSnapshot);
      if (kept.length === 0) this.history.delete(id);
      else if (kept.length !== versions.length) this.history.set(id, kept);
    }
  }

  clear(): void {
    this.docs.clear();
    this.history.clear();
    for (const index of this.indexes.values()) index.clear();
  }
}

export function idKeyOf(doc: Document): string {
  return valueKey(doc._id);
}
