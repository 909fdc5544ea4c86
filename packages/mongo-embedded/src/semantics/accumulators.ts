import { Double, Int32 } from 'bson';
import { mongoError } from '../errors';
import { isNumeric, isPlainObject, MISSING, type Doc } from './bson-types';
import { compareValues } from './compare';
import { addNumbers, divideNumbers, toDouble } from './numbers';
import { valueKey } from './value-key';

/** Running state of one accumulator for one group. */
export interface Accumulator {
  add(value: unknown): void;
  result(): unknown;
}

function sum(): Accumulator {
  let total: unknown = new Int32(0);
  return {
    add: (value) => {
      if (isNumeric(value)) total = addNumbers(total, value);
    },
    result: () => total,
  };
}

function average(): Accumulator {
  let total: unknown = new Int32(0);
  let count = 0;
  return {
    add: (value) => {
      if (!isNumeric(value)) return;
      total = addNumbers(total, value);
      count += 1;
    },
    result: () => {
      return count === 0 ? null : divideNumbers(total, new Int32(count));
    },
  };
}

function extreme(keep: (order: number) => boolean): Accumulator {
  let best: unknown = MISSING;
  return {
    add: (value) => {
      if (value === MISSING || value === null || value === undefined) return;
      if (best === MISSING || keep(compareValues(value, best))) best = value;
    },
    result: () => (best === MISSING ? null : best),
  };
}

function first(): Accumulator {
  let seen = false;
  let value: unknown = null;
  return {
    add: (next) => {
      if (seen) return;
      seen = true;
      value = next === MISSING ? null : next;
    },
    result: () => value,
  };
}

function last(): Accumulator {
  let value: unknown = null;
  return {
    add: (next) => {
      value = next === MISSING ? null : next;
    },
    result: () => value,
  };
}

function push(): Accumulator {
  const values: unknown[] = [];
  return {
    add: (value) => {
      if (value !== MISSING) values.push(value);
    },
    result: () => values,
  };
}

function addToSet(): Accumulator {
  const values = new Map<string, unknown>();
  return {
    add: (value) => {
      if (value === MISSING) return;
      const key = valueKey(value);
      if (!values.has(key)) values.set(key, value);
    },
    result: () => [...values.values()],
  };
}

function mergeObjects(): Accumulator {
  const merged: Doc = {};
  return {
    add: (value) => {
      if (value === MISSING || value === null) return;
      if (!isPlainObject(value))
        throw mongoError(40400, `$mergeObjects requires object inputs, but input is of type ${typeof value}`);
      Object.assign(merged, value);
    },
    result: () => merged,
  };
}

/** Welford's running variance over numeric inputs; population or sample standard deviation as a double. */
function standardDeviation(sample: boolean): Accumulator {
  let count = 0;
  let mean = 0;
  let squares = 0;
  return {
    add: (value) => {
      if (!isNumeric(value)) return;
      const number = toDouble(value);
      count += 1;
      const delta = number - mean;
      mean += delta / count;
      squares += delta * (number - mean);
    },
    result: () => {
      const divisor = sample ? count - 1 : count;
      return divisor <= 0 ? null : new Double(Math.sqrt(squares / divisor));
    },
  };
}

export const ACCUMULATORS: Record<string, () => Accumulator> = {
  $stdDevPop: () => standardDeviation(false),
  $stdDevSamp: () => standardDeviation(true),
  $sum: sum,
  $avg: average,
  $min: () => extreme((order) => order < 0),
  $max: () => extreme((order) => order > 0),
  $first: first,
  $last: last,
  $push: push,
  $addToSet: addToSet,
  $mergeObjects: mergeObjects,
  $count: sum,
};
