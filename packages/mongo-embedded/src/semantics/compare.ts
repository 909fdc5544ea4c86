import type { Binary, BSONRegExp, Code, ObjectId, Timestamp } from 'bson';
import { bsonTypeName, canonicalRank, type Doc } from './bson-types';
import { compareNumbers } from './numbers';

function sign(difference: number): number {
  return difference < 0 ? -1 : difference > 0 ? 1 : 0;
}

/** Strings compare by their UTF-8 bytes (MongoDB's simple collation), which differs from UTF-16 order only above the BMP. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  // Only the first differing code unit matters; UTF-16 and UTF-8 order agree there unless a surrogate is involved.
  const shared = Math.min(a.length, b.length);
  let index = 0;
  while (index < shared && a.charCodeAt(index) === b.charCodeAt(index)) index += 1;
  const unitA = a.charCodeAt(index);
  const unitB = b.charCodeAt(index);
  if (isSurrogate(unitA) || isSurrogate(unitB) || isSurrogate(a.charCodeAt(index - 1))) {
    return sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  }
  if (index === shared) return a.length < b.length ? -1 : 1;
  return unitA < unitB ? -1 : 1;
}

function isSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdfff;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return sign(
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ),
  );
}

function binaryBytes(value: Binary): Uint8Array {
  return value.buffer.subarray(0, value.position);
}

/** BSON objects compare element by element: canonical type, then field name, then value. */
function compareEntries(a: [string, unknown][], b: [string, unknown][], compareNames: boolean): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const [nameA, valueA] = a[index] as [string, unknown];
    const [nameB, valueB] = b[index] as [string, unknown];
    const typeDifference = canonicalRank(bsonTypeName(valueA)) - canonicalRank(bsonTypeName(valueB));
    if (typeDifference !== 0) return sign(typeDifference);
    if (compareNames) {
      const nameDifference = compareStrings(nameA, nameB);
      if (nameDifference !== 0) return nameDifference;
    }
    const valueDifference = compareValues(valueA, valueB);
    if (valueDifference !== 0) return valueDifference;
  }
  return sign(a.length - b.length);
}

/** BSON's total order; missing and undefined compare equal to null. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const typeA = bsonTypeName(a);
  const typeB = bsonTypeName(b);
  const rankDifference = canonicalRank(typeA) - canonicalRank(typeB);
  if (rankDifference !== 0) return sign(rankDifference);
  switch (canonicalRank(typeA)) {
    case 10:
      return compareNumbers(a, b);
    case 15:
      return compareStrings(String(a), String(b));
    case 20:
      return compareEntries(Object.entries(a as Doc), Object.entries(b as Doc), true);
    case 25:
      return compareEntries(
        (a as unknown[]).map((item, index) => [String(index), item]),
        (b as unknown[]).map((item, index) => [String(index), item]),
        false,
      );
    case 30: {
      const binaryA = a as Binary;
      const binaryB = b as Binary;
      return (
        sign(binaryA.position - binaryB.position) ||
        sign(binaryA.sub_type - binaryB.sub_type) ||
        compareBytes(binaryBytes(binaryA), binaryBytes(binaryB))
      );
    }
    case 35:
      return compareStrings((a as ObjectId).toHexString(), (b as ObjectId).toHexString());
    case 40:
      return sign(Number(a) - Number(b));
    case 45:
      return sign((a as Date).getTime() - (b as Date).getTime());
    case 47:
      return sign((a as Timestamp).t - (b as Timestamp).t) || sign((a as Timestamp).i - (b as Timestamp).i);
    case 50:
      return compareStrings(regexPattern(a), regexPattern(b)) || compareStrings(regexFlags(a), regexFlags(b));
    case 60:
    case 65:
      return compareStrings(String((a as Code).code), String((b as Code).code));
    default:
      return 0;
  }
}

export function regexPattern(value: unknown): string {
  return value instanceof RegExp ? value.source : (value as BSONRegExp).pattern;
}

export function regexFlags(value: unknown): string {
  return value instanceof RegExp ? value.flags : (value as BSONRegExp).options;
}

/** BSON equality: 1 == 1.0 == Long(1); embedded documents must match field order and names. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/** Byte-level sameness: like valuesEqual but numeric types must also match (used to detect no-op updates). */
export function valuesIdentical(a: unknown, b: unknown): boolean {
  const type = bsonTypeName(a);
  if (type !== bsonTypeName(b)) return false;
  if (type === 'array') {
    const left = a as unknown[];
    const right = b as unknown[];
    return left.length === right.length && left.every((item, index) => valuesIdentical(item, right[index]));
  }
  if (type === 'object') {
    const left = Object.entries(a as Doc);
    const right = Object.entries(b as Doc);
    return (
      left.length === right.length &&
      left.every(([key, item], index) => {
        const other = right[index] as [string, unknown];
        return other[0] === key && valuesIdentical(item, other[1]);
      })
    );
  }
  if (type === 'double' || type === 'decimal') {
    return compareValues(a, b) === 0 && String(a) === String(b);
  }
  return compareValues(a, b) === 0;
}
