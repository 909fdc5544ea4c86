import type { Document } from 'bson';
import { ErrorCodes, mongoError } from '../errors';
import { Collection, ID_INDEX_NAME } from './collection';
import type { IndexSpec } from './index-store';
import type { JournalOp } from './journal-ops';

/**
 * Databases and their collections. Every mutation returns the journal ops that reproduce it, so replay at start
 * goes through the same code as the live change.
 */
export class Catalog {
  private readonly databases = new Map<string, Map<string, Collection>>();

  get(db: string, coll: string): Collection | undefined {
    return this.databases.get(db)?.get(coll);
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  allCollections(): Collection[] {
    return [...this.databases.values()].flatMap((collections) => [...collections.values()]);
  }

  create(db: string, coll: string, options: Document = {}): { collection: Collection; ops: JournalOp[] } {
    const existing = this.get(db, coll);
    if (existing) throw mongoError(ErrorCodes.NamespaceExists, `Collection ${db}.${coll} already exists.`);
    validateCollectionName(db, coll);
    const collection = new Collection(db, coll, options);
    const collections = this.databases.get(db) ?? new Map<string, Collection>();
    collections.set(coll, collection);
    this.databases.set(db, collections);
    return { collection, ops: [{ op: 'create', db, coll, options }] };
  }

  /** The collection, created implicitly (as a first insert or index creation does in MongoDB) when missing. */
  obtain(db: string, coll: string): { collection: Collection; ops: JournalOp[] } {
    const existing = this.get(db, coll);
    return existing ? { collection: existing, ops: [] } : this.create(db, coll);
  }

  drop(db: string, coll: string): JournalOp[] {
    const collections = this.databases.get(db);
    if (!collections?.delete(coll)) return [];
    if (collections.size === 0) this.databases.delete(db);
    return [{ op: 'drop', db, coll }];
  }

  dropDatabase(db: string): JournalOp[] {
    return this.databases.delete(db) ? [{ op: 'dropDatabase', db }] : [];
  }

  createIndex(collection: Collection, spec: IndexSpec): JournalOp[] {
    collection.addIndex(spec);
    return [{ op: 'createIndex', db: collection.database, coll: collection.name, spec }];
  }

  dropIndex(collection: Collection, name: string): JournalOp[] {
    if (name === ID_INDEX_NAME) throw mongoError(ErrorCodes.InvalidOptions, 'cannot drop _id index');
    if (!collection.indexes.delete(name)) {
      throw mongoError(ErrorCodes.IndexNotFound, `index not found with name [${name}]`);
    }
    return [{ op: 'dropIndex', db: collection.database, coll: collection.name, name }];
  }

  rename(from: Collection, toDb: string, toColl: string): JournalOp[] {
    validateCollectionName(toDb, toColl);
    const op: JournalOp = { op: 'rename', db: from.database, coll: from.name, toDb, toColl };
    this.databases.get(from.database)?.delete(from.name);
    if (this.databases.get(from.database)?.size === 0) this.databases.delete(from.database);
    from.database = toDb;
    from.name = toColl;
    const target = this.databases.get(toDb) ?? new Map<string, Collection>();
    target.set(toColl, from);
    this.databases.set(toDb, target);
    return [op];
  }
}

export function validateCollectionName(db: string, coll: string): void {
  if (!db || /[/\\. "$\0]/.test(db))
    throw mongoError(ErrorCodes.InvalidNamespace, `Invalid database name: '${db}'`);
  if (
    !coll ||
    coll.includes('$') ||
    coll.includes('\0') ||
    coll.startsWith('.') ||
    coll.startsWith('system.')
  ) {
    throw mongoError(ErrorCodes.InvalidNamespace, `Invalid collection name: ${coll}`);
  }
}
