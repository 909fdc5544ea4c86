import type { Document } from 'bson';
import { ErrorCodes, mongoError } from '../errors';
import { applyProjection, compileSort } from '../semantics';
import { idKeyOf } from '../storage/collection';
import type { CommandContext, CommandHandler } from './context';
import { collectionName, truthy } from './values';
import { runUpdate, writableCollection } from './write';

function shape(doc: Document | undefined, fields: Document | undefined): Document | null {
  if (!doc) return null;
  return fields && Object.keys(fields).length > 0 ? applyProjection(doc, fields) : doc;
}

async function findAndModify(command: Document, context: CommandContext): Promise<Document> {
  const name = collectionName(command);
  const query = (command.query as Document) ?? {};
  const sort = command.sort as Document | undefined;
  const fields = command.fields as Document | undefined;
  const remove = truthy(command.remove);
  if (remove === (command.update !== undefined)) {
    throw mongoError(ErrorCodes.FailedToParse, 'Either an update or remove=true must be specified');
  }
  if (remove && truthy(command.upsert))
    throw mongoError(ErrorCodes.FailedToParse, 'Cannot specify both an upsert and remove=true');
  // The sort decides which single document is touched; the access re-checks it against the filter after locking.
  const first = (ids: string[]): string[] => {
    if (!sort || Object.keys(sort).length === 0 || ids.length <= 1) return ids.slice(0, 1);
    const collection = context.engine.catalog.get(context.db, name)!;
    const docs = ids.map((id) => context.access.get(collection, id)!).sort(compileSort(sort));
    return docs.slice(0, 1).map(idKeyOf);
  };

  if (remove) {
    const collection = context.engine.catalog.get(context.db, name);
    const [id] = first(context.access.findIds(collection, query));
    if (!collection || id === undefined) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    await context.access.prepare(collection, id);
    const doc = context.access.get(collection, id);
    if (doc) await context.access.write(collection, id, null);
    return { lastErrorObject: { n: doc ? 1 : 0 }, value: shape(doc, fields), ok: 1 };
  }

  const collection = writableCollection(context, name);
  const outcome = await runUpdate(
    context,
    collection,
    {
      q: query,
      u: command.update as Document,
      upsert: truthy(command.upsert),
      arrayFilters: command.arrayFilters as Document[] | undefined,
    },
    first,
  );
  const upserted = outcome.upsertedId !== undefined;
  const lastErrorObject: Document = {
    n: outcome.matched + (upserted ? 1 : 0),
    updatedExisting: outcome.matched > 0,
  };
  if (upserted) lastErrorObject.upserted = outcome.upsertedId;
  const value = truthy(command.new) ? outcome.after : upserted ? undefined : outcome.before;
  return { lastErrorObject, value: shape(value, fields), ok: 1 };
}

export const findAndModifyCommands: Record<string, CommandHandler> = {
  findAndModify,
  findandmodify: findAndModify,
};
