import { Decimal128, Double, Int32, Long } from 'bson';
import { bsonTypeName } from './bson-types';
import {
  addDecimals,
  compareDecimals,
  decimalFromBigInt,
  decimalFromDouble,
  divideDecimals,
  exactDecimalFromDouble,
  multiplyDecimals,
  negateDecimal,
  parseDecimal,
  toDecimal128,
  type ExactDecimal,
} from './decimal';

export type NumericKind = 'int' | 'long' | 'double' | 'decimal';

const KIND_RANK: Record<NumericKind, number> = { int: 0, long: 1, double: 2, decimal: 3 };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function numericKind(value: unknown): NumericKind | undefined {
  const name = bsonTypeName(value);
  return name === 'int' || name === 'long' || name === 'double' || name === 'decimal' ? name : undefined;
}

export function toDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const kind = numericKind(value);
  if (kind === 'long') return Number(BigInt((value as Long).toString()));
  if (kind === 'decimal') return Number.parseFloat(String(value));
  if (kind !== undefined) return Number((value as Int32 | Double).valueOf());
  return Number.NaN;
}

export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (numericKind(value) === 'long') return BigInt((value as Long).toString());
  return BigInt(Math.trunc(toDouble(value)));
}

function exactDecimal(value: unknown, forArithmetic: boolean): ExactDecimal {
  const kind = numericKind(value);
  if (kind === 'decimal') return parseDecimal(String(value));
  if (kind === 'long' || kind === 'int') return decimalFromBigInt(toBigInt(value));
  const number = toDouble(value);
  return forArithmetic ? decimalFromDouble(number) : exactDecimalFromDouble(number);
}

/** Numeric comparison across Int32/Int64/Double/Decimal128; exact for Int64 beyond 2^53. */
export function compareNumbers(a: unknown, b: unknown): number {
  const kindA = numericKind(a);
  const kindB = numericKind(b);
  if (kindA === 'long' && kindB === 'long') {
    const x = toBigInt(a);
    const y = toBigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (kindA !== 'long' && kindA !== 'decimal' && kindB !== 'long' && kindB !== 'decimal') {
    const x = toDouble(a);
    const y = toDouble(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return compareDecimals(exactDecimal(a, false), exactDecimal(b, false));
}

export function widerKind(a: NumericKind, b: NumericKind): NumericKind {
  return KIND_RANK[a] >= KIND_RANK[b] ? a : b;
}

export function makeInt(value: number): Int32 | Long {
  return value >= -2147483648 && value <= 2147483647 ? new Int32(value) : Long.fromNumber(value);
}

export function makeLongOrDouble(value: bigint): Long | Double {
  return value >= INT64_MIN && value <= INT64_MAX ? Long.fromBigInt(value) : new Double(Number(value));
}

type BinaryOperation = {
  int: (x: bigint, y: bigint) => bigint;
  double: (x: number, y: number) => number;
  decimal: (x: ExactDecimal, y: ExactDecimal) => ExactDecimal;
};

function applyBinary(a: unknown, b: unknown, operation: BinaryOperation): unknown {
  const kind = widerKind(numericKind(a) ?? 'double', numericKind(b) ?? 'double');
  if (kind === 'decimal')
    return toDecimal128(operation.decimal(exactDecimal(a, true), exactDecimal(b, true)));
  if (kind === 'double') return new Double(operation.double(toDouble(a), toDouble(b)));
  const result = operation.int(toBigInt(a), toBigInt(b));
  if (kind === 'int' && result >= -2147483648n && result <= 2147483647n) return new Int32(Number(result));
  return makeLongOrDouble(result);
}

/** Type-preserving arithmetic: int overflows to long, long overflows to double, decimal is contagious. */
export function addNumbers(a: unknown, b: unknown): unknown {
  return applyBinary(a, b, { int: (x, y) => x + y, double: (x, y) => x + y, decimal: addDecimals });
}

export function subtractNumbers(a: unknown, b: unknown): unknown {
  return applyBinary(a, b, {
    int: (x, y) => x - y,
    double: (x, y) => x - y,
    decimal: (x, y) => addDecimals(x, negateDecimal(y)),
  });
}

export function multiplyNumbers(a: unknown, b: unknown): unknown {
  return applyBinary(a, b, { int: (x, y) => x * y, double: (x, y) => x * y, decimal: multiplyDecimals });
}

/** `$divide` always yields a double unless a decimal is involved. */
export function divideNumbers(a: unknown, b: unknown): unknown {
  if (numericKind(a) === 'decimal' || numericKind(b) === 'decimal') {
    return toDecimal128(divideDecimals(exactDecimal(a, true), exactDecimal(b, true)));
  }
  return new Double(toDouble(a) / toDouble(b));
}

/** Truncated remainder with the sign of the dividend (C semantics), typed like the other operators. */
export function modNumbers(a: unknown, b: unknown): unknown {
  const kind = widerKind(numericKind(a) ?? 'double', numericKind(b) ?? 'double');
  if (kind === 'decimal') {
    const quotient = toDouble(a) / toDouble(b);
    return toDecimal128(decimalFromDouble(toDouble(a) - Math.trunc(quotient) * toDouble(b)));
  }
  if (kind === 'double') return new Double(toDouble(a) % toDouble(b));
  const result = toBigInt(a) % toBigInt(b);
  return kind === 'int' ? new Int32(Number(result)) : Long.fromBigInt(result);
}

export function isZero(value: unknown): boolean {
  return compareNumbers(value, new Int32(0)) === 0 && !Number.isNaN(toDouble(value));
}

export function negateNumber(value: unknown): unknown {
  return subtractNumbers(new Int32(0), value);
}

/** A numeric result of the same kind as `template` (used for `$mul` on a missing field and similar). */
export function zeroLike(template: unknown): unknown {
  switch (numericKind(template)) {
    case 'long':
      return Long.fromInt(0);
    case 'decimal':
      return Decimal128.fromString('0');
    case 'double':
      return new Double(0);
    default:
      return new Int32(0);
  }
}

/** Wraps a JS number computed by the engine in the BSON class for `kind`. */
export function numberOfKind(kind: NumericKind, value: number): unknown {
  switch (kind) {
    case 'int':
      return new Int32(value);
    case 'long':
      return Long.fromNumber(value);
    case 'decimal':
      return toDecimal128(decimalFromDouble(value));
    default:
      return new Double(value);
  }
}

export function isIntegral(value: unknown): boolean {
  const kind = numericKind(value);
  if (kind === 'int' || kind === 'long') return true;
  return kind !== undefined && Number.isInteger(toDouble(value));
}
