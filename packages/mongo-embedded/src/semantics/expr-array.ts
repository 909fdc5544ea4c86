import { Int32 } from 'bson';
import { mongoError } from '../errors';
import {
  bsonTypeName,
  isNumeric,
  isPlainObject,
  isTruthyExpressionValue,
  MISSING,
  type Doc,
} from './bson-types';
import {
  compareExpressionValues,
  evaluateArguments,
  isNullish,
  objectOperand,
  withVariables,
  type ExpressionContext,
  type Evaluate,
  type OperatorImplementation,
  type OperatorTable,
} from './expression-core';
import { isIntegral, toDouble } from './numbers';
import { elementComparator } from './update-push';

function requireArray(value: unknown, code: number, message: (type: string) => string): unknown[] {
  if (!Array.isArray(value)) throw mongoError(code, message(bsonTypeName(value)));
  return value;
}

function requireInteger(value: unknown, code: number, message: string): number {
  if (!isNumeric(value) || !isIntegral(value)) throw mongoError(code, message);
  return toDouble(value);
}

function containsValue(array: unknown[], value: unknown): boolean {
  return array.some((item) => compareExpressionValues(item, value) === 0);
}

function iterate(
  name: string,
  operand: unknown,
  context: ExpressionContext,
  evaluate: Evaluate,
  body: 'cond' | 'in',
) {
  const object = objectOperand(
    name,
    operand,
    ['input', 'as', body, ...(body === 'cond' ? ['limit'] : [])],
    ['input', body],
  );
  const input = evaluate(object.input, context);
  const variable = 'as' in object ? String(object.as) : 'this';
  return { object, input, variable };
}

const filterOperator: OperatorImplementation = (operand, context, evaluate) => {
  const { object, input, variable } = iterate('$filter', operand, context, evaluate, 'cond');
  if (isNullish(input)) return null;
  const array = requireArray(input, 28651, (type) => `input to $filter must be an array not ${type}`);
  const limit = 'limit' in object ? evaluate(object.limit, context) : undefined;
  const maximum = isNullish(limit)
    ? Infinity
    : requireInteger(limit, 327391, '$filter: limit must be represented as a 32-bit integral value');
  const result: unknown[] = [];
  for (const element of array) {
    if (result.length >= maximum) break;
    if (isTruthyExpressionValue(evaluate(object.cond, withVariables(context, { [variable]: element }))))
      result.push(element);
  }
  return result;
};

const mapOperator: OperatorImplementation = (operand, context, evaluate) => {
  const { object, input, variable } = iterate('$map', operand, context, evaluate, 'in');
  if (isNullish(input)) return null;
  const array = requireArray(input, 16883, (type) => `input to $map must be an array not ${type}`);
  return array.map((element) => {
    const value = evaluate(object.in, withVariables(context, { [variable]: element }));
    return value === MISSING ? null : value;
  });
};

const reduceOperator: OperatorImplementation = (operand, context, evaluate) => {
  const object = objectOperand(
    '$reduce',
    operand,
    ['input', 'initialValue', 'in'],
    ['input', 'initialValue', 'in'],
  );
  const input = evaluate(object.input, context);
  if (isNullish(input)) return null;
  const array = requireArray(
    input,
    40080,
    (type) => `$reduce requires that 'input' be an array, found: ${type}`,
  );
  let accumulated = evaluate(object.initialValue, context);
  for (const element of array) {
    accumulated = evaluate(object.in, withVariables(context, { value: accumulated, this: element }));
  }
  return accumulated;
};

function sliceArray(values: unknown[]): unknown {
  const [input, first, second] = values;
  if (values.some(isNullish)) return null;
  const array = requireArray(
    input,
    28724,
    (type) => `First argument to $slice must be an array, but is of type: ${type}`,
  );
  const position = requireInteger(
    first,
    28725,
    `Second argument to $slice must be a numeric value, but is of type: ${bsonTypeName(first)}`,
  );
  if (values.length === 2)
    return position >= 0 ? array.slice(0, position) : array.slice(Math.max(array.length + position, 0));
  const count = requireInteger(
    second,
    28727,
    `Third argument to $slice must be numeric, but is of type: ${bsonTypeName(second)}`,
  );
  if (count <= 0) throw mongoError(28729, `Third argument to $slice must be positive: ${count}`);
  const start = position >= 0 ? Math.min(position, array.length) : Math.max(array.length + position, 0);
  return array.slice(start, start + count);
}

