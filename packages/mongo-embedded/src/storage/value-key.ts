import { EJSON } from 'bson';

interface BsonTagged {
  _bsontype?: string;
}

function numericKey(value: unknown): string | undefined {
  if (typeof value === 'number') return canonicalNumber(value);
  const tag = (value as BsonTagged | null)?._bsontype;
  if (tag === 'Int32' || tag === 'Double') return canonicalNumber((value as { valueOf(): number }).valueOf());
  if (tag === 'Long') return `n:${(value as { toString(): string }).toString()}`;
  if (tag === 'Decimal128') {
    const asNumber = Number((value as { toString(): string }).toString());
    return Number.isFinite(asNumber) ? canonicalNumber(asNumber) : `n:${asNumber}`;
  }
  return undefined;
}

function canonicalNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return `n:${BigInt(value).toString()}`;
  return `n:${Object.is(value, -0) ? 0 : value}`;
}

/**
 * A string that is equal for two BSON values exactly when MongoDB treats them as the same `_id`: numbers of
 * different types compare numerically (1, 1.0 and NumberLong(1) collide), everything else by type and content.
 */
export function valueKey(value: unknown): string {
  if (typeof value === 'string') return `s:${value}`;
  const numeric = numericKey(value);
  if (numeric !== undefined) return numeric;
  if (value instanceof Date) return `d:${value.getTime()}`;
  const tag = (value as BsonTagged | null)?._bsontype;
  if (tag === 'ObjectId') return `o:${(value as { toHexString(): string }).toHexString()}`;
  if (value === null || value === undefined) return 'z:null';
  if (typeof value === 'boolean') return `b:${value}`;
  return `x:${EJSON.stringify(value as Record<string, unknown>, { relaxed: false })}`;
}
