import { mongoError } from '../errors';
import { isNumeric, isPlainObject, MISSING, type Doc } from './bson-types';
import { evaluate, rootContext } from './expression';
import type { ExpressionContext } from './expression-core';
import { compileFilter, compileFieldMatcher } from './filter';
import { toDouble } from './numbers';
import {
  parseProjection,
  type ParsedProjection,
  type ProjectionLeaf,
  type ProjectionNode,
} from './projection-tree';
import { positionalIndex } from './update-paths';

interface ApplyContext {
  expressions: ExpressionContext;
  root: Doc;
  query: Doc | undefined;
}

function sliceArray(value: unknown, argument: unknown): unknown {
  if (!Array.isArray(value)) return value;
  if (isNumeric(argument)) {
    const count = toDouble(argument);
    return count >= 0 ? value.slice(0, count) : value.slice(Math.max(value.length + count, 0));
  }
  const [skipValue, limitValue] = argument as [unknown, unknown];
  const skip = toDouble(skipValue);
  const limit = toDouble(limitValue);
  if (!(limit > 0))
    throw mongoError(
      28724,
      'Invalid $slice syntax. The given syntax did not match the find() syntax because :: Location31143: $slice limit must be positive',
    );
  const start = skip >= 0 ? Math.min(skip, value.length) : Math.max(value.length + skip, 0);
  return value.slice(start, start + limit);
}

function firstElemMatch(value: unknown, argument: Doc): unknown {
  if (!Array.isArray(value)) return MISSING;
  const keys = Object.keys(argument);
  const valueMode =
    keys.length > 0 &&
    keys.every((key) => key.startsWith('$') && !['$and', '$or', '$nor', '$expr'].includes(key));
  const test = valueMode
    ? (
        (matcher) => (element: unknown) =>
          matcher([element])
      )(compileFieldMatcher(argument))
    : (
        (predicate) => (element: unknown) =>
          isPlainObject(element) && predicate(element)
      )(compileFilter(argument));
  const match = value.find(test);
  return match === undefined ? MISSING : [match];
}

function hasExpressions(node: ProjectionNode): boolean {
  return [...node.children.values()].some(
    (child) => child.kind === 'expression' || (child.kind === 'node' && hasExpressions(child)),
  );
}

function includeValue(node: ProjectionNode, value: unknown, path: string[], context: ApplyContext): unknown {
  if (isPlainObject(value)) return includeNode(node, value, path, context);
  if (Array.isArray(value)) {
    return value.flatMap((element) => {
      const projected = includeValue(node, element, path, context);
      return projected === MISSING || (!isPlainObject(element) && !Array.isArray(element)) ? [] : [projected];
    });
  }
  return hasExpressions(node) ? includeNode(node, {}, path, context) : MISSING;
}

function includedLeaf(leaf: ProjectionLeaf, value: unknown, path: string[], context: ApplyContext): unknown {
  switch (leaf.kind) {
    case 'include':
      return value;
    case 'slice':
      return sliceArray(value, leaf.argument);
    case 'elemMatch':
      return firstElemMatch(value, leaf.argument);
    case 'positional': {
      if (!Array.isArray(value)) return value;
      let index: number;
      try {
        index = positionalIndex(context.root, path, context.query);
      } catch {
        throw mongoError(
          2,
          "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array",
        );
      }
      return value.slice(index, index + 1);
    }
    default:
      return MISSING;
  }
}

function includeNode(node: ProjectionNode, doc: Doc, path: string[], context: ApplyContext): Doc {
  const result: Doc = {};
  for (const [key, value] of Object.entries(doc)) {
    const child = node.children.get(key);
    if (!child || child.kind === 'expression' || child.kind === 'exclude') continue;
    const projected =
      child.kind === 'node'
        ? includeValue(child, value, [...path, key], context)
        : includedLeaf(child, value, [...path, key], context);
    if (projected !== MISSING) result[key] = projected;
  }
  for (const [key, child] of node.children) {
    if (child.kind === 'expression') {
      const value = evaluate(child.expression, context.expressions);
      if (value !== MISSING) result[key] = value;
    } else if (child.kind === 'node' && !(key in doc) && hasExpressions(child)) {
      result[key] = includeNode(child, {}, [...path, key], context);
    }
  }
  return result;
}

function excludeValue(node: ProjectionNode, value: unknown, context: ApplyContext): unknown {
  if (isPlainObject(value)) return excludeNode(node, value, context);
  if (Array.isArray(value)) return value.map((element) => excludeValue(node, element, context));
  return value;
}

function excludeNode(node: ProjectionNode, doc: Doc, context: ApplyContext): Doc {
  const result: Doc = {};
  for (const [key, value] of Object.entries(doc)) {
    const child = node.children.get(key);
    if (!child) result[key] = value;
    else if (child.kind === 'node') result[key] = excludeValue(child, value, context);
    else if (child.kind === 'slice') result[key] = sliceArray(value, child.argument);
  }
  return result;
}

export function projectDocument(doc: Doc, parsed: ParsedProjection, context: ApplyContext): Doc {
  return parsed.inclusion
    ? includeNode(parsed.root, doc, [], context)
    : excludeNode(parsed.root, doc, context);
}

export function projectionContext(
  doc: Doc,
  query: Doc | undefined,
  variables?: Record<string, unknown>,
): ApplyContext {
  return { expressions: rootContext(doc, variables), root: doc, query };
}

/** Parses a find projection once (validating it) and returns the function that applies it to each result. */
export function compileProjection(projection: Doc | undefined, query?: Doc): (doc: Doc) => Doc {
  if (projection === undefined || Object.keys(projection).length === 0) return (doc) => doc;
  const parsed = parseProjection(projection, 'find');
  return (doc) => projectDocument(doc, parsed, projectionContext(doc, query));
}

/** Applies a find projection (MongoDB 4.4+ rules: inclusion/exclusion, `_id`, dotted paths, `$slice`, `$elemMatch`, `field.$`, expressions). */
export function applyProjection(doc: Doc, projection: Doc | undefined, query?: Doc): Doc {
  return compileProjection(projection, query)(doc);
}
