import { MongoClient, type Db } from 'mongodb';

export interface MongoConnection {
  client: MongoClient;
  db: Db;
  /** Round trip to the server; rejects when it does not answer within the timeout. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectMongoOptions {
  uri: string;
  dbName: string;
  appName: string;
  serverSelectionTimeoutMs?: number;
}

export async function connectMongo(options: ConnectMongoOptions): Promise<MongoConnection> {
  const client = new MongoClient(options.uri, {
    appName: options.appName,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 30_000,
    retryWrites: true,
  });
  await client.connect();
  const db = client.db(options.dbName);
  return {
    client,
    db,
    ping: async (timeoutMs) => {
      await db.command({ ping: 1 }, { timeoutMS: timeoutMs });
    },
    close: () => client.close(),
  };
}
