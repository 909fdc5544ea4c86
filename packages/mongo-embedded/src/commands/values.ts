import { BSON, type Document } from 'bson';
import { ErrorCodes, MongoServerError, mongoError } from '../errors';
import { MAX_BSON_OBJECT_BYTES } from '../wire/messages';

/** A plain number from a command field that may arrive as Int32, Long, Double or a JS number. */
export function numberOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const tag = (value as { _bsontype?: string })._bsontype;
  if (tag === 'Long') return (value as { toNumber(): number }).toNumber();
  if (tag === 'Int32' || tag === 'Double') return (value as { valueOf(): number }).valueOf();
  return undefined;
}

export function bigintOf(value: unknown): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  const tag = (value as { _bsontype?: string })._bsontype;
  if (tag === 'Long') return (value as { toBigInt(): bigint }).toBigInt();
  const plain = numberOf(value);
  return plain === undefined ? undefined : BigInt(Math.trunc(plain));
}

export function truthy(value: unknown): boolean {
  const plain = numberOf(value);
  return plain !== undefined ? plain !== 0 : Boolean(value);
}

/** The collection name a command names in its first field. */
export function collectionName(command: Document): string {
  const name = command[Object.keys(command)[0]!];
  if (typeof name !== 'string' || name.length === 0) {
    throw mongoError(ErrorCodes.InvalidNamespace, `collection name has invalid type ${typeof name}`);
  }
  return name;
}

export function assertDocumentSize(doc: Document): void {
  const size = BSON.calculateObjectSize(doc);
  if (size > MAX_BSON_OBJECT_BYTES) {
    throw mongoError(
      ErrorCodes.BSONObjectTooLarge,
      `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_OBJECT_BYTES}`,
    );
  }
}

/** The per-statement error entry of a write command's `writeErrors`. */
export function writeErrorEntry(index: number, error: unknown): Document {
  if (!(error instanceof MongoServerError)) throw error;
  return { index, code: error.code, codeName: error.codeName, errmsg: error.message, ...error.extra };
}

/** Errors that abort the whole command instead of being reported per statement. */
export function isCommandLevel(error: unknown): boolean {
  return (
    error instanceof MongoServerError &&
    (error.code === ErrorCodes.WriteConflict || error.code === ErrorCodes.NoSuchTransaction)
  );
}
