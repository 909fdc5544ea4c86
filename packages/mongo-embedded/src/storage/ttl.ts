import { DirectAccess } from './access';
import type { Engine } from './engine';

/**
 * Deletes documents whose TTL-indexed date lies more than `expireAfterSeconds` in the past. Only Date values (or
 * arrays of them, where the earliest counts) expire, as in MongoDB; the index range makes this proportional to the
 * number of expired documents, not the collection size.
 */
export async function sweepExpiredDocuments(engine: Engine, now = Date.now()): Promise<number> {
  const access = new DirectAccess(engine);
  let removed = 0;
  for (const collection of engine.catalog.allCollections()) {
    for (const index of collection.secondaryIndexes()) {
      const seconds = index.spec.expireAfterSeconds;
      if (seconds === undefined || index.fields.length !== 1) continue;
      const cutoff = new Date(now - seconds * 1000);
      const expired = index.idsInRange({
        min: new Date(-8.64e15),
        minInclusive: true,
        max: cutoff,
        maxInclusive: true,
      });
      for (const id of expired) {
        if (!collection.docs.has(id)) continue;
        await access.write(collection, id, null);
        removed += 1;
      }
    }
  }
  await access.finish();
  return removed;
}
