import type { Document } from 'bson';
import { ErrorCodes, mongoError } from '../errors';
import { applyProjection, compileSort, distinctValues } from '../semantics';
import type { CommandContext, CommandHandler } from './context';
import { bigintOf, collectionName, numberOf } from './values';

export interface QueryShape {
  filter: Document;
  sort?: Document;
  skip?: number;
  limit?: number;
}

/** Matching documents after sort, skip and limit (limit 0 = no limit). */
export function queryDocuments(context: CommandContext, name: string, shape: QueryShape): Document[] {
  const collection = context.engine.catalog.get(context.db, name);
  let docs = context.access.find(collection, shape.filter);
  if (shape.sort && Object.keys(shape.sort).length > 0) docs = [...docs].sort(compileSort(shape.sort));
  const skip = shape.skip ?? 0;
  if (skip < 0) throw mongoError(ErrorCodes.BadValue, 'skip value must be non-negative');
  const limit = shape.limit ?? 0;
  if (skip > 0 || limit > 0) docs = docs.slice(skip, limit > 0 ? skip + limit : undefined);
  return docs;
}

function find(command: Document, context: CommandContext): Document {
  const name = collectionName(command);
  const rawLimit = numberOf(command.limit) ?? 0;
  const filter = (command.filter as Document) ?? {};
  const docs = queryDocuments(context, name, {
    filter,
    sort: command.sort as Document | undefined,
    skip: numberOf(command.skip),
    limit: Math.abs(rawLimit),
  });
  const projection = command.projection as Document | undefined;
  const shaped =
    projection && Object.keys(projection).length > 0
      ? docs.map((doc) => applyProjection(doc, projection, filter))
      : docs;
  return context.cursors.firstBatch(`${context.db}.${name}`, shaped, {
    batchSize: numberOf(command.batchSize),
    singleBatch: command.singleBatch === true || rawLimit < 0,
    sessionKey: context.sessionKey,
  });
}

function getMore(command: Document, context: CommandContext): Document {
  const id = bigintOf(command.getMore);
  if (id === undefined) throw mongoError(ErrorCodes.TypeMismatch, 'getMore cursor id must be a long');
  return context.cursors.nextBatch(
    id,
    `${context.db}.${String(command.collection)}`,
    numberOf(command.batchSize),
  );
}

function killCursors(command: Document, context: CommandContext): Document {
  const ids = ((command.cursors as unknown[]) ?? []).map((id) => bigintOf(id) ?? 0n);
  const { killed, notFound } = context.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

function count(command: Document, context: CommandContext): Document {
  const docs = queryDocuments(context, collectionName(command), {
    filter: (command.query as Document) ?? {},
    skip: numberOf(command.skip),
    limit: Math.abs(numberOf(command.limit) ?? 0),
  });
  return { n: docs.length, ok: 1 };
}

function distinct(command: Document, context: CommandContext): Document {
  if (typeof command.key !== 'string')
    throw mongoError(ErrorCodes.TypeMismatch, "BSON field 'distinct.key' is missing but a required field");
  const docs = queryDocuments(context, collectionName(command), {
    filter: (command.query as Document) ?? {},
  });
  return { values: distinctValues(docs, command.key), ok: 1 };
}

export const readCommands: Record<string, CommandHandler> = { find, getMore, killCursors, count, distinct };
