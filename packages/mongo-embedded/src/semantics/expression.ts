import { mongoError } from '../errors';
import { isPlainObject, MISSING, type Doc } from './bson-types';
import { accumulatorOperators } from './expr-accumulators';
import { arithmeticOperators } from './expr-arithmetic';
import { arrayOperators } from './expr-array';
import { dateOperators } from './expr-date';
import { dateMathOperators } from './expr-date-math';
import { logicOperators } from './expr-logic';
import { stringOperators } from './expr-string';
import { typeOperators } from './expr-types';
import type { ExpressionContext, OperatorTable } from './expression-core';
import { invalidPipelineOperator } from './named-errors';

const OPERATORS: OperatorTable = {
  ...arithmeticOperators,
  ...logicOperators,
  ...stringOperators,
  ...arrayOperators,
  ...typeOperators,
  ...dateOperators,
  ...dateMathOperators,
  ...accumulatorOperators,
};

/** Aggregation field paths map over arrays (`$a.b` on `a: [{b: 1}, {b: 2}]` is `[1, 2]`); numeric parts are field names. */
function resolveFieldPath(value: unknown, parts: readonly string[], position = 0): unknown {
  if (position === parts.length) return value;
  if (Array.isArray(value)) {
    const results: unknown[] = [];
    for (const element of value) {
      if (!isPlainObject(element) && !Array.isArray(element)) continue;
      const result = resolveFieldPath(element, parts, position);
      if (result !== MISSING) results.push(result);
    }
    return results;
  }
  if (!isPlainObject(value)) return MISSING;
  const part = parts[position] as string;
  if (!Object.prototype.hasOwnProperty.call(value, part)) return MISSING;
  return resolveFieldPath(value[part], parts, position + 1);
}

function resolveVariable(reference: string, context: ExpressionContext): unknown {
  const [name, ...rest] = reference.split('.') as [string, ...string[]];
  let base: unknown;
  if (name === 'CURRENT') base = context.current;
  else if (name === 'REMOVE') return MISSING;
  else if (Object.prototype.hasOwnProperty.call(context.variables, name)) base = context.variables[name];
  else throw mongoError(17276, `Use of undefined variable: ${name}`);
  return resolveFieldPath(base, rest);
}

function evaluateString(expression: string, context: ExpressionContext): unknown {
  if (!expression.startsWith('$')) return expression;
  if (expression.startsWith('$$')) return resolveVariable(expression.slice(2), context);
  if (expression.length === 1) throw mongoError(16872, "'$' by itself is not a valid FieldPath");
  return resolveFieldPath(context.current, expression.slice(1).split('.'));
}

function evaluateObject(expression: Doc, context: ExpressionContext): unknown {
  const keys = Object.keys(expression);
  const first = keys[0];
  if (first !== undefined && first.startsWith('$')) {
    if (keys.length > 1) {
      throw mongoError(
        15983,
        `An object representing an expression must have exactly one field: ${keys.join(', ')}`,
      );
    }
    const operator = OPERATORS[first];
    if (!operator) throw invalidPipelineOperator(`Unrecognized expression '${first}'`);
    return operator(expression[first], context, evaluate);
  }
  const result: Doc = {};
  for (const key of keys) {
    if (key.startsWith('$'))
      throw mongoError(
        16410,
        `FieldPath field names may not start with '$'. Consider using $getField or $setField.`,
      );
    const value = evaluate(expression[key], context);
    if (value !== MISSING) result[key] = value;
  }
  return result;
}

/** Evaluates an aggregation expression; the result is MISSING when it refers to nothing. */
export function evaluate(expression: unknown, context: ExpressionContext): unknown {
  if (typeof expression === 'string') return evaluateString(expression, context);
  if (Array.isArray(expression)) {
    return expression.map((item) => {
      const value = evaluate(item, context);
      return value === MISSING ? null : value;
    });
  }
  if (isPlainObject(expression)) return evaluateObject(expression, context);
  return expression;
}

export function rootContext(doc: unknown, variables: Record<string, unknown> = {}): ExpressionContext {
  return { current: doc, variables: { ROOT: doc, NOW: new Date(), ...variables } };
}

/** Public form: evaluates `expression` against `doc`; a missing result is reported as `undefined`. */
export function evaluateExpression(
  expression: unknown,
  doc: Doc,
  variables?: Record<string, unknown>,
): unknown {
  const value = evaluate(expression, rootContext(doc, variables));
  return value === MISSING ? undefined : value;
}

export function isExpressionOperator(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(OPERATORS, name);
}
