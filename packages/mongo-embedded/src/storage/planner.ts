import type { Document } from 'bson';
import { extractIndexBounds, type IndexBounds } from '../semantics';
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
