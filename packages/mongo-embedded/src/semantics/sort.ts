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

/**
 * A comparator for a sort specification: missing sorts with null (lowest), mixed types follow BSON order.
 * Keys are computed once per document (cached weakly) because Array#sort compares each document many times.
 */
export function compileSort(sort: Doc): (a: Doc, b: Doc) => number {
  const fields = parseSort(sort);
  const cache = new WeakMap<Doc, unknown[]>();
  const keysOf = (doc: Doc): unknown[] => {
    let keys = cache.get(doc);
    if (!keys) {
      keys = fields.map((field) => sortKey(doc, field.parts, field.direction));
      cache.set(doc, keys);
    }
    return keys;
  };
  return (a, b) => {
    const keysA = keysOf(a);
    const keysB = keysOf(b);
    for (let position = 0; position < fields.length; position += 1) {
      const order = compareKeys(keysA[position], keysB[position]);
      if (order !== 0) return order * (fields[position] as SortField).direction;
    }
    return 0;
  };
}

/** Stable sort of `docs` by a sort specification (returns a new array). */
export function sortDocuments(docs: Doc[], sort: Doc): Doc[] {
  return [...docs].sort(compileSort(sort));
}
