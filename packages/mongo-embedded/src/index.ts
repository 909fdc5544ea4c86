import { CommandDispatcher } from './commands/dispatch';
import type { ServerIdentity } from './commands/context';
import { listen } from './server/server';
import { Engine } from './storage/engine';
import { openPersistence } from './storage/persistence';
import { sweepExpiredDocuments } from './storage/ttl';

export { MongoServerError, ErrorCodes } from './errors';

export interface EmbeddedMongoOptions {
  /** TCP port; 0 or undefined picks a free one. */
  port?: number;
  /** Interface to bind; loopback unless told otherwise. */
  host?: string;
  /** Directory for the journal and snapshots; without it everything lives in memory only. */
  dbPath?: string;
  /** Replica set name announced in hello (default "rs0"), so transactions, retryable writes and `?replicaSet=` URIs work. */
  replicaSet?: string;
  /** How often expired TTL documents are deleted (default 1000 ms; MongoDB itself sweeps every 60 s). */
  ttlSweepIntervalMs?: number;
}

export interface EmbeddedMongo {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

const MAINTENANCE_INTERVAL_MS = 1000;
const SESSION_IDLE_MS = 30 * 60 * 1000;
const CURSOR_IDLE_MS = 10 * 60 * 1000;

/** Starts a MongoDB-wire-compatible server backed by the embedded engine. */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const engine = new Engine();
  const persistence = options.dbPath ? await openPersistence(options.dbPath, engine) : undefined;
  const host = options.host ?? '127.0.0.1';
  // A wildcard bind is reached through loopback; hello must name an address clients can dial.
  const advertisedHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const identity: ServerIdentity = {
    host: advertisedHost,
    port: 0,
    replicaSet: options.replicaSet ?? 'rs0',
    startedAt: new Date(),
  };
  const dispatcher = new CommandDispatcher(engine, identity);
  const server = await listen(dispatcher, host, options.port ?? 0).catch(async (error: unknown) => {
    await persistence?.close();
    throw error;
  });
  identity.port = server.port;

  let sweeping = false;
  const ttlTimer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    // A sweep that fails (its collection dropped meanwhile, a journal write error) is simply retried next tick.
    sweepExpiredDocuments(engine)
      .catch(() => undefined)
      .finally(() => {
        sweeping = false;
      });
  }, options.ttlSweepIntervalMs ?? 1000);
  const maintenanceTimer = setInterval(() => {
    dispatcher.reapExpiredTransactions();
    dispatcher.cursors.expireIdle(CURSOR_IDLE_MS);
    for (const expired of dispatcher.sessions.expire(SESSION_IDLE_MS)) {
      const transaction = expired.transaction?.transaction;
      if (transaction?.state === 'active') engine.endTransaction(transaction, 'aborted');
    }
  }, MAINTENANCE_INTERVAL_MS);
  ttlTimer.unref();
  maintenanceTimer.unref();

  const uriHost = advertisedHost.includes(':') ? `[${advertisedHost}]` : advertisedHost;
  return {
    uri: `mongodb://${uriHost}:${server.port}`,
    port: server.port,
    async stop() {
      clearInterval(ttlTimer);
      clearInterval(maintenanceTimer);
      await server.close();
      await persistence?.close();
    },
  };
}
