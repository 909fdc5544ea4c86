import type { Document } from 'bson';
import { ErrorCodes, mongoError } from '../errors';
import { runPipeline } from '../semantics';
import type { CommandContext, CommandHandler } from './context';
import { numberOf } from './values';

const unsupportedStages = [
  '$out',
  '$merge',
  '$changeStream',
  '$currentOp',
  '$listSessions',
  '$collStats',
  '$indexStats',
  '$geoNear',
  '$search',
];

async function aggregate(command: Document, context: CommandContext): Promise<Document> {
  const pipeline = command.pipeline as Document[] | undefined;
  if (!Array.isArray(pipeline))
    throw mongoError(ErrorCodes.TypeMismatch, "'pipeline' option must be specified as an array");
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0] ?? '';
    if (unsupportedStages.includes(name)) {
      throw mongoError(ErrorCodes.NotImplemented, `${name} is not supported by the embedded engine`);
    }
  }
  if (typeof command.aggregate !== 'string') {
    throw mongoError(
      ErrorCodes.InvalidNamespace,
      'collectionless aggregate is not supported by the embedded engine',
    );
  }
  if (command.explain)
    throw mongoError(ErrorCodes.NotImplemented, 'explain is not supported by the embedded engine');
  if (!command.cursor) {
    throw mongoError(
      ErrorCodes.FailedToParse,
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  const { catalog } = context.engine;
  const documentsOf = (name: string): Document[] => context.access.find(catalog.get(context.db, name), {});
  // A leading $match goes through the planner so indexed aggregations do not scan the collection.
  const [head, ...rest] = pipeline;
  const leadingMatch = head && '$match' in head ? (head.$match as Document) : undefined;
  const input = context.access.find(catalog.get(context.db, command.aggregate), leadingMatch ?? {});
  const output = await runPipeline(input, leadingMatch ? rest : pipeline, {
    now: new Date(),
    lookupCollection: documentsOf,
  });
  return context.cursors.firstBatch(`${context.db}.${command.aggregate}`, output, {
    batchSize: numberOf((command.cursor as Document | undefined)?.batchSize),
    sessionKey: context.sessionKey,
  });
}

export const aggregateCommands: Record<string, CommandHandler> = { aggregate };
