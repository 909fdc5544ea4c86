import { Int32 } from 'bson';
import { mongoError } from '../errors';
import { cloneValue, isNumeric, isPlainObject, MISSING, type Doc } from './bson-types';
import { compareValues } from './compare';
import { evaluate } from './expression';
import type { ExpressionContext } from './expression-core';
import { addNumbers, divideNumbers } from './numbers';
import { valueKey } from './value-key';

/** Running state of one accumulator for one group. */
interface Accumulator {
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
      if (!isPlainObject(value)) throw mongoError(40400, `$mergeObjects requires object inputs, but input is of type ${typeof value}`);
      Object.assign(merged, value);
    },
    result: () => merged,
  };
}

const ACCUMULATORS: Record<string, () => Accumulator> = {
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

interface AccumulatorSpec {
  field: string;
  operator: string;
  expression: unknown;
}

function parseGroup(spec: Doc): { idExpression: unknown; accumulators: AccumulatorSpec[] } {
  if (!('_id' in spec)) throw mongoError(15955, 'a group specification must include an _id');
  const accumulators: AccumulatorSpec[] = [];
  for (const [field, definition] of Object.entries(spec)) {
    if (field === '_id') continue;
    if (field.includes('.')) throw mongoError(40235, `The field name '${field}' cannot contain '.'`);
    if (!isPlainObject(definition) || Object.keys(definition).length !== 1) {
      throw mongoError(40238, `The field '${field}' must specify one accumulator`);
    }
    const [operator] = Object.keys(definition) as [string];
    if (!(operator in ACCUMULATORS)) throw mongoError(15952, `unknown group operator '${operator}'`);
    let expression = definition[operator];
    if (operator === '$count') {
      if (!isPlainObject(expression) || Object.keys(expression).length > 0) {
        throw mongoError(2, "$count takes no arguments, i.e. $count:{}");
      }
      expression = new Int32(1);
    }
    accumulators.push({ field, operator, expression });
  }
  return { idExpression: spec._id, accumulators };
}

/** `$group`: groups by BSON equality of `_id` (missing groups with null), in first-seen order. */
export function groupStage(docs: Doc[], spec: Doc, contextFor: (doc: Doc) => ExpressionContext): Doc[] {
  const { idExpression, accumulators } = parseGroup(spec);
  const groups = new Map<string, { id: unknown; state: Accumulator[] }>();
  for (const doc of docs) {
    const context = contextFor(doc);
    const idValue = evaluate(idExpression, context);
    const id = idValue === MISSING ? null : idValue;
    const key = valueKey(id);
    let group = groups.get(key);
    if (!group) {
      group = { id, state: accumulators.map((accumulator) => (ACCUMULATORS[accumulator.operator] as () => Accumulator)()) };
      groups.set(key, group);
    }
    accumulators.forEach((accumulator, index) => group.state[index]?.add(evaluate(accumulator.expression, context)));
  }
  return [...groups.values()].map((group) => {
    const output: Doc = { _id: cloneValue(group.id) };
    accumulators.forEach((accumulator, index) => {
      output[accumulator.field] = group.state[index]?.result();
    });
    return output;
  });
}
