import type { Binary, Double, Int32, ObjectId, Timestamp } from 'bson';
import { bsonTypeName, isPlainObject, type Doc } from './bson-types';
import { regexFlags, regexPattern } from './compare';
import { exactDecimalFromDouble, parseDecimal, type ExactDecimal } from './decimal';
import { numericKind, toBigInt, toDouble } from './numbers';

function exactNumber(value: unknown): ExactDecimal {
  const kind = numericKind(value);
  if (kind === 'decimal') return parseDecimal(String(value));
  if (kind === 'long') return { kind: 'finite', coefficient: toBigInt(value), exponent: 0 };
  return exactDecimalFromDouble(toDouble(value));
}

/** The key of a safe integer without going through exact decimals: `_id` lookups take this path constantly. */
function integerKey(value: number): string {
  if (value === 0) return '0';
  let coefficient = value;
  let exponent = 0;
  while (coefficient % 10 === 0) {
    coefficient /= 10;
    exponent += 1;
  }
  return `${coefficient}e${exponent}`;
}

function numberKey(value: unknown, type: string): string {
  if (type === 'int' || type === 'double') {
    const plain = typeof value === 'number' ? value : Number((value as Int32 | Double).valueOf());
    if (Number.isSafeInteger(plain)) return integerKey(plain);
  }
  const exact = exactNumber(value);
  if (exact.kind === 'nan') return 'NaN';
  if (exact.kind === 'infinity') return exact.negative ? '-Inf' : 'Inf';
  let { coefficient, exponent } = exact;
  if (coefficient === 0n) return '0';
  while (coefficient % 10n === 0n) {
    coefficient /= 10n;
    exponent += 1;
  }
  return `${coefficient}e${exponent}`;
}

/**
 * A string that is equal for exactly the values BSON equality considers equal (1, 1.0 and Long(1) share a key),
 * so that `$group`, `$addToSet` and `distinct` can hash instead of comparing pairwise.
 */
export function valueKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(valueKey).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value as Doc)
      .map(([key, item]) => `${JSON.stringify(key)}:${valueKey(item)}`)
      .join(',')}}`;
  }
  const type = bsonTypeName(value);
  switch (type) {
    case 'missing':
    case 'undefined':
    case 'null':
      return 'null';
    case 'int':
    case 'long':
    case 'double':
    case 'decimal':
      return `n:${numberKey(value, type)}`;
    case 'string':
    case 'symbol':
      return `s:${JSON.stringify(String(value))}`;
    case 'date':
      return `d:${(value as Date).getTime()}`;
    case 'objectId':
      return `o:${(value as ObjectId).toHexString()}`;
    case 'bool':
      return `b:${String(value)}`;
    case 'regex':
      return `r:${JSON.stringify([regexPattern(value), regexFlags(value)])}`;
    case 'timestamp':
      return `t:${(value as Timestamp).t}:${(value as Timestamp).i}`;
    case 'binData':
      return `x:${(value as Binary).sub_type}:${Buffer.from((value as Binary).buffer.subarray(0, (value as Binary).position)).toString('hex')}`;
    default:
      return `${type}:${String(value)}`;
  }
}
