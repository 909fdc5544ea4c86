import type { Document } from 'bson';
import { ErrorCodes, mongoError } from '../errors';
import { valuesEqual } from '../semantics';
import type { IndexSpec } from '../storage/index-store';
import type { CommandContext, CommandHandler } from './context';
import { collectionName, numberOf, truthy } from './values';
import { writableCollection } from './write';

function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([field, direction]) => `${field}_${numberOf(direction) ?? String(direction)}`)
    .join('_');
}

function normaliseSpec(raw: Document): IndexSpec {
  const key = raw.key as Document | undefined;
  if (!key || typeof key !== 'object' || Object.keys(key).length === 0) {
    throw mongoError(
      ErrorCodes.CannotCreateIndex,
      "The 'key' field is a required property of an index specification",
    );
  }
  for (const [field, direction] of Object.entries(key)) {
    const value = numberOf(direction);
    if (value === undefined || value === 0 || field.includes('$**')) {
      throw mongoError(
        ErrorCodes.CannotCreateIndex,
        `Values in the index key pattern can only be non-zero numbers; found ${field}: ${String(direction)}`,
      );
    }
  }
  const spec: IndexSpec = {
    v: 2,
    key,
    name: typeof raw.name === 'string' ? raw.name : defaultIndexName(key),
  };
  if (truthy(raw.unique)) spec.unique = true;
  if (truthy(raw.sparse)) spec.sparse = true;
  if (raw.partialFilterExpression) spec.partialFilterExpression = raw.partialFilterExpression as Document;
  const expire = numberOf(raw.expireAfterSeconds);
  if (expire !== undefined) spec.expireAfterSeconds = expire;
  return spec;
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return (
    Boolean(a.unique) === Boolean(b.unique) &&
    Boolean(a.sparse) === Boolean(b.sparse) &&
    a.expireAfterSeconds === b.expireAfterSeconds &&
    valuesEqual(a.partialFilterExpression ?? null, b.partialFilterExpression ?? null)
  );
}

function createIndexes(command: Document, context: CommandContext): Document {
  const name = collectionName(command);
  const createdCollectionAutomatically = !context.engine.catalog.get(context.db, name);
  const collection = writableCollection(context, name);
  const before = collection.indexes.size;
  const specs = ((command.indexes as Document[] | undefined) ?? []).map(normaliseSpec);
  for (const spec of specs) {
    const sameName = collection.indexes.get(spec.name);
    const sameKey = [...collection.indexes.values()].find((index) => valuesEqual(index.spec.key, spec.key));
    if (sameName && !valuesEqual(sameName.spec.key, spec.key)) {
      throw mongoError(
        ErrorCodes.IndexKeySpecsConflict,
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
      );
    }
    if (sameKey) {
      if (sameKey.spec.name === spec.name && sameOptions(sameKey.spec, spec)) continue;
      if (sameKey.spec.name !== spec.name) {
        throw mongoError(
          ErrorCodes.IndexOptionsConflict,
          `Index already exists with a different name: ${sameKey.spec.name}`,
        );
      }
      throw mongoError(
        ErrorCodes.IndexKeySpecsConflict,
        `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameKey.spec)}`,
      );
    }
    context.access.recordCatalogOps(context.engine.catalog.createIndex(collection, spec));
  }
  const after = collection.indexes.size;
  const reply: Document = {
    numIndexesBefore: before,
    numIndexesAfter: after,
    createdCollectionAutomatically,
  };
  if (before === after) reply.note = 'all indexes already exist';
  return { ...reply, ok: 1 };
}

function listIndexes(command: Document, context: CommandContext): Document {
  const name = collectionName(command);
  const collection = context.engine.catalog.get(context.db, name);
  if (!collection) throw mongoError(ErrorCodes.NamespaceNotFound, `ns does not exist: ${context.db}.${name}`);
  const specs = [...collection.indexes.values()].map((index) => ({ ...index.spec }));
  return context.cursors.firstBatch(`${context.db}.${name}`, specs, {
    batchSize: numberOf((command.cursor as Document | undefined)?.batchSize),
    sessionKey: context.sessionKey,
  });
}

function dropIndexes(command: Document, context: CommandContext): Document {
  const name = collectionName(command);
  const collection = context.engine.catalog.get(context.db, name);
  if (!collection) throw mongoError(ErrorCodes.NamespaceNotFound, `ns not found ${context.db}.${name}`);
  const nIndexesWas = collection.indexes.size;
  const target = command.index as unknown;
  let names: string[];
  if (target === '*') names = collection.secondaryIndexes().map((index) => index.spec.name);
  else if (typeof target === 'string') names = [target];
  else if (Array.isArray(target)) names = target.map(String);
  else {
    const byKey = [...collection.indexes.values()].find((index) => valuesEqual(index.spec.key, target));
    if (!byKey)
      throw mongoError(ErrorCodes.IndexNotFound, `can't find index with key: ${JSON.stringify(target)}`);
    names = [byKey.spec.name];
  }
  for (const indexName of names)
    context.access.recordCatalogOps(context.engine.catalog.dropIndex(collection, indexName));
  return { nIndexesWas, ok: 1 };
}

export const indexCommands: Record<string, CommandHandler> = {
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
};
