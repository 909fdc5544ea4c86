import { Int32, Long } from 'bson';
import { mongoError } from '../errors';
import { bsonTypeName, isPlainObject, MISSING, type Doc } from './bson-types';
import { compareValues } from './compare';
import { evaluate } from './expression';
import type { ExpressionContext } from './expression-core';
import { formatValue } from './format';
import { getExact, getPathValues, leafValues } from './paths';
import { setField } from './pipeline-fields';

export function unwindStage(docs: Doc[], spec: unknown): Doc[] {
  const options = typeof spec === 'string' ? { path: spec } : spec;
  if (!isPlainObject(options)) {
    throw mongoError(
      15981,
      `expected either a string or an object as specification for $unwind stage, got ${bsonTypeName(spec)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!['path', 'includeArrayIndex', 'preserveNullAndEmptyArrays'].includes(key)) {
      throw mongoError(28811, `unrecognized option to $unwind stage: ${key}`);
    }
  }
  const { path, includeArrayIndex, preserveNullAndEmptyArrays } = options;
  if (typeof path !== 'string') throw mongoError(28812, 'no path specified to $unwind stage');
  if (!path.startsWith('$'))
    throw mongoError(28818, `path option to $unwind stage should be prefixed with a '$': ${path}`);
  if (
    includeArrayIndex !== undefined &&
    (typeof includeArrayIndex !== 'string' || includeArrayIndex.startsWith('$') || includeArrayIndex === '')
  ) {
    throw mongoError(
      28822,
      `includeArrayIndex option to $unwind stage should not be prefixed with a '$': ${String(includeArrayIndex)}`,
    );
  }
  if (preserveNullAndEmptyArrays !== undefined && typeof preserveNullAndEmptyArrays !== 'boolean') {
    throw mongoError(28809, 'expected a boolean for the preserveNullAndEmptyArrays option to $unwind stage');
  }
  const parts = path.slice(1).split('.');
  const indexParts = typeof includeArrayIndex === 'string' ? includeArrayIndex.split('.') : undefined;
  const output: Doc[] = [];
  for (const doc of docs) {
    const value = getExact(doc, parts);
    const withIndex = (target: Doc, index: unknown) =>
      indexParts ? setField(target, indexParts, index) : target;
    if (Array.isArray(value) && value.length > 0) {
      value.forEach((element, index) =>
        output.push(withIndex(setField(doc, parts, element), Long.fromNumber(index))),
      );
    } else if (Array.isArray(value)) {
      if (preserveNullAndEmptyArrays) output.push(withIndex(setField(doc, parts, MISSING), null));
    } else if (value === MISSING || value === null) {
      if (preserveNullAndEmptyArrays) output.push(withIndex(doc, null));
    } else {
      output.push(withIndex(doc, null));
    }
  }
  return output;
}

export function countStage(docs: Doc[], spec: unknown): Doc[] {
  if (typeof spec !== 'string' || spec === '')
    throw mongoError(40156, 'the count field must be a non-empty string');
  if (spec.startsWith('$')) throw mongoError(40158, 'the count field cannot be a $-prefixed path');
  if (spec.includes('.')) throw mongoError(40160, "the count field cannot contain '.'");
  if (docs.length === 0) return [];
  return [{ [spec]: docs.length <= 2147483647 ? new Int32(docs.length) : Long.fromNumber(docs.length) }];
}

export function replaceRootStage(
  docs: Doc[],
  expression: unknown,
  contextFor: (doc: Doc) => ExpressionContext,
): Doc[] {
  return docs.map((doc) => {
    const value = evaluate(expression, contextFor(doc));
    if (!isPlainObject(value)) {
      const shown = value === MISSING ? 'missing' : formatValue(value);
      throw mongoError(
        40228,
        `'replacement document' must evaluate to an object, but resulting value was: ${shown}. Type of resulting value: '${bsonTypeName(value)}'. Input document: ${formatValue(doc)}`,
      );
    }
    return value;
  });
}

/** Integer arguments of `$skip`, `$limit` and `$sample`, validated with each stage's own error. */
export function numericStageArgument(stage: '$skip' | '$limit' | '$sample', value: unknown): number {
  const number =
    typeof value === 'number' ? value : Number((value as { valueOf(): unknown } | null)?.valueOf?.());
  const type = bsonTypeName(value);
  if (!['int', 'long', 'double', 'decimal'].includes(type) || !Number.isInteger(number)) {
    throw mongoError(15957, `the ${stage.slice(1)} must be specified as a number`);
  }
  if (stage === '$limit' && number <= 0) throw mongoError(15958, 'the limit must be positive');
  if (stage === '$skip' && number < 0) {
    throw mongoError(
      5107200,
      `invalid argument to $skip stage: Expected a non-negative number in: $skip: ${number}`,
    );
  }
  if (stage === '$sample' && number < 0)
    throw mongoError(28747, 'size argument to $sample must not be negative');
  return number;
}

/** `$lookup` equality join: local array values match any element; null/missing match missing foreign fields. */
export function matchesLookupKeys(localValue: unknown, foreign: Doc, foreignField: string): boolean {
  const locals = Array.isArray(localValue)
    ? localValue.length === 0
      ? []
      : localValue
    : [localValue === MISSING ? null : localValue];
  const foreignValues: unknown[] = [];
  for (const leaf of leafValues(foreign, foreignField)) {
    if (leaf === MISSING) foreignValues.push(null);
    else if (Array.isArray(leaf)) foreignValues.push(leaf, ...leaf);
    else foreignValues.push(leaf);
  }
  return locals.some((local) => foreignValues.some((value) => compareValues(local, value) === 0));
}

export function localLookupValue(doc: Doc, localField: string): unknown {
  const values = getPathValues(doc, localField);
  const leaves = leafValues(doc, localField);
  if (values.length === 0) return leaves.some((leaf) => Array.isArray(leaf)) ? [] : null;
  return leaves.length === 1 && !Array.isArray(leaves[0]) ? leaves[0] : values;
}
