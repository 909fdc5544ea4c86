import type { Document } from 'bson';
import { ErrorCodes, mongoError } from '../errors';
import { compileFilter } from '../semantics';
import type { CommandContext, CommandHandler } from './context';
import { collectionName, truthy } from './values';

/** Fields every command may carry; they are not options of the collection being created. */
const genericFields = new Set([
  '$db',
  'lsid',
  '$clusterTime',
  'writeConcern',
  'txnNumber',
  'autocommit',
  'startTransaction',
  'readConcern',
  '$readPreference',
  'apiVersion',
  'apiStrict',
  'comment',
  'maxTimeMS',
]);

/** Collection kinds and rules the engine does not enforce; accepting them would silently misbehave. */
const unsupportedCreateOptions = [
  'capped',
  'timeseries',
  'viewOn',
  'validator',
  'clusteredIndex',
  'expireAfterSeconds',
];

function create(command: Document, context: CommandContext): Document {
  const name = collectionName(command);
  for (const option of unsupportedCreateOptions) {
    if (command[option] !== undefined && command[option] !== false) {
      throw mongoError(
        ErrorCodes.NotImplemented,
        `create option '${option}' is not supported by the embedded engine`,
      );
    }
  }
  const options = Object.fromEntries(
    Object.entries(command).filter(([key]) => key !== 'create' && !genericFields.has(key)),
  );
  const { ops } = context.engine.catalog.create(context.db, name, options);
  context.access.recordCatalogOps(ops);
  return { ok: 1 };
}

function drop(command: Document, context: CommandContext): Document {
  const name = collectionName(command);
  const collection = context.engine.catalog.get(context.db, name);
  if (!collection) return { ok: 1 };
  const nIndexesWas = collection.indexes.size;
  context.access.recordCatalogOps(context.engine.catalog.drop(context.db, name));
  return { ns: `${context.db}.${name}`, nIndexesWas, ok: 1 };
}

function dropDatabase(_command: Document, context: CommandContext): Document {
  context.access.recordCatalogOps(context.engine.catalog.dropDatabase(context.db));
  return { dropped: context.db, ok: 1 };
}

function listCollections(command: Document, context: CommandContext): Document {
  const nameOnly = truthy(command.nameOnly);
  const entries = context.engine.catalog.collections(context.db).map((collection) =>
    nameOnly
      ? { name: collection.name, type: 'collection' }
      : {
          name: collection.name,
          type: 'collection',
          options: collection.options,
          info: { readOnly: false },
          idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
        },
  );
  const filter = command.filter as Document | undefined;
  const matches = filter ? compileFilter(filter) : () => true;
  return context.cursors.firstBatch(`${context.db}.$cmd.listCollections`, entries.filter(matches), {
    batchSize: (command.cursor as Document | undefined)?.batchSize as number | undefined,
    sessionKey: context.sessionKey,
  });
}

function splitNamespace(namespace: unknown): [string, string] {
  if (typeof namespace !== 'string' || !namespace.includes('.')) {
    throw mongoError(ErrorCodes.InvalidNamespace, `Invalid namespace specified '${String(namespace)}'`);
  }
  const dot = namespace.indexOf('.');
  return [namespace.slice(0, dot), namespace.slice(dot + 1)];
}

function renameCollection(command: Document, context: CommandContext): Document {
  if (context.db !== 'admin')
    throw mongoError(ErrorCodes.Unauthorized, 'renameCollection may only be run against the admin database.');
  const [fromDb, fromName] = splitNamespace(command.renameCollection);
  const [toDb, toName] = splitNamespace(command.to);
  const { catalog } = context.engine;
  const source = catalog.get(fromDb, fromName);
  if (!source)
    throw mongoError(ErrorCodes.NamespaceNotFound, `Source collection ${fromDb}.${fromName} does not exist`);
  if (fromDb === toDb && fromName === toName) {
    throw mongoError(ErrorCodes.IllegalOperation, "Can't rename a collection to itself");
  }
  if (catalog.get(toDb, toName)) {
    if (!truthy(command.dropTarget)) throw mongoError(ErrorCodes.NamespaceExists, 'target namespace exists');
    context.access.recordCatalogOps(catalog.drop(toDb, toName));
  }
  context.access.recordCatalogOps(catalog.rename(source, toDb, toName));
  return { ok: 1 };
}

export const catalogCommands: Record<string, CommandHandler> = {
  create,
  drop,
  dropDatabase,
  listCollections,
  renameCollection,
};
