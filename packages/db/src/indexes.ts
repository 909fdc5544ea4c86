import type { CreateIndexesOptions, Db, IndexSpecification } from 'mongodb';

/** One index a repository needs. Repositories export their specs; startup ensures them all. */
export interface IndexSpec {
  collection: string;
  key: IndexSpecification;
  options: CreateIndexesOptions & { name: string };
}

/**
 * Creates every index (idempotent: MongoDB accepts an identical existing index). Invariants such as
 * unique emails live here, in the database, not in check-then-insert code.
 */
export async function ensureIndexes(db: Db, specs: readonly IndexSpec[]): Promise<void> {
  for (const spec of specs) {
    await db.collection(spec.collection).createIndex(spec.key, spec.options);
  }
}
