import { MongoClient, type Db } from 'mongodb';
import { isDependencyUnavailableError } from '@conman/core';

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
  /**
   * Bound of every call once connected (CONMAN_DEPENDENCY_TIMEOUT_MS): server selection, opening a
   * connection, and waiting for a reply each give up after it, so a stalled server surfaces as a driver
   * timeout error (503 / job retry) instead of a hang. Unset for maintenance commands, whose
   * operations may legitimately run long.
   */
  operationTimeoutMs?: number;
  /** How long startup waits for the server to come up (default 30 s). */
  startupTimeoutMs?: number;
}

export async function connectMongo(options: ConnectMongoOptions): Promise<MongoConnection> {
  const client = await connectWithin(options);
  const db = client.db(options.dbName);
  return {
    client,
    db,
    ping: async (timeoutMs) => {
      await withDeadline(db.command({ ping: 1 }), timeoutMs, 'MongoDB ping');
    },
    close: () => client.close(),
  };
}

function clientFor(options: ConnectMongoOptions): MongoClient {
  const bound = options.operationTimeoutMs;
  return new MongoClient(options.uri, {
    appName: options.appName,
    retryWrites: true,
    serverSelectionTimeoutMS: bound ?? 30_000,
    ...(bound !== undefined && {
      connectTimeoutMS: bound,
      socketTimeoutMS: bound,
      waitQueueTimeoutMS: bound,
    }),
  });
}

/**
 * With a short server-selection bound one attempt fails fast, so startup retries until the server
 * answers or the startup deadline passes (a dependency that starts a little later is not an error).
 */
async function connectWithin(options: ConnectMongoOptions): Promise<MongoClient> {
  const deadline = Date.now() + (options.startupTimeoutMs ?? 30_000);
  for (;;) {
    const client = clientFor(options);
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.close().catch(() => undefined);
      if (!isDependencyUnavailableError(error) || Date.now() >= deadline) throw error;
    }
  }
}

/** The driver has no per-call deadline (its `timeoutMS` is a no-op); the ping races a timer instead. */
async function withDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
