import type { Document } from 'bson';
import { compareValues, compileFilter, getPathValues } from '../semantics';

export interface IndexSpec {
  v: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
}

interface IndexEntry {
  key: unknown[];
  id: string;
}

/** Inclusive/exclusive bounds on one indexed value; undefined means unbounded on that side. */
export interface ValueRange {
  min?: unknown;
  minInclusive?: boolean;
  max?: unknown;
  maxInclusive?: boolean;
}

function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i += 1) {
    const order = compareValues(a[i], b[i]);
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * Whether a document's entries can stay where they are. Entries are positioned and found only by `compareValues`
 * and only their ids ever leave the index, so keys that compare equal (even Int32 5 vs Double 5) need no move.
 */
function sameKeys(a: unknown[][], b: unknown[][]): boolean {
  return a.length === b.length && a.every((key, i) => compareKeys(key, b[i]!) === 0);
}

function compareEntries(a: IndexEntry, b: IndexEntry): number {
  const order = compareKeys(a.key, b.key);
  if (order !== 0) return order;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * One secondary index: entries sorted by key (ascending regardless of direction, which only matters for sort
 * order) and then by document key, so equality and range lookups are binary searches. Multikey documents contribute
 * one entry per distinct combination of array elements.
 */
export class IndexStore {
  readonly fields: string[];
  private readonly entries: IndexEntry[] = [];
  private readonly partialFilter: ((doc: Document) => boolean) | undefined;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.partialFilter = spec.partialFilterExpression
      ? compileFilter(spec.partialFilterExpression)
      : undefined;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Whether a document has entries in this index at all (sparse and partial indexes skip some). */
  covers(doc: Document): boolean {
    if (this.partialFilter && !this.partialFilter(doc)) return false;
    if (this.spec.sparse && this.fields.every((field) => getPathValues(doc, field).length === 0))
      return false;
    return true;
  }

  keysOf(doc: Document): unknown[][] {
    if (!this.covers(doc)) return [];
    let keys: unknown[][] = [[]];
    for (const field of this.fields) {
      const values = getPathValues(doc, field);
      const options = values.length === 0 ? [null] : values;
      keys = keys.flatMap((prefix) => options.map((value) => [...prefix, value]));
    }
    return keys;
  }

  /** Bulk load (index creation): one sort instead of one insertion per document. Returns the first duplicate key. */
  build(docs: Iterable<[string, Document]>): unknown[] | undefined {
    for (const [id, doc] of docs) for (const key of this.keysOf(doc)) this.entries.push({ key, id });
    this.entries.sort(compareEntries);
    if (!this.spec.unique) return undefined;
    for (let i = 1; i < this.entries.length; i += 1) {
      const previous = this.entries[i - 1]!;
      const current = this.entries[i]!;
      if (previous.id !== current.id && compareKeys(previous.key, current.key) === 0) return current.key;
    }
    return undefined;
  }

  /** Moves a document's entries from its `previous` to its new version (null: absent); unchanged keys stay put. */
  replace(id: string, previous: Document | null, doc: Document | null): void {
    const oldKeys = previous ? this.keysOf(previous) : [];
    const newKeys = doc ? this.keysOf(doc) : [];
    if (sameKeys(oldKeys, newKeys)) return;
    this.removeKeys(id, oldKeys);
    this.addKeys(id, newKeys);
  }

  private addKeys(id: string, keys: unknown[][]): void {
    for (const key of keys) {
      const entry = { key, id };
      const last = this.entries[this.entries.length - 1];
      if (!last || compareEntries(last, entry) < 0) this.entries.push(entry);
      else this.entries.splice(this.lowerBound(entry), 0, entry);
    }
  }

  private removeKeys(id: string, keys: unknown[][]): void {
    for (const key of keys) {
      const position = this.lowerBound({ key, id });
      const found = this.entries[position];
      if (found && found.id === id && compareKeys(found.key, key) === 0) this.entries.splice(position, 1);
    }
  }

  /** Document keys (other than `exceptId`) holding exactly `key`: the duplicates a unique index forbids. */
  idsWithKey(key: unknown[], exceptId?: string): string[] {
    const ids: string[] = [];
    for (let i = this.lowerBound({ key, id: '' }); i < this.entries.length; i += 1) {
      const entry = this.entries[i]!;
      if (compareKeys(entry.key, key) !== 0) break;
      if (entry.id !== exceptId) ids.push(entry.id);
    }
    return ids;
  }

  /** Document keys whose first indexed field falls in `range` (a superset; callers re-check the filter). */
  idsInRange(range: ValueRange): Set<string> {
    const ids = new Set<string>();
    let start = 0;
    if (range.min !== undefined) start = this.firstAtLeast(range.min);
    for (let i = start; i < this.entries.length; i += 1) {
      const entry = this.entries[i]!;
      const first = entry.key[0];
      if (range.min !== undefined && !range.minInclusive && compareValues(first, range.min) === 0) continue;
      if (range.max !== undefined) {
        const order = compareValues(first, range.max);
        if (order > 0 || (order === 0 && !range.maxInclusive)) break;
      }
      ids.add(entry.id);
    }
    return ids;
  }

  private firstAtLeast(value: unknown): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareValues(this.entries[mid]!.key[0], value) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private lowerBound(entry: IndexEntry): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareEntries(this.entries[mid]!, entry) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
