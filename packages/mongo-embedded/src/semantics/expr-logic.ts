import { Int32 } from 'bson';
import { mongoError } from '../errors';
import { isPlainObject, isTruthyExpressionValue, MISSING, type Doc } from './bson-types';
import {
  compareExpressionValues,
  evaluateArguments,
  isNullish,
  objectOperand,
  withVariables,
  type OperatorImplementation,
  type OperatorTable,
} from './expression-core';

function comparison(name: string, accept: (order: number) => boolean): OperatorImplementation {
  return (operand, context, evaluate) => {
    const [left, right] = evaluateArguments(name, operand, context, evaluate, 2);
    return accept(compareExpressionValues(left, right));
  };
}

const condition: OperatorImplementation = (operand, context, evaluate) => {
  let parts: [unknown, unknown, unknown];
  if (Array.isArray(operand)) {
    if (operand.length !== 3) {
      throw mongoError(
        16020,
        `Expression $cond takes exactly 3 arguments. ${operand.length} were passed in.`,
      );
    }
    parts = operand as [unknown, unknown, unknown];
  } else {
    const object = objectOperand('$cond', operand, ['if', 'then', 'else'], []);
    for (const key of ['if', 'then', 'else']) {
      if (!(key in object)) throw mongoError(17080, `Missing '${key}' parameter to $cond`);
    }
    parts = [object.if, object.then, object.else];
  }
  return isTruthyExpressionValue(evaluate(parts[0], context))
    ? evaluate(parts[1], context)
    : evaluate(parts[2], context);
};

const switchOperator: OperatorImplementation = (operand, context, evaluate) => {
  const object = objectOperand('$switch', operand, ['branches', 'default'], []);
  if (!Array.isArray(object.branches)) throw mongoError(40061, "$switch expected an array for 'branches'");
  for (const branch of object.branches) {
    if (!isPlainObject(branch)) throw mongoError(40062, '$switch expected each branch to be an object');
    if (!('case' in branch)) throw mongoError(40064, "$switch requires each branch have a 'case' expression");
    if (!('then' in branch))
      throw mongoError(40065, "$switch requires each branch have a 'then' expression.");
    if (isTruthyExpressionValue(evaluate(branch.case, context))) return evaluate(branch.then, context);
  }
  if (!('default' in object)) {
    throw mongoError(
      40066,
      '$switch could not find a matching branch for an input, and no default was specified.',
    );
  }
  return evaluate(object.default, context);
};

const letOperator: OperatorImplementation = (operand, context, evaluate) => {
  const object = objectOperand('$let', operand, ['vars', 'in'], ['vars', 'in']);
  if (!isPlainObject(object.vars)) throw mongoError(10255, 'invalid parameter: expected an object (vars)');
  const bindings: Record<string, unknown> = {};
  for (const [name, expression] of Object.entries(object.vars))
    bindings[name] = evaluate(expression, context);
  return evaluate(object.in, withVariables(context, bindings));
};

const getField: OperatorImplementation = (operand, context, evaluate) => {
  const object =
    isPlainObject(operand) && 'field' in operand ? operand : { field: operand, input: '$$CURRENT' };
  const field = evaluate(object.field, context);
  if (typeof field !== 'string')
    throw mongoError(5654602, "$getField requires 'field' to evaluate to type String");
  const input = evaluate('input' in object ? object.input : '$$CURRENT', context);
  if (isNullish(input)) return null;
  if (!isPlainObject(input)) return MISSING;
  return Object.prototype.hasOwnProperty.call(input, field) ? input[field] : MISSING;
};

const mergeObjects: OperatorImplementation = (operand, context, evaluate) => {
  const merged: Doc = {};
  for (const value of evaluateArguments('$mergeObjects', operand, context, evaluate)) {
    if (isNullish(value)) continue;
    if (!isPlainObject(value))
      throw mongoError(40400, `$mergeObjects requires object inputs, but input is of type ${typeof value}`);
    for (const [key, item] of Object.entries(value)) merged[key] = item;
  }
  return merged;
};

export const logicOperators: OperatorTable = {
  $eq: comparison('$eq', (order) => order === 0),
  $ne: comparison('$ne', (order) => order !== 0),
  $gt: comparison('$gt', (order) => order > 0),
  $gte: comparison('$gte', (order) => order >= 0),
  $lt: comparison('$lt', (order) => order < 0),
  $lte: comparison('$lte', (order) => order <= 0),
  $cmp: (operand, context, evaluate) => {
    const [left, right] = evaluateArguments('$cmp', operand, context, evaluate, 2);
    return new Int32(Math.sign(compareExpressionValues(left, right)));
  },
  $and: (operand, context, evaluate) =>
    (Array.isArray(operand) ? operand : [operand]).every((item) =>
      isTruthyExpressionValue(evaluate(item, context)),
    ),
  $or: (operand, context, evaluate) =>
    (Array.isArray(operand) ? operand : [operand]).some((item) =>
      isTruthyExpressionValue(evaluate(item, context)),
    ),
  $not: (operand, context, evaluate) =>
    !isTruthyExpressionValue(evaluateArguments('$not', operand, context, evaluate, 1)[0]),
  $cond: condition,
  $ifNull: (operand, context, evaluate) => {
    const list = Array.isArray(operand) ? operand : [operand];
    if (list.length < 2)
      throw mongoError(
        16020,
        `Expression $ifNull takes at least 2 arguments. ${list.length} were passed in.`,
      );
    for (const item of list.slice(0, -1)) {
      const value = evaluate(item, context);
      if (!isNullish(value)) return value;
    }
    return evaluate(list[list.length - 1], context);
  },
  $switch: switchOperator,
  $literal: (operand) => operand,
  $let: letOperator,
  $getField: getField,
  $mergeObjects: mergeObjects,
};
