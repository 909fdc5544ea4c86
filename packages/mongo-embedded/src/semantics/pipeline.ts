import { Int32 } from 'bson';
import { ErrorCodes, mongoError } from '../errors';
import { isPlainObject, MISSING, type Doc } from './bson-types';
import { evaluate, rootContext } from './expression';
import type { ExpressionContext } from './expression-core';
import { compileFilter } from './filter';
import { projectDocument, projectionContext } from './projection';
import { parseProjection } from './projection-tree';
import { addFields, setField } from './pipeline-fields';
import { bucketToStages } from './pipeline-bucket';
import { groupStage } from './pipeline-group';
import {
  countStage,
  localLookupValue,
  matchesLookupKeys,
  numericStageArgument,
  replaceRootStage,
  unwindStage,
} from './pipeline-stages';
import { sortDocuments } from './sort';

export interface PipelineContext {
  now: Date;
  /** `$lookup` reads other collections of the same database through this. */
  lookupCollection(name: string): Doc[];
}

interface StageEnvironment {
  context: PipelineContext;
  variables: Record<string, unknown>;
}

type StageImplementation = (docs: Doc[], spec: unknown, environment: StageEnvironment) => Doc[];

function contextFor(environment: StageEnvironment): (doc: Doc) => ExpressionContext {
  return (doc) => rootContext(doc, { NOW: environment.context.now, ...environment.variables });
}

function requireObject(stage: string, spec: unknown, code: number): Doc {
  if (!isPlainObject(spec)) throw mongoError(code, `${stage} specification must be an object`);
  return spec;
}

function projectStage(docs: Doc[], spec: unknown, environment: StageEnvironment): Doc[] {
  const object = requireObject('$project', spec, 15969);
  if (Object.keys(object).length === 0)
    throw mongoError(
      51272,
      'Invalid $project :: caused by :: projection specification must have at least one field',
    );
  const parsed = parseProjection(object, 'aggregate');
  const variables = { NOW: environment.context.now, ...environment.variables };
  return docs.map((doc) => projectDocument(doc, parsed, projectionContext(doc, undefined, variables)));
}

function unsetStage(docs: Doc[], spec: unknown, environment: StageEnvironment): Doc[] {
  const fields = typeof spec === 'string' ? [spec] : spec;
  if (!Array.isArray(fields) || fields.length === 0 || fields.some((field) => typeof field !== 'string')) {
    throw mongoError(
      31002,
      '$unset specification must be a string or an array containing only string values',
    );
  }
  return projectStage(docs, Object.fromEntries(fields.map((field) => [field, 0])), environment);
}

function lookupStage(docs: Doc[], spec: unknown, environment: StageEnvironment): Doc[] {
  const options = requireObject('$lookup', spec, 40319);
  const { from, localField, foreignField, as, pipeline } = options;
  if (typeof from !== 'string')
    throw mongoError(40321, "missing 'from' option to $lookup stage specification");
  if (typeof as !== 'string') throw mongoError(40321, "must specify 'as' field for a $lookup");
  const hasKeys = localField !== undefined || foreignField !== undefined;
  if (hasKeys && (typeof localField !== 'string' || typeof foreignField !== 'string')) {
    throw mongoError(
      ErrorCodes.FailedToParse,
      "$lookup requires both or neither of 'localField' and 'foreignField' to be specified",
    );
  }
  if (!hasKeys && !Array.isArray(pipeline))
    throw mongoError(
      ErrorCodes.FailedToParse,
      "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified",
    );
  const foreignDocs = environment.context.lookupCollection(from);
  const letSpec =
    options.let === undefined ? {} : requireObject('$lookup let', options.let, ErrorCodes.FailedToParse);
  const toContext = contextFor(environment);
  return docs.map((doc) => {
    let matches = foreignDocs;
    if (hasKeys) {
      const local = localLookupValue(doc, localField as string);
      matches = matches.filter((foreign) => matchesLookupKeys(local, foreign, foreignField as string));
    }
    if (Array.isArray(pipeline)) {
      const docContext = toContext(doc);
      const variables: Record<string, unknown> = { ...environment.variables };
      for (const [name, expression] of Object.entries(letSpec)) {
        const value = evaluate(expression, docContext);
        variables[name] = value === MISSING ? null : value;
      }
      matches = executeStages(matches, pipeline as Doc[], { context: environment.context, variables });
    }
    return setField(doc, as.split('.'), matches);
  });
}

function unionWithStage(docs: Doc[], spec: unknown, environment: StageEnvironment): Doc[] {
  const options =
    typeof spec === 'string' ? { coll: spec } : requireObject('$unionWith', spec, ErrorCodes.FailedToParse);
  if (typeof options.coll !== 'string')
    throw mongoError(ErrorCodes.FailedToParse, "$unionWith requires a 'coll' string");
  const pipeline = options.pipeline ?? [];
  if (!Array.isArray(pipeline))
    throw mongoError(ErrorCodes.FailedToParse, "$unionWith 'pipeline' must be an array");
  const other = executeStages(
    environment.context.lookupCollection(options.coll),
    pipeline as Doc[],
    environment,
  );
  return [...docs, ...other];
}

function facetStage(docs: Doc[], spec: unknown, environment: StageEnvironment): Doc[] {
  const facets = requireObject('$facet', spec, 15947);
  if (Object.keys(facets).length === 0)
    throw mongoError(40169, 'the $facet specification must be a non-empty object');
  const output: Doc = {};
  for (const [name, pipeline] of Object.entries(facets)) {
    if (!Array.isArray(pipeline))
      throw mongoError(40170, `arguments to $facet must be arrays, ${name} is type ${typeof pipeline}`);
    output[name] = executeStages(docs, pipeline as Doc[], environment);
  }
  return [output];
}

