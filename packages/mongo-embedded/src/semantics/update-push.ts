import { mongoError } from '../errors';
import { bsonTypeName, cloneValue, isNumeric, isPlainObject, type Doc } from './bson-types';
import { compareValues } from './compare';
import { isIntegral, toDouble } from './numbers';
import { compileSort } from './sort';

export interface PushSpec {
  values: unknown[];
  position?: number;
  slice?: number;
  sort?: (a: unknown, b: unknown) => number;
}

const PUSH_MODIFIERS = new Set(['$each', '$slice', '$sort', '$position']);

function integerModifier(name: string, value: unknown): number {
  if (!isNumeric(value) || !isIntegral(value)) {
    throw mongoError(
      2,
      `The value for ${name} must be an integer value but was given type: ${bsonTypeName(value)}`,
    );
  }
  return toDouble(value);
}

/** Orders array elements by `1`/`-1` (whole values) or `{ field: 1 }` (embedded fields): `$push $sort`, `$sortArray`. */
export function elementComparator(value: unknown): (a: unknown, b: unknown) => number {
  const invalid = () =>
    mongoError(
      2,
      'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields',
    );
  if (isNumeric(value)) {
    const direction = toDouble(value);
    if (direction !== 1 && direction !== -1) throw invalid();
    return (a, b) => compareValues(a, b) * direction;
  }
  if (!isPlainObject(value) || Object.keys(value).length === 0) throw invalid();
  const compare = compileSort(value);
  const asDoc = (element: unknown): Doc => (isPlainObject(element) ? element : {});
  return (a, b) => compare(asDoc(a), asDoc(b));
}

/** `$push` takes a value, or `{ $each, $position, $sort, $slice }`. */
export function parsePushArgument(argument: unknown): PushSpec {
  if (!isPlainObject(argument) || !('$each' in argument)) return { values: [argument] };
  for (const key of Object.keys(argument)) {
    if (!PUSH_MODIFIERS.has(key)) throw mongoError(2, `Unrecognized clause in $push: ${key}`);
  }
  if (!Array.isArray(argument.$each)) {
    throw mongoError(
      2,
      `The argument to $each in $push must be an array but it was of type: ${bsonTypeName(argument.$each)}`,
    );
  }
  return {
    values: argument.$each,
    position: '$position' in argument ? integerModifier('$position', argument.$position) : undefined,
    slice: '$slice' in argument ? integerModifier('$slice', argument.$slice) : undefined,
    sort: '$sort' in argument ? elementComparator(argument.$sort) : undefined,
  };
}

/** Order of effects as MongoDB documents it: insert at $position, then $sort, then $slice. */
export function applyPushModifiers(array: unknown[], spec: PushSpec): unknown[] {
  const values = spec.values.map((value) => cloneValue(value));
  let result: unknown[];
  if (spec.position === undefined) {
    result = [...array, ...values];
  } else {
    const position =
      spec.position < 0 ? Math.max(array.length + spec.position, 0) : Math.min(spec.position, array.length);
    result = [...array.slice(0, position), ...values, ...array.slice(position)];
  }
  if (spec.sort)
    result = result
      .map((value, index) => ({ value, index }))
      .sort((a, b) => spec.sort!(a.value, b.value) || a.index - b.index)
      .map((entry) => entry.value);
  if (spec.slice !== undefined)
    result =
      spec.slice >= 0 ? result.slice(0, spec.slice) : result.slice(Math.max(result.length + spec.slice, 0));
  return result;
}
