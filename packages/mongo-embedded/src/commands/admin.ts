import { BSON, Long, ObjectId, Timestamp, type Document } from 'bson';
import { ErrorCodes, mongoError } from '../errors';
import { MAX_BSON_OBJECT_BYTES, MAX_MESSAGE_BYTES } from '../wire/messages';
import type { CommandContext, CommandHandler } from './context';
import { sessionKeyOf } from './sessions';

export const MAX_WIRE_VERSION = 21;
const LOGICAL_SESSION_TIMEOUT_MINUTES = 30;
const electionId = new ObjectId('7fffffff0000000000000001');

function hello(command: Document, context: CommandContext): Document {
  const { identity } = context;
  const reply: Document = {
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_BYTES,
    maxMessageSizeBytes: MAX_MESSAGE_BYTES,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES,
    connectionId: context.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
  if (!command.hello) delete reply.isWritablePrimary;
  else delete reply.ismaster;
  if (identity.replicaSet) {
    const address = `${identity.host}:${identity.port}`;
    const now = new Date();
    const opTime = {
      ts: new Timestamp({ t: Math.floor(now.getTime() / 1000), i: 1 }),
      t: Long.fromNumber(1),
    };
    Object.assign(reply, {
      hosts: [address],
      setName: identity.replicaSet,
      setVersion: 1,
      secondary: false,
      primary: address,
      me: address,
      electionId,
      lastWrite: { opTime, lastWriteDate: now, majorityOpTime: opTime, majorityWriteDate: now },
    });
  }
  return reply;
}

function buildInfo(): Document {
  return {
    version: '7.0.0',
    gitVersion: 'conman-mongo-embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_BYTES,
    storageEngines: ['conman-embedded'],
    ok: 1,
  };
}

const parameters: Document = {
  featureCompatibilityVersion: { version: '7.0' },
  transactionLifetimeLimitSeconds: 60,
  maxTransactionLockRequestTimeoutMillis: 5,
};

function getParameter(command: Document): Document {
  const reply: Document = {};
  const all = command.getParameter === '*' || command.getParameter?.allParameters === true;
  for (const [name, value] of Object.entries(parameters)) {
    if (all || name in command) reply[name] = value;
  }
  if (Object.keys(reply).length === 0) throw mongoError(ErrorCodes.InvalidOptions, 'no option found to get');
  return { ...reply, ok: 1 };
}

function listDatabases(command: Document, context: CommandContext): Document {
  const databases = context.engine.catalog.databaseNames().map((name) => {
    const sizeOnDisk = context.engine.catalog
      .collections(name)
      .reduce(
        (total, collection) =>
          total + [...collection.docs.values()].reduce((sum, doc) => sum + BSON.calculateObjectSize(doc), 0),
        0,
      );
    return { name, sizeOnDisk, empty: sizeOnDisk === 0 };
  });
  if (command.nameOnly) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
  const totalSize = databases.reduce((sum, database) => sum + database.sizeOnDisk, 0);
  return { databases, totalSize, totalSizeMb: Long.fromNumber(Math.floor(totalSize / 1024 / 1024)), ok: 1 };
}

function endSessions(command: Document, context: CommandContext): Document {
  for (const lsid of (command.endSessions as unknown[]) ?? []) {
    const key = sessionKeyOf(lsid);
    if (!key) continue;
    const state = context.sessions.end(key);
    if (state?.transaction?.transaction.state === 'active') {
      context.engine.endTransaction(state.transaction.transaction, 'aborted');
    }
    context.cursors.killForSession(key);
  }
  return { ok: 1 };
}

export const adminCommands: Record<string, CommandHandler> = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  listDatabases,
  endSessions,
};
