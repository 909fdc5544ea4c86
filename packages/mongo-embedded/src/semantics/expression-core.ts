import { mongoError } from '../errors';
import { bsonTypeName, canonicalRank, isPlainObject, MISSING, type Doc } from './bson-types';
import { compareValues } from './compare';

/** Evaluation state: `$$CURRENT` is what `$field` paths read; user variables come from `$let`, `$map`, `let`... */
export interface ExpressionContext {
  readonly current: unknown;
  readonly variables: Readonly<Record<string, unknown>>;
}

export type Evaluate = (expression: unknown, context: ExpressionContext) => unknown;
/** An operator receives its raw operand so that it can evaluate lazily ($cond, $filter, $let...). */
export type OperatorImplementation = (
  operand: unknown,
  context: ExpressionContext,
  evaluate: Evaluate,
) => unknown;
export type OperatorTable = Record<string, OperatorImplementation>;

export function withVariables(
  context: ExpressionContext,
  variables: Record<string, unknown>,
): ExpressionContext {
  return { current: context.current, variables: { ...context.variables, ...variables } };
}

/** Operands are given either as an array or, for single-argument operators, as the bare argument. */
export function operandList(operand: unknown): unknown[] {
  return Array.isArray(operand) ? operand : [operand];
}

export function evaluateArguments(
  name: string,
  operand: unknown,
  context: ExpressionContext,
  evaluate: Evaluate,
  arity?: number | [number, number],
): unknown[] {
  const list = operandList(operand);
  if (arity !== undefined) {
    const [min, max] = typeof arity === 'number' ? [arity, arity] : arity;
    if (list.length < min || list.length > max) {
      const expected =
        min === max ? `exactly ${min}` : list.length < min ? `at least ${min}` : `at most ${max}`;
      throw mongoError(
        16020,
        `Expression ${name} takes ${expected} arguments. ${list.length} were passed in.`,
      );
    }
  }
  return list.map((item) => evaluate(item, context));
}

export function isNullish(value: unknown): boolean {
  return value === MISSING || value === null || value === undefined;
}

/** Aggregation comparisons rank a missing value below null (unlike queries, where they are equal). */
export function compareExpressionValues(a: unknown, b: unknown): number {
  const missingA = a === MISSING || a === undefined;
  const missingB = b === MISSING || b === undefined;
  if (missingA || missingB) {
    if (missingA && missingB) return 0;
    const other = missingA ? b : a;
    const otherRank = canonicalRank(bsonTypeName(other));
    const order = otherRank === 1 ? 1 : -1;
    return missingA ? order : -order;
  }
  return compareValues(a, b);
}

export function requireObjectOperand(name: string, operand: unknown): Doc {
  if (!isPlainObject(operand)) throw mongoError(2, `${name} only supports an object as its argument`);
  return operand;
}

/** Fields of an object-form operand; unknown fields are rejected as MongoDB does. */
export function objectOperand(
  name: string,
  operand: unknown,
  allowed: readonly string[],
  required: readonly string[],
): Doc {
  const object = requireObjectOperand(name, operand);
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw mongoError(2, `Unrecognized parameter to ${name}: ${key}`);
  }
  for (const key of required) {
    if (!(key in object)) throw mongoError(2, `Missing '${key}' parameter to ${name}`);
  }
  return object;
}

export function typeNameForMessage(value: unknown): string {
  return bsonTypeName(value);
}
