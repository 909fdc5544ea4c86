import type { Document } from 'bson';
import { bsonTypeName, extractIndexBounds, type IndexBounds } from '../semantics';
import { valueKey } from '../semantics/value-key';
import type { Collection } from './collection';
import type { IndexStore } from './index-store';

function idsWithin(index: IndexStore, bounds: IndexBounds): Set<string> {
  if (!bounds.eq) return index.idsInRange(bounds);
  const ids = new Set<string>();
  for (const value of bounds.eq) {
    for (const id of index.idsInRange({ min: value, minInclusive: true, max: value, maxInclusive: true }))
      ids.add(id);
  }
  return ids;
}

/**
 * Chooses the document keys a query must examine: an `_id` point lookup, else the narrowest usable index range,
 * else undefined (collection scan). The result is a superset; callers always re-apply the full filter. Sparse and
 * partial indexes are skipped because they do not hold every document a query may match.
 */
export function candidateIds(collection: Collection, filter: Document): Iterable<string> | undefined {
  const idBounds = extractIndexBounds(filter, '_id');
  if (idBounds?.eq) return idBounds.eq.map(valueKey);
  let best: Set<string> | undefined;
  for (const index of collection.indexes.values()) {
    if (index.spec.sparse || index.spec.partialFilterExpression) continue;
    const bounds = extractIndexBounds(filter, index.fields[0]!);
    if (!bounds) continue;
    const found = idsWithin(index, bounds);
    if (!best || found.size < best.size) best = found;
    if (best.size <= 1) break;
  }
  return best;
}

/** Scalar `_id` types whose BSON equality is exactly equality of their `valueKey`. */
const KEY_EXACT_TYPES = new Set(['int', 'long', 'double', 'decimal', 'string', 'objectId', 'date', 'bool']);

/**
 * The document key when `filter` is exactly `{ _id: <scalar> }`, the commonest query of all: the key alone decides
 * the match, so callers may look the document up without compiling the filter. Undefined for anything else.
 */
export function exactIdKey(filter: Document): string | undefined {
  const fields = Object.keys(filter);
  if (fields.length !== 1 || fields[0] !== '_id') return undefined;
  const value: unknown = filter._id;
  return KEY_EXACT_TYPES.has(bsonTypeName(value)) ? valueKey(value) : undefined;
}
