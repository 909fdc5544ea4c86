import { EJSON, type Document } from 'bson';
import { ErrorCodes, mongoError, type MongoServerError } from '../errors';
import type { IndexStore } from './index-store';

/** Renders a value the way MongoDB prints it inside an E11000 message (`"text"`, `1`, `ObjectId('…')`). */
function formatKeyValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  const tag = (value as { _bsontype?: string })._bsontype;
  if (tag === 'ObjectId') return `ObjectId('${(value as { toHexString(): string }).toHexString()}')`;
  if (tag === 'Int32' || tag === 'Double') return String((value as { valueOf(): number }).valueOf());
  if (tag === 'Long') return (value as { toString(): string }).toString();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return EJSON.stringify(value as Document, { relaxed: true });
}

export function duplicateKeyError(namespace: string, index: IndexStore, key: unknown[]): MongoServerError {
  const keyValue: Document = {};
  index.fields.forEach((field, position) => {
    keyValue[field] = key[position] ?? null;
  });
  const shown = index.fields
    .map((field, position) => `${field}: ${formatKeyValue(key[position])}`)
    .join(', ');
  return mongoError(
    ErrorCodes.DuplicateKey,
    `E11000 duplicate key error collection: ${namespace} index: ${index.spec.name} dup key: { ${shown} }`,
    { keyPattern: index.spec.key, keyValue },
  );
}
