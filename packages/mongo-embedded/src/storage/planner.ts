import type { Document } from 'bson';
import { extractIndexBounds } from '../semantics';
import type { Collection } from './collection';
import { valueKey } from './value-key';

function isOperatorObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return false;
  if ((value as { _bsontype?: string })._bsontype) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

function idCandidates(filter: Document): string[] | undefined {
  if (!('_id' in filter)) return undefined;
  const condition = filter._id as unknown;
  if (!isOperatorObject(condition)) return [valueKey(condition)];
  const keys = Object.keys(condition);
  if (keys.length === 1 && keys[0] === '$eq') return [valueKey(condition.$eq)];
  if (keys.length === 1 && keys[0] === '$in' && Array.isArray(condition.$in)) {
    const values = condition.$in as unknown[];
    if (values.every((value) => !isOperatorObject(value) && (value as { _bsontype?: string })?._bsontype !== 'BSONRegExp')) {
      return values.map(valueKey);
    }
  }
  return undefined;
}

/**
 * Chooses the document keys a query must examine: an `_id` point lookup, else the narrowest usable index range,
 * else undefined (collection scan). The result is a superset; callers always re-apply the full filter. Sparse and
 * partial indexes are skipped because they do not hold every document a query may match.
 */
export function candidateIds(collection: Collection, filter: Document): Iterable<string> | undefined {
  const ids = idCandidates(filter);
  if (ids) return ids;
  let best: Set<string> | undefined;
  for (const index of collection.indexes.values()) {
    if (index.spec.sparse || index.spec.partialFilterExpression) continue;
    const field = index.fields[0]!;
    const bounds = extractIndexBounds(filter, field);
    if (!bounds) continue;
    const found = new Set<string>();
    for (const range of bounds) for (const id of index.idsInRange(range)) found.add(id);
    if (!best || found.size < best.size) best = found;
    if (best.size <= 1) break;
  }
  return best;
}
