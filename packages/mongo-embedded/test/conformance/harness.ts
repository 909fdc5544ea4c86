import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { startEmbeddedMongo } from '../../src/index';

export interface ConformanceConnection {
  client: MongoClient;
  db: Db;
  /** The URI the client connected to (real mongod or the embedded engine). */
  uri: string;
  close(): Promise<void>;
}

/**
 * Connects the official driver to the database under test: a real MongoDB when CONMAN_TEST_MONGO_URI is set,
 * otherwise a fresh in-process embedded engine. Every call gets its own database, dropped on close, so test
 * files never see each other's data even when they share one real server.
 */
export async function connectForConformance(): Promise<ConformanceConnection> {
  const externalUri = process.env.CONMAN_TEST_MONGO_URI;
  const engine = externalUri ? undefined : await startEmbeddedMongo();
  const uri = externalUri ?? engine!.uri;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const db = client.db(`conformance_${randomBytes(6).toString('hex')}`);
  return {
    client,
    db,
    uri,
    async close() {
      try {
        await db.dropDatabase();
      } finally {
        await client.close();
        await engine?.stop();
      }
    },
  };
}

/**
 * Registers beforeAll/afterAll for a test file and returns the connection, filled in once beforeAll has run, so
 * test files do not repeat the lifecycle boilerplate.
 */
export function useConformanceConnection(): ConformanceConnection {
  const connection = {} as ConformanceConnection;
  beforeAll(async () => {
    Object.assign(connection, await connectForConformance());
  });
  afterAll(async () => {
    await connection.close?.();
  });
  return connection;
}
