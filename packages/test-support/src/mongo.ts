import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { allIndexSpecs, ensureIndexes, type IndexSpec } from '@conman/db';
import { startEmbeddedMongo, type EmbeddedMongo } from '@conman/mongo-embedded';
import { testMongoUri } from './env';

export interface TestDatabase {
  client: MongoClient;
  db: Db;
  /** The server the database lives on, for processes a test spawns. */
  uri: string;
  close(): Promise<void>;
}

export interface OpenTestDatabaseOptions {
  /** Indexes to create (default: every collection's); fewer make a per-test database cheaper. */
  indexes?: readonly IndexSpec[];
  /** Database name prefix, to tell test databases apart when debugging (default `test`). */
  namePrefix?: string;
}

/**
 * A fresh database per caller on the shared test MongoDB (global setup), an explicit one from
 * CONMAN_TEST_MONGO_URI, or an in-process embedded engine when run outside the harness.
 */
export async function openTestDatabase(options: OpenTestDatabaseOptions = {}): Promise<TestDatabase> {
  let embedded: EmbeddedMongo | undefined;
  let uri = testMongoUri();
  if (!uri) {
    embedded = await startEmbeddedMongo();
    uri = embedded.uri;
  }
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const db = client.db(`${options.namePrefix ?? 'test'}_${randomBytes(6).toString('hex')}`);
  await ensureIndexes(db, options.indexes ?? allIndexSpecs);
  return {
    client,
    db,
    uri,
    close: async () => {
      await db.dropDatabase();
      await client.close();
      await embedded?.stop();
    },
  };
}
