import { mongoError } from '../errors';
import { bsonTypeName, cloneValue, isPlainObject, MISSING, type Doc } from './bson-types';
import { valuesIdentical } from './compare';
import { formatField } from './format';
import { isArrayIndex, splitPath } from './paths';
import { runUpdatePipeline } from './pipeline';
import { UPDATE_OPERATORS, type OperatorContext } from './update-operators';
import { parseArrayFilters, resolvePaths, type PathResolution } from './update-paths';

export interface UpdateOptions {
  isInsert: boolean;
  arrayFilters?: Doc[];
  query?: Doc;
  now: Date;
}

export interface UpdateResult {
  doc: Doc;
  modified: boolean;
}

interface Modification {
  operator: string;
  path: string;
  parts: string[];
  argument: unknown;
  /** `$rename` writes its value under `to`. */
  renameTo?: string[];
}

function validatePath(path: string): string[] {
  if (path === '') throw mongoError(56, 'An empty update path is not valid.');
  const parts = splitPath(path);
  if (parts.some((part) => part === '')) {
    throw mongoError(56, `The update path '${path}' contains an empty field name, which is not allowed.`);
  }
  return parts;
}

function isPrefix(shorter: readonly string[], longer: readonly string[]): boolean {
  return shorter.length <= longer.length && shorter.every((part, index) => longer[index] === part);
}

function collectModifications(update: Doc): Modification[] {
  const modifications: Modification[] = [];
  const seen: string[][] = [];
  const claim = (parts: string[], path: string) => {
    for (const other of seen) {
      const shorter = other.length <= parts.length ? other : parts;
      if (isPrefix(other, parts) || isPrefix(parts, other)) {
        throw mongoError(40, `Updating the path '${path}' would create a conflict at '${shorter.join('.')}'`);
      }
    }
    seen.push(parts);
  };
  for (const [operator, fields] of Object.entries(update)) {
    if (!operator.startsWith('$')) {
      throw mongoError(
        9,
        `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!(operator in UPDATE_OPERATORS) && operator !== '$rename') {
      throw mongoError(
        9,
        `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(fields)) {
      throw mongoError(
        9,
        `Modifiers operate on fields but we found type ${bsonTypeName(fields)} instead. For example: {$mod: {<field>: ...}} not {${operator}: ${String(fields)}}`,
      );
    }
    for (const [path, argument] of Object.entries(fields)) {
      const parts = validatePath(path);
      if (operator === '$rename') {
        if (typeof argument !== 'string') {
          throw mongoError(2, `The 'to' field for $rename must be a string: ${path}: ${String(argument)}`);
        }
        if (argument === path)
          throw mongoError(2, `The source and target field for $rename must differ: ${path}: "${argument}"`);
        const target = validatePath(argument);
        if ([...parts, ...target].some((part) => part.startsWith('$'))) {
          throw mongoError(2, `The source field for $rename may not be dynamic: ${path}`);
        }
        claim(parts, path);
        claim(target, argument);
        modifications.push({ operator, path, parts, argument, renameTo: target });
      } else {
        claim(parts, path);
        modifications.push({ operator, path, parts, argument });
      }
    }
  }
  return modifications;
}

/** MongoDB 5.0+ applies updates in field-name order (numeric names numerically), so new fields append in that order. */
function comparePaths(a: readonly string[], b: readonly string[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    const x = a[index] as string;
    const y = b[index] as string;
    if (x === y) continue;
    if (isArrayIndex(x) && isArrayIndex(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function applyRename(context: OperatorContext, modification: Modification): void {
  const source = modification.parts;
  let current: unknown = context.doc;
  for (const part of source) {
    if (Array.isArray(current)) {
      throw mongoError(
        2,
        `The source field cannot be an array element, '${modification.path}' in doc with ${formatField(source[0] as string, context.doc[source[0] as string])} has an array field called '${part}'`,
      );
    }
    current =
      isPlainObject(current) && Object.prototype.hasOwnProperty.call(current, part) ? current[part] : MISSING;
    if (current === MISSING) return;
  }
  UPDATE_OPERATORS.$unset?.(context, source, undefined, modification.path);
  const target = modification.renameTo as string[];
  UPDATE_OPERATORS.$unset?.(context, target, undefined, modification.argument as string);
  UPDATE_OPERATORS.$set?.(context, target, current, modification.argument as string);
}

function applyOperators(original: Doc, update: Doc, options: UpdateOptions): Doc {
  const modifications = collectModifications(update);
  const doc = cloneValue(original);
  const resolution: PathResolution = {
    doc,
    original,
    query: options.query,
    arrayFilters: parseArrayFilters(options.arrayFilters),
    usedFilters: new Set(),
  };
  const context: OperatorContext = { doc, original, isInsert: options.isInsert, now: options.now };
  const concrete = modifications.flatMap((modification) =>
    modification.operator === '$rename'
      ? [{ modification, parts: modification.parts }]
      : resolvePaths(resolution, modification.parts, modification.path).map((parts) => ({
          modification,
          parts,
        })),
  );
  concrete.sort((a, b) => comparePaths(a.parts, b.parts));
  for (const { modification, parts } of concrete) {
    if (modification.operator === '$rename') applyRename(context, modification);
    else UPDATE_OPERATORS[modification.operator]?.(context, parts, modification.argument, modification.path);
  }
  for (const identifier of resolution.arrayFilters.keys()) {
    if (!resolution.usedFilters.has(identifier)) {
      throw mongoError(
        9,
        `The array filter for identifier '${identifier}' was not used in the update ${JSON.stringify(update)}`,
      );
    }
  }
  return doc;
}

function applyReplacement(original: Doc, replacement: Doc): Doc {
  const result: Doc = {};
  if ('_id' in original) result._id = original._id;
  else if ('_id' in replacement) result._id = cloneValue(replacement._id);
  for (const [key, value] of Object.entries(replacement)) {
    if (key === '_id') continue;
    if (key.startsWith('$')) {
      throw mongoError(
        52,
        `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
    result[key] = cloneValue(value);
  }
  if ('_id' in original && '_id' in replacement && !valuesIdentical(original._id, replacement._id)) {
    throw mongoError(
      66,
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${String(replacement._id)}`,
    );
  }
  return result;
}

/**
 * Applies an operator update, a replacement document, or an update pipeline to `doc` without mutating it.
 * `modified` is false when the result is byte-for-byte what was stored (MongoDB's nModified).
 */
export function applyUpdate(doc: Doc, update: Doc | Doc[], options: UpdateOptions): UpdateResult {
  let result: Doc;
  if (Array.isArray(update)) result = runUpdatePipeline(doc, update, options.now);
  else if (!isPlainObject(update))
    throw mongoError(9, 'Update argument must be either an object or an array');
  else if (Object.keys(update)[0]?.startsWith('$')) result = applyOperators(doc, update, options);
  else result = applyReplacement(doc, update);
  if (
    !options.isInsert &&
    '_id' in doc &&
    !valuesIdentical(doc._id, result._id === undefined ? MISSING : result._id)
  ) {
    throw mongoError(66, "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return { doc: result, modified: !valuesIdentical(doc, result) };
}
