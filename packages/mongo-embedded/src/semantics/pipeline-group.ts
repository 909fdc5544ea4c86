import { Int32 } from 'bson';
import { mongoError } from '../errors';
import { ACCUMULATORS, type Accumulator } from './accumulators';
import { cloneValue, isPlainObject, MISSING, type Doc } from './bson-types';
import { evaluate } from './expression';
import type { ExpressionContext } from './expression-core';
import { valueKey } from './value-key';

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
        throw mongoError(2, '$count takes no arguments, i.e. $count:{}');
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
      group = {
        id,
        state: accumulators.map((accumulator) => (ACCUMULATORS[accumulator.operator] as () => Accumulator)()),
      };
      groups.set(key, group);
    }
    accumulators.forEach((accumulator, index) =>
      group.state[index]?.add(evaluate(accumulator.expression, context)),
    );
  }
  return [...groups.values()].map((group) => {
    const output: Doc = { _id: cloneValue(group.id) };
    accumulators.forEach((accumulator, index) => {
      output[accumulator.field] = group.state[index]?.result();
    });
    return output;
  });
}
