import { ObjectId, type Document } from 'bson';
import { ErrorCodes, mongoError } from '../errors';
import { applyUpdate, buildUpsertSeed, compileFilter } from '../semantics';
import type { Collection } from '../storage/collection';
import type { CommandContext, CommandHandler } from './context';
import {
  assertDocumentSize,
  collectionName,
  isCommandLevel,
  numberOf,
  truthy,
  writeErrorEntry,
} from './values';

/** MongoDB stores `_id` first; a document without one gets an ObjectId. */
export function withId(doc: Document): Document {
  if (doc._id !== undefined) {
    if (Array.isArray(doc._id))
      throw mongoError(ErrorCodes.InvalidIdField, `The '_id' value cannot be of type array`);
    return doc;
  }
  return { _id: new ObjectId(), ...doc };
}

export function writableCollection(context: CommandContext, name: string): Collection {
  const { collection, ops } = context.engine.catalog.obtain(context.db, name);
  context.access.recordCatalogOps(ops);
  return collection;
}

/**
 * Runs each statement of a write command, turning per-statement failures into `writeErrors` (an ordered command
 * stops at the first one). Conflicts that doom the whole command propagate.
 */
async function forEachStatement<T>(
  statements: T[],
  ordered: boolean,
  run: (statement: T, index: number) => Promise<void>,
): Promise<Document[]> {
  const writeErrors: Document[] = [];
  for (const [index, statement] of statements.entries()) {
    try {
      await run(statement, index);
    } catch (error) {
      if (isCommandLevel(error)) throw error;
      writeErrors.push(writeErrorEntry(index, error));
      if (ordered) break;
    }
  }
  return writeErrors;
}

function withWriteErrors(reply: Document, writeErrors: Document[]): Document {
  return writeErrors.length > 0 ? { ...reply, writeErrors, ok: 1 } : { ...reply, ok: 1 };
}

async function insert(command: Document, context: CommandContext): Promise<Document> {
  const collection = writableCollection(context, collectionName(command));
  const docs = (command.documents as Document[] | undefined) ?? [];
  let n = 0;
  const writeErrors = await forEachStatement(docs, command.ordered !== false, async (raw) => {
    const doc = withId(raw);
    assertDocumentSize(doc);
    await context.access.insert(collection, doc);
    n += 1;
  });
  return withWriteErrors({ n }, writeErrors);
}

export interface UpdateStatement {
  q: Document;
  u: Document | Document[];
  upsert?: boolean;
  multi?: boolean;
  arrayFilters?: Document[];
}

function isReplacement(update: Document | Document[]): boolean {
  return !Array.isArray(update) && Object.keys(update).every((key) => !key.startsWith('$'));
}

export interface UpdateOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
  /** Last document before / after the change (findAndModify returns one of them). */
  before?: Document;
  after?: Document;
}

/** Applies one update statement; `pick` chooses the single document to touch when not multi (findAndModify sorts). */
export async function runUpdate(
  context: CommandContext,
  collection: Collection,
  statement: UpdateStatement,
  pick: (ids: string[]) => string[] = (ids) => ids.slice(0, 1),
): Promise<UpdateOutcome> {
  if (statement.multi && isReplacement(statement.u)) {
    throw mongoError(ErrorCodes.FailedToParse, 'multi update is not supported for replacement-style update');
  }
  const { access } = context;
  const matches = compileFilter(statement.q);
  const found = access.findIds(collection, statement.q);
  const ids = statement.multi ? found : pick(found);
  const outcome: UpdateOutcome = { matched: 0, modified: 0 };
  const options = {
    isInsert: false,
    arrayFilters: statement.arrayFilters,
    query: statement.q,
    now: new Date(),
  };
  for (const id of ids) {
    await access.prepare(collection, id);
    const doc = access.get(collection, id);
    if (!doc || !matches(doc)) continue;
    const result = applyUpdate(doc, statement.u, options);
    outcome.matched += 1;
    outcome.before = doc;
    outcome.after = result.doc;
    if (result.modified) {
      assertDocumentSize(result.doc);
      await access.write(collection, id, result.doc);
      outcome.modified += 1;
    }
  }
  if (outcome.matched === 0 && statement.upsert) {
    // The seed carries the query's equality fields; a replacement keeps only its `_id`, as MongoDB does.
    const result = applyUpdate(buildUpsertSeed(statement.q), statement.u, { ...options, isInsert: true });
    let doc = result.doc;
    doc = withId(doc);
    assertDocumentSize(doc);
    await access.insert(collection, doc);
    outcome.upsertedId = doc._id;
    outcome.after = doc;
  }
  return outcome;
}

async function update(command: Document, context: CommandContext): Promise<Document> {
  const collection = writableCollection(context, collectionName(command));
  const statements = (command.updates as Document[] | undefined) ?? [];
  const upserted: Document[] = [];
  let n = 0;
  let nModified = 0;
  const writeErrors = await forEachStatement(
    statements,
    command.ordered !== false,
    async (statement, index) => {
      const outcome = await runUpdate(context, collection, {
        q: (statement.q as Document) ?? {},
        u: statement.u as Document,
        upsert: truthy(statement.upsert),
        multi: truthy(statement.multi),
        arrayFilters: statement.arrayFilters as Document[] | undefined,
      });
      n += outcome.matched;
      nModified += outcome.modified;
      if (outcome.upsertedId !== undefined) {
        n += 1;
        upserted.push({ index, _id: outcome.upsertedId });
      }
    },
  );
  return withWriteErrors(upserted.length > 0 ? { n, nModified, upserted } : { n, nModified }, writeErrors);
}

async function remove(command: Document, context: CommandContext): Promise<Document> {
  const collection = context.engine.catalog.get(context.db, collectionName(command));
  const statements = (command.deletes as Document[] | undefined) ?? [];
  let n = 0;
  const writeErrors = await forEachStatement(statements, command.ordered !== false, async (statement) => {
    if (!collection) return;
    const filter = (statement.q as Document) ?? {};
    const matches = compileFilter(filter);
    const single = numberOf(statement.limit) === 1;
    for (const id of context.access.findIds(collection, filter)) {
      await context.access.prepare(collection, id);
      const doc = context.access.get(collection, id);
      if (!doc || !matches(doc)) continue;
      await context.access.write(collection, id, null);
      n += 1;
      if (single) break;
    }
  });
  return withWriteErrors({ n }, writeErrors);
}

export const writeCommands: Record<string, CommandHandler> = { insert, update, delete: remove };
