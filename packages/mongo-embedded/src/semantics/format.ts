import type { Binary, BSONRegExp, ObjectId, Timestamp } from 'bson';
import { bsonTypeName, isPlainObject, type Doc } from './bson-types';
import { toDouble } from './numbers';

/** Renders a value the way MongoDB's error messages print BSON (`{ a: 1 }`, `[ 1, 2 ]`, `"text"`). */
export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[ ${value.map(formatValue).join(', ')} ]`;
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    return entries.length === 0
      ? '{}'
      : `{ ${entries.map(([key, item]) => `${key}: ${formatValue(item)}`).join(', ')} }`;
  }
  switch (bsonTypeName(value)) {
    case 'string':
      return JSON.stringify(value);
    case 'objectId':
      return `ObjectId('${(value as ObjectId).toHexString()}')`;
    case 'date':
      return `new Date(${(value as Date).getTime()})`;
    case 'double': {
      const number = toDouble(value);
      return Number.isInteger(number) ? `${number}.0` : String(number);
    }
    case 'long':
      return String(value);
    case 'decimal':
      return `NumberDecimal("${String(value)}")`;
    case 'regex':
      return `/${(value as BSONRegExp).pattern}/${(value as BSONRegExp).options}`;
    case 'timestamp':
      return `Timestamp(${(value as Timestamp).t}, ${(value as Timestamp).i})`;
    case 'binData':
      return `BinData(${(value as Binary).sub_type}, ${Buffer.from((value as Binary).buffer)
        .toString('hex')
        .toUpperCase()})`;
    case 'minKey':
      return 'MinKey';
    case 'maxKey':
      return 'MaxKey';
    default:
      return String(value);
  }
}

/** `{_id: 1}`-style rendering of a single field, as used by update error messages. */
export function formatField(name: string, value: unknown): string {
  return `{${name}: ${formatValue(value)}}`;
}

export function formatIdOf(doc: Doc): string {
  return '_id' in doc ? formatField('_id', doc._id) : '{}';
}