function edgeElement(name: string, pick: (array: unknown[]) => unknown): OperatorImplementation {
  return (operand, context, evaluate) => {
    const [value] = evaluateArguments(name, operand, context, evaluate, 1);
    if (isNullish(value)) return null;
    const array = requireArray(value, 28689, (type) => `${name}'s argument must be an array, but is ${type}`);
    return array.length === 0 ? MISSING : pick(array);
  };
}

function uniqueValues(values: unknown[]): unknown[] {
  const result: unknown[] = [];
  for (const value of values) if (!containsValue(result, value)) result.push(value);
  return result;
}

function setOperation(name: string, combine: (arrays: unknown[][]) => unknown): OperatorImplementation {
  return (operand, context, evaluate) => {
    const values = evaluateArguments(name, operand, context, evaluate);
    if (values.some(isNullish)) return null;
    const arrays = values.map((value) =>
      requireArray(
        value,
        17044,
        (type) => `All operands of ${name} must be arrays. One argument is of type: ${type}`,
      ),
    );
    return combine(arrays);
  };
}

export const arrayOperators: OperatorTable = {
  $size: (operand, context, evaluate) => {
    const [value] = evaluateArguments('$size', operand, context, evaluate, 1);
    return new Int32(
      requireArray(
        value,
        17124,
        (type) => `The argument to $size must be an array. Type of argument is ${type}`,
      ).length,
    );
  },
  $arrayElemAt: (operand, context, evaluate) => {
    const [input, index] = evaluateArguments('$arrayElemAt', operand, context, evaluate, 2);
    if (isNullish(input) || isNullish(index)) return null;
    const array = requireArray(
      input,
      28689,
      (type) => `$arrayElemAt's first argument must be an array, but is ${type}`,
    );
    if (!isNumeric(index))
      throw mongoError(
        28690,
        `$arrayElemAt's second argument must be a numeric value, but is ${bsonTypeName(index)}`,
      );
    const position = requireInteger(
      index,
      28691,
      `$arrayElemAt's second argument must be representable as a 32-bit integer: ${toDouble(index)}`,
    );
    const element = array[position < 0 ? array.length + position : position];
    return element === undefined ? MISSING : element;
  },
  $first: edgeElement('$first', (array) => array[0]),
  $last: edgeElement('$last', (array) => array[array.length - 1]),
  $in: (operand, context, evaluate) => {
    const [value, input] = evaluateArguments('$in', operand, context, evaluate, 2);
    const array = requireArray(
      input,
      40081,
      (type) => `$in requires an array as a second argument, found: ${type}`,
    );
    return containsValue(array, value);
  },
  $filter: filterOperator,
  $map: mapOperator,
  $reduce: reduceOperator,
  $slice: (operand, context, evaluate) =>
    sliceArray(evaluateArguments('$slice', operand, context, evaluate, [2, 3])),
  $concatArrays: (operand, context, evaluate) => {
    const values = evaluateArguments('$concatArrays', operand, context, evaluate);
    if (values.some(isNullish)) return null;
    return values.flatMap((value) =>
      requireArray(value, 28664, (type) => `$concatArrays only supports arrays, not ${type}`),
    );
  },
  $isArray: (operand, context, evaluate) =>
    Array.isArray(evaluateArguments('$isArray', operand, context, evaluate, 1)[0]),
  $reverseArray: (operand, context, evaluate) => {
    const [value] = evaluateArguments('$reverseArray', operand, context, evaluate, 1);
    if (isNullish(value)) return null;
    return [
      ...requireArray(
        value,
        34435,
        (type) => `The argument to $reverseArray must be an array, but was of type: ${type}`,
      ),
    ].reverse();
  },
  $indexOfArray: (operand, context, evaluate) => {
    const [input, search, start, end] = evaluateArguments(
      '$indexOfArray',
      operand,
      context,
      evaluate,
      [2, 4],
    );
    if (isNullish(input)) return null;
    const array = requireArray(
      input,
      40090,
      (type) => `$indexOfArray requires an array as a first argument, found: ${type}`,
    );
    const from = start === undefined ? 0 : toDouble(start);
    const to = end === undefined ? array.length : Math.min(toDouble(end), array.length);
    for (let index = from; index < to; index += 1) {
      if (compareExpressionValues(array[index], search) === 0) return new Int32(index);
    }
    return new Int32(-1);
  },
  $range: (operand, context, evaluate) => {
    const [start, end, step] = evaluateArguments('$range', operand, context, evaluate, [2, 3]);
    const from = requireInteger(
      start,
      34443,
      `$range requires a starting value that can be represented as a 32-bit integer, found value: ${String(start)}`,
    );
    const to = requireInteger(
      end,
      34445,
      `$range requires an ending value that can be represented as a 32-bit integer, found value: ${String(end)}`,
    );
    const increment =
      step === undefined
        ? 1
        : requireInteger(
            step,
            34447,
            '$range requires a step value that can be represented as a 32-bit integer',
          );
    if (increment === 0) throw mongoError(34449, '$range requires a non-zero step value');
    const result: Int32[] = [];
    for (let value = from; increment > 0 ? value < to : value > to; value += increment)
      result.push(new Int32(value));
    return result;
  },
  $objectToArray: (operand, context, evaluate) => {
    const [value] = evaluateArguments('$objectToArray', operand, context, evaluate, 1);
    if (isNullish(value)) return null;
    if (!isPlainObject(value))
      throw mongoError(40390, `$objectToArray requires a document input, found: ${bsonTypeName(value)}`);
    return Object.entries(value).map(([k, v]) => ({ k, v }));
  },
  $arrayToObject: (operand, context, evaluate) => {
    const [value] = evaluateArguments('$arrayToObject', operand, context, evaluate, 1);
    if (isNullish(value)) return null;
    const result: Doc = {};
    for (const entry of requireArray(
      value,
      40386,
      (type) => `$arrayToObject requires an array input, found: ${type}`,
    )) {
      if (Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string')
        result[entry[0]] = entry[1];
      else if (isPlainObject(entry) && typeof entry.k === 'string' && 'v' in entry) result[entry.k] = entry.v;
      else throw mongoError(40398, 'Unrecognised input type format for $arrayToObject');
    }
    return result;
  },
  $setUnion: setOperation('$setUnion', (arrays) => uniqueValues(arrays.flat())),
  $setIntersection: setOperation('$setIntersection', (arrays) =>
    uniqueValues(arrays[0] ?? []).filter((value) => arrays.every((array) => containsValue(array, value))),
  ),
  $setDifference: setOperation('$setDifference', (arrays) =>
    uniqueValues(arrays[0] ?? []).filter((value) => !containsValue(arrays[1] ?? [], value)),
  ),
  $setEquals: setOperation('$setEquals', (arrays) => {
    const [first, ...others] = arrays.map(uniqueValues) as [unknown[], ...unknown[][]];
    return others.every(
      (other) => other.length === first.length && other.every((value) => containsValue(first, value)),
    );
  }),
  $setIsSubset: setOperation('$setIsSubset', (arrays) =>
    (arrays[0] ?? []).every((value) => containsValue(arrays[1] ?? [], value)),
  ),
  $sortArray: (operand, context, evaluate) => {
    const object = objectOperand('$sortArray', operand, ['input', 'sortBy'], ['input', 'sortBy']);
    const input = evaluate(object.input, context);
    if (isNullish(input)) return null;
    const array = requireArray(
      input,
      2942504,
      (type) => `The input argument to $sortArray must be an array, but was of type: ${type}`,
    );
    return [...array].sort(elementComparator(object.sortBy));
  },
  $allElementsTrue: (operand, context, evaluate) => {
    const [value] = evaluateArguments('$allElementsTrue', operand, context, evaluate, 1);
    return requireArray(
      value,
      17040,
      (type) => `$allElementsTrue's argument must be an array, but is ${type}`,
    ).every(isTruthyExpressionValue);
  },
  $anyElementTrue: (operand, context, evaluate) => {
    const [value] = evaluateArguments('$anyElementTrue', operand, context, evaluate, 1);
    return requireArray(
      value,
      17041,
      (type) => `$anyElementTrue's argument must be an array, but is ${type}`,
    ).some(isTruthyExpressionValue);
  },
};
