import { mongoError } from '../errors';
import { isNumeric, isPlainObject, MISSING, type Doc } from './bson-types';
import { compareValues } from './compare';
import { toDouble } from './numbers';
import { leafValues, splitPath } from './paths';

/** An empty array sorts below null and missing (MongoDB treats it as `undefined` in sort keys). */
const EMPTY_ARRAY_KEY = Symbol('emptyArray');

function compareKeys(a: unknown, b: unknown): number {
  if (a === EMPTY_ARRAY_KEY || b === EMPTY_ARRAY_KEY) {
    if (a === b) return 0;
    return a === EMPTY_ARRAY_KEY ? -1 : 1;
  }
  return compareValues(a, b);
}

/** The sort key of one path: arrays contribute their smallest element ascending and largest descending. */
export function sortKey(doc: Doc, parts: readonly string[], direction: 1 | -1): unknown {
  const candidates: unknown[] = [];
  for (const leaf of leafValues(doc, parts)) {
    if (leaf === MISSING) candidates.push(null);
    else if (Array.isArray(leaf)) candidates.push(...(leaf.length === 0 ? [EMPTY_ARRAY_KEY] : leaf));
    else candidates.push(leaf);
  }
  let best: unknown = candidates[0] ?? null;
  for (const candidate of candidates.slice(1)) {
    if (compareKeys(candidate, best) * direction < 0) best = candidate;
  }
  return best;
}

function parseDirection(path: string, value: unknown): 1 | -1 {
  if (isNumeric(value)) {
    const number = toDouble(value);
    if (number === 1 || number === -1) return number;
    throw mongoError(15975, '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
  }
  if (isPlainObject(value) && '$meta' in value) {
    throw mongoError(17312, `$meta sort by '${String(value.$meta)}' is not supported by this engine`);
  }
  throw mongoError(15974, `Illegal key in $sort specification: ${path}: ${JSON.stringify(value)}`);
}

export interface SortField {
  parts: readonly string[];
  direction: 1 | -1;
}

export function parseSort(sort: Doc): SortField[] {
  if (!isPlainObject(sort)) throw mongoError(2, 'Expected field sort to be of type object');
  return Object.entries(sort).map(([path, value]) => {
    if (path === '') throw mongoError(2, 'FieldPath cannot be constructed with empty string');
    return { parts: splitPath(path), direction: parseDirection(path, value) };
  });
}

/** A comparator for a sort specification: missing sorts with null (lowest), mixed types follow BSON order. */
export function compileSort(sort: Doc): (a: Doc, b: Doc) => number {
  const fields = parseSort(sort);
  return (a, b) => {
    for (const { parts, direction } of fields) {
      const order = compareKeys(sortKey(a, parts, direction), sortKey(b, parts, direction));
      if (order !== 0) return order * direction;
    }
    return 0;
  };
}

/** Sorts precomputing keys once per document (the comparator alone would recompute them per comparison). */
export function sortDocuments(docs: Doc[], sort: Doc): Doc[] {
  const fields = parseSort(sort);
  const keyed = docs.map((doc, index) => ({ doc, index, keys: fields.map((field) => sortKey(doc, field.parts, field.direction)) }));
  keyed.sort((left, right) => {
    for (let position = 0; position < fields.length; position += 1) {
      const order = compareKeys(left.keys[position], right.keys[position]);
      if (order !== 0) return order * (fields[position] as SortField).direction;
    }
    return left.index - right.index;
  });
  return keyed.map((entry) => entry.doc);
}