const STAGES: Record<string, StageImplementation> = {
  $match: (docs, spec, environment) => {
    const predicate = compileFilter(requireObject('$match', spec, 15959), environment.variables);
    return docs.filter((doc) => predicate(doc));
  },
  $project: projectStage,
  $addFields: (docs, spec, environment) => {
    const object = requireObject('$addFields', spec, 40272);
    const toContext = contextFor(environment);
    return docs.map((doc) => addFields(doc, object, toContext(doc)));
  },
  $unset: unsetStage,
  $sort: (docs, spec) => {
    const object = requireObject('$sort', spec, 15973);
    if (Object.keys(object).length === 0)
      throw mongoError(15976, '$sort stage must have at least one sort key');
    return sortDocuments(docs, object);
  },
  $skip: (docs, spec) => docs.slice(numericStageArgument('$skip', spec)),
  $limit: (docs, spec) => docs.slice(0, numericStageArgument('$limit', spec)),
  $group: (docs, spec, environment) =>
    groupStage(docs, requireObject('$group', spec, 15947), contextFor(environment)),
  $count: (docs, spec) => countStage(docs, spec),
  $unwind: (docs, spec) => unwindStage(docs, spec),
  $lookup: lookupStage,
  $facet: facetStage,
  $replaceRoot: (docs, spec, environment) => {
    const object = requireObject('$replaceRoot', spec, 40228);
    if (!('newRoot' in object)) throw mongoError(40231, 'no newRoot specified for the $replaceRoot stage');
    return replaceRootStage(docs, object.newRoot, contextFor(environment));
  },
  $replaceWith: (docs, spec, environment) => replaceRootStage(docs, spec, contextFor(environment)),
  $bucket: (docs, spec, environment) => executeStages(docs, bucketToStages(spec), environment),
  $unionWith: unionWithStage,
  $sample: (docs, spec) => {
    const size = isPlainObject(spec) && Object.keys(spec).length === 1 ? spec.size : undefined;
    if (size === undefined) throw mongoError(28748, '$sample stage must specify a size');
    const count = numericStageArgument('$sample', size);
    const shuffled = [...docs];
    for (let index = shuffled.length - 1; index > 0; index -= 1) {
      const other = Math.floor(Math.random() * (index + 1));
      [shuffled[index], shuffled[other]] = [shuffled[other] as Doc, shuffled[index] as Doc];
    }
    return shuffled.slice(0, count);
  },
  $sortByCount: (docs, spec, environment) => {
    const grouped = groupStage(docs, { _id: spec, count: { $sum: new Int32(1) } }, contextFor(environment));
    return sortDocuments(grouped, { count: -1 });
  },
};
STAGES.$set = STAGES.$addFields as StageImplementation;

/** Real MongoDB stages this engine does not implement: reported as such rather than as unknown names. */
const UNSUPPORTED_STAGES = new Set([
  '$out',
  '$merge',
  '$bucketAuto',
  '$graphLookup',
  '$redact',
  '$geoNear',
  '$indexStats',
  '$collStats',
  '$densify',
  '$fill',
  '$setWindowFields',
  '$search',
  '$changeStream',
  '$documents',
  '$currentOp',
  '$listSessions',
  '$planCacheStats',
]);

const UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

function stageName(stage: unknown): string {
  if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
    throw mongoError(40323, 'A pipeline stage specification object must contain exactly one field.');
  }
  return Object.keys(stage)[0] as string;
}

function unknownStage(name: string): Error {
  if (UNSUPPORTED_STAGES.has(name)) {
    return mongoError(ErrorCodes.NotImplemented, `${name} is not supported by the embedded MongoDB engine`);
  }
  return mongoError(40324, `Unrecognized pipeline stage name: '${name}'`);
}

function executeStages(docs: Doc[], pipeline: Doc[], environment: StageEnvironment): Doc[] {
  let current = docs;
  for (const stage of pipeline) {
    const name = stageName(stage);
    const implementation = STAGES[name];
    if (!implementation) throw unknownStage(name);
    current = implementation(current, stage[name], environment);
  }
  return current;
}

/** Runs an aggregation pipeline over `docs`; unknown stages and operators raise MongoDB's errors. */
export function runPipeline(docs: Doc[], pipeline: Doc[], context: PipelineContext): Doc[] {
  if (!Array.isArray(pipeline)) throw mongoError(14, "'pipeline' option must be specified as an array");
  return executeStages(docs, pipeline, { context, variables: {} });
}

/** Update pipelines (`updateOne(filter, [ ... ])`) allow only the field-shaping stages. */
export function runUpdatePipeline(doc: Doc, pipeline: Doc[], now: Date): Doc {
  for (const stage of pipeline) {
    const name = stageName(stage);
    if (!UPDATE_STAGES.has(name)) {
      if (!(name in STAGES)) throw unknownStage(name);
      throw mongoError(ErrorCodes.InvalidOptions, `${name} is not allowed to be used within an update`);
    }
  }
  const noLookups: PipelineContext = {
    now,
    lookupCollection: () => {
      throw mongoError(ErrorCodes.InvalidOptions, '$lookup is not allowed to be used within an update');
    },
  };
  const [result] = executeStages([doc], pipeline, { context: noLookups, variables: {} });
  return result ?? doc;
}
