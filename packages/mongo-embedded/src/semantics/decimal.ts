import { Decimal128 } from 'bson';

/** An exact decimal value `coefficient × 10^exponent`, or one of IEEE 754's special values. */
export type ExactDecimal =
  | { kind: 'finite'; coefficient: bigint; exponent: number }
  | { kind: 'nan' }
  | { kind: 'infinity'; negative: boolean };

export function parseDecimal(text: string): ExactDecimal {
  const trimmed = text.trim();
  if (/^[+-]?nan$/i.test(trimmed)) return { kind: 'nan' };
  const infinity = /^([+-]?)inf(inity)?$/i.exec(trimmed);
  if (infinity) return { kind: 'infinity', negative: infinity[1] === '-' };
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(trimmed);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return { kind: 'nan' };
  const fraction = match[3] ?? '';
  const digits = `${match[2] ?? ''}${fraction}` || '0';
  const sign = match[1] === '-' ? -1n : 1n;
  return {
    kind: 'finite',
    coefficient: sign * BigInt(digits),
    exponent: Number(match[4] ?? 0) - fraction.length,
  };
}

/** MongoDB converts doubles to Decimal128 with 15 significant digits. */
export function decimalFromDouble(value: number): ExactDecimal {
  if (Number.isNaN(value)) return { kind: 'nan' };
  if (!Number.isFinite(value)) return { kind: 'infinity', negative: value < 0 };
  return parseDecimal(value.toPrecision(15));
}

/** The exact value of a double (every finite double is m / 2^k = m·5^k / 10^k), used for comparisons. */
export function exactDecimalFromDouble(value: number): ExactDecimal {
  if (Number.isNaN(value)) return { kind: 'nan' };
  if (!Number.isFinite(value)) return { kind: 'infinity', negative: value < 0 };
  let scaled = value;
  let halvings = 0;
  while (!Number.isInteger(scaled)) {
    scaled *= 2;
    halvings += 1;
  }
  return { kind: 'finite', coefficient: BigInt(scaled) * 5n ** BigInt(halvings), exponent: -halvings };
}

export function decimalFromBigInt(value: bigint): ExactDecimal {
  return { kind: 'finite', coefficient: value, exponent: 0 };
}

export function formatDecimal(value: ExactDecimal): string {
  if (value.kind === 'nan') return 'NaN';
  if (value.kind === 'infinity') return value.negative ? '-Infinity' : 'Infinity';
  const negative = value.coefficient < 0n;
  const digits = (negative ? -value.coefficient : value.coefficient).toString();
  return `${negative ? '-' : ''}${digits}E${value.exponent}`;
}

export function toDecimal128(value: ExactDecimal): Decimal128 {
  return Decimal128.fromStringWithRounding(formatDecimal(value));
}

function align(a: bigint, aExp: number, b: bigint, bExp: number): [bigint, bigint, number] {
  const exponent = Math.min(aExp, bExp);
  return [a * 10n ** BigInt(aExp - exponent), b * 10n ** BigInt(bExp - exponent), exponent];
}

export function addDecimals(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'infinity' && b.kind === 'infinity') return a.negative === b.negative ? a : { kind: 'nan' };
  if (a.kind === 'infinity') return a;
  if (b.kind === 'infinity') return b;
  const [x, y, exponent] = align(a.coefficient, a.exponent, b.coefficient, b.exponent);
  return { kind: 'finite', coefficient: x + y, exponent };
}

export function negateDecimal(a: ExactDecimal): ExactDecimal {
  if (a.kind === 'nan') return a;
  if (a.kind === 'infinity') return { kind: 'infinity', negative: !a.negative };
  return { kind: 'finite', coefficient: -a.coefficient, exponent: a.exponent };
}

function signOf(a: ExactDecimal): number {
  if (a.kind === 'infinity') return a.negative ? -1 : 1;
  if (a.kind === 'finite') return a.coefficient < 0n ? -1 : a.coefficient > 0n ? 1 : 0;
  return 0;
}

export function multiplyDecimals(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'infinity' || b.kind === 'infinity') {
    const sign = signOf(a) * signOf(b);
    return sign === 0 ? { kind: 'nan' } : { kind: 'infinity', negative: sign < 0 };
  }
  return { kind: 'finite', coefficient: a.coefficient * b.coefficient, exponent: a.exponent + b.exponent };
}

const DIVISION_DIGITS = 40;

/** Quotient rounded later to 34 digits by Decimal128; exact quotients keep the preferred exponent. */
export function divideDecimals(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'infinity') {
    return b.kind === 'infinity'
      ? { kind: 'nan' }
      : { kind: 'infinity', negative: a.negative !== signOf(b) < 0 };
  }
  if (b.kind === 'infinity') return { kind: 'finite', coefficient: 0n, exponent: 0 };
  if (b.coefficient === 0n) {
    return a.coefficient === 0n ? { kind: 'nan' } : { kind: 'infinity', negative: a.coefficient < 0n };
  }
  const preferred = a.exponent - b.exponent;
  let coefficient = (a.coefficient * 10n ** BigInt(DIVISION_DIGITS)) / b.coefficient;
  let exponent = preferred - DIVISION_DIGITS;
  const exact = (a.coefficient * 10n ** BigInt(DIVISION_DIGITS)) % b.coefficient === 0n;
  if (exact) {
    while (exponent < preferred && coefficient % 10n === 0n) {
      coefficient /= 10n;
      exponent += 1;
    }
  }
  return { kind: 'finite', coefficient, exponent };
}

/** Exact comparison; NaN sorts below every other number as in MongoDB. */
export function compareDecimals(a: ExactDecimal, b: ExactDecimal): number {
  const rank = (value: ExactDecimal): number =>
    value.kind === 'nan' ? 0 : value.kind === 'infinity' ? (value.negative ? 1 : 3) : 2;
  const difference = rank(a) - rank(b);
  if (difference !== 0 || a.kind !== 'finite' || b.kind !== 'finite') return Math.sign(difference);
  const [x, y] = align(a.coefficient, a.exponent, b.coefficient, b.exponent);
  return x < y ? -1 : x > y ? 1 : 0;
}
