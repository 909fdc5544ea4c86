import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '@conman/mongo-embedded';
import { ensureIndexes, allIndexSpecs } from '@conman/db';

export interface TestDatabase {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/**
 * A fresh database per test file on the shared test MongoDB (global setup), an explicit one from
 * CONMAN_TEST_MONGO_URI, or an in-process embedded engine when run outside the harness.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  let embedded: EmbeddedMongo | undefined;
  let uri = process.env.CONMAN_TEST_RESOLVED_MONGO_URI ?? process.env.CONMAN_TEST_MONGO_URI;
  if (!uri) {
    embedded = await startEmbeddedMongo();
    uri = embedded.uri;
  }
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const db = client.db(`test_${randomBytes(6).toString('hex')}`);
  await ensureIndexes(db, allIndexSpecs);
  return {
    client,
    db,
    close: async () => {
      await db.dropDatabase();
      await client.close();
      await embedded?.stop();
    },
  };
}
