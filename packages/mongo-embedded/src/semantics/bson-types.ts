import { mongoError } from '../errors';

export type Doc = Record<string, unknown>;

/** Marker for "no value at this path" (distinct from null, which is a stored value). */
export const MISSING: unique symbol = Symbol('missing');
export type Maybe<T = unknown> = T | typeof MISSING;

interface BsonTagged {
  _bsontype: string;
}

function bsonTag(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && '_bsontype' in value) {
    return (value as BsonTagged)._bsontype;
  }
  return undefined;
}

export function isPlainObject(value: unknown): value is Doc {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof RegExp) &&
    bsonTag(value) === undefined
  );
}

/** BSON type aliases, as `$type` and `{ $type: <expr> }` report them. */
export function bsonTypeName(value: unknown): string {
  if (value === MISSING) return 'missing';
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 ? 'int' : 'double';
    case 'bigint':
      return 'long';
    case 'function':
      return 'javascript';
    default:
      break;
  }
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  switch (bsonTag(value)) {
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'BSONRegExp':
      return 'regex';
    case 'Timestamp':
      return 'timestamp';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'Code':
      return (value as { scope?: unknown }).scope ? 'javascriptWithScope' : 'javascript';
    case 'BSONSymbol':
      return 'symbol';
    case 'DBPointer':
      return 'dbPointer';
    default:
      return 'object';
  }
}

export const TYPE_NUMBERS: Readonly<Record<string, number>> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

const NUMERIC_TYPES = new Set(['int', 'long', 'double', 'decimal']);

export function isNumeric(value: unknown): boolean {
  return NUMERIC_TYPES.has(bsonTypeName(value));
}

/** Rank of a type in BSON's canonical comparison order; types of equal rank compare by value. */
export function canonicalRank(typeName: string): number {
  switch (typeName) {
    case 'minKey':
      return 1;
    case 'missing':
    case 'undefined':
    case 'null':
      return 5;
    case 'int':
    case 'long':
    case 'double':
    case 'decimal':
      return 10;
    case 'string':
    case 'symbol':
      return 15;
    case 'object':
      return 20;
    case 'array':
      return 25;
    case 'binData':
      return 30;
    case 'objectId':
      return 35;
    case 'bool':
      return 40;
    case 'date':
      return 45;
    case 'timestamp':
      return 47;
    case 'regex':
      return 50;
    case 'dbPointer':
      return 55;
    case 'javascript':
      return 60;
    case 'javascriptWithScope':
      return 65;
    case 'maxKey':
      return 127;
    default:
      return 20;
  }
}

/** Resolves a `$type` argument (alias, number, or 'number') to the set of type names it matches. */
export function typeNamesForSpec(spec: unknown): string[] {
  if (typeof spec === 'string') {
    if (spec === 'number') return [...NUMERIC_TYPES];
    if (spec in TYPE_NUMBERS) return [spec];
    throw mongoError(2, `Unknown type name alias: ${spec}`);
  }
  if (isNumeric(spec)) {
    const code = Number((spec as { valueOf(): unknown }).valueOf());
    const name = Object.keys(TYPE_NUMBERS).find((key) => TYPE_NUMBERS[key] === code);
    if (name === undefined || !Number.isInteger(code))
      throw mongoError(2, `Invalid numerical type code: ${code}`);
    return [name];
  }
  throw mongoError(2, `type must be represented as a number or a string`);
}

export function isRegexValue(value: unknown): boolean {
  return value instanceof RegExp || bsonTag(value) === 'BSONRegExp';
}

export function isOperatorObject(value: unknown): value is Doc {
  if (!isPlainObject(value)) return false;
  const first = Object.keys(value)[0];
  return first !== undefined && first.startsWith('$');
}

/** Deep copy of a document value; BSON class instances are immutable in practice and shared. */
export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => cloneValue(item)) as T;
  if (isPlainObject(value)) {
    const copy: Doc = {};
    for (const [key, item] of Object.entries(value)) copy[key] = cloneValue(item);
    return copy as T;
  }
  return value;
}

export function isTruthyExpressionValue(value: unknown): boolean {
  if (value === MISSING || value === null || value === undefined || value === false) return false;
  if (isNumeric(value)) {
    const tag = bsonTag(value);
    if (tag === 'Decimal128') return !/^-?0(\.0*)?(E[+-]?\d+)?$/i.test(String(value));
    if (tag === 'Long') return !(value as { isZero(): boolean }).isZero();
    return Number((value as { valueOf(): unknown }).valueOf()) !== 0;
  }
  return true;
}
