/**
 * BSON-correct query, update, projection, sort and aggregation semantics. Pure functions over documents in the
 * shape `BSON.deserialize(bytes, { promoteValues: false, bsonRegExp: true })` produces; they never mutate inputs
 * and throw `MongoServerError` with MongoDB's codes for invalid specifications.
 */
export type { Doc } from './bson-types';
export { bsonTypeName } from './bson-types';
export { compareValues, valuesEqual } from './compare';
export { getPathValues } from './paths';
export { compileFilter } from './filter';
export { compileSort, sortDocuments } from './sort';
export { applyUpdate } from './update';
export type { UpdateOptions, UpdateResult } from './update';
export { buildUpsertSeed } from './upsert-seed';
export { applyProjection, compileProjection } from './projection';
export { runPipeline } from './pipeline';
export type { PipelineContext } from './pipeline';
export { evaluateExpression } from './expression';
export { distinctValues } from './distinct';
export { valueKey } from './value-key';
export { extractIndexBounds } from './bounds';
export type { IndexBounds } from './bounds';
