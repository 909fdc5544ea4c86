import { isOperatorObject, isPlainObject, MISSING, type Doc } from './bson-types';
import { evaluate } from './expression';
import type { ExpressionContext } from './expression-core';

/** Sets `parts` in a copy of `target` (copying only the containers on the way); MISSING removes the field. */
export function setField(target: Doc, parts: readonly string[], value: unknown): Doc {
  const [head, ...rest] = parts as [string, ...string[]];
  const result: Doc = { ...target };
  if (rest.length === 0) {
    if (value === MISSING) delete result[head];
    else result[head] = value;
    return result;
  }
  const child = target[head];
  if (Array.isArray(child)) {
    result[head] = child.map((element) => setField(isPlainObject(element) ? element : {}, rest, value));
  } else {
    result[head] = setField(isPlainObject(child) ? child : {}, rest, value);
  }
  return result;
}

/** `$addFields`/`$set`: nested literal documents merge into existing embedded documents, dotted paths reach into arrays. */
export function addFields(
  doc: Doc,
  spec: Doc,
  context: ExpressionContext,
  prefix: readonly string[] = [],
): Doc {
  let result = doc;
  for (const [key, expression] of Object.entries(spec)) {
    const parts = [...prefix, ...key.split('.')];
    if (isPlainObject(expression) && !isOperatorObject(expression) && Object.keys(expression).length > 0) {
      result = addFields(result, expression, context, parts);
    } else {
      result = setField(result, parts, evaluate(expression, context));
    }
  }
  return result;
}
