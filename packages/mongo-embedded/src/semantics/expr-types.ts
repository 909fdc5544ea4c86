import { Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import { bsonTypeName, isNumeric, isTruthyExpressionValue, TYPE_NUMBERS } from './bson-types';
import {
  evaluateArguments,
  isNullish,
  objectOperand,
  type OperatorImplementation,
  type OperatorTable,
} from './expression-core';
import { conversionFailure } from './named-errors';
import { isIntegral, toBigInt, toDouble } from './numbers';

/** String form MongoDB's `$toString` produces. */
export function stringify(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const type = bsonTypeName(value);
  if (type === 'objectId') return (value as ObjectId).toHexString();
  if (type === 'double') {
    const number = toDouble(value);
    if (Number.isNaN(number)) return 'NaN';
    if (!Number.isFinite(number)) return number > 0 ? 'Infinity' : '-Infinity';
    return String(number);
  }
  return String(value);
}

function unsupported(from: string, to: string): Error {
  return conversionFailure(`Unsupported conversion from ${from} to ${to} in $convert with no onError value`);
}

function parseFailure(text: string, reason: string): Error {
  return conversionFailure(`Failed to parse number '${text}' in $convert with no onError value: ${reason}`);
}

function parseInteger(text: string, bits: 32 | 64): bigint {
  if (!/^[+-]?\d+$/.test(text)) {
    const bad = [...text].find((char) => !/[\d+-]/.test(char));
    throw parseFailure(
      text,
      bad === undefined ? 'Did not consume whole string.' : `Bad digit "${bad}" while parsing ${text}`,
    );
  }
  const value = BigInt(text);
  const limit = bits === 32 ? 2n ** 31n : 2n ** 63n;
  if (value < -limit || value >= limit) throw parseFailure(text, 'Overflow');
  return value;
}

function toIntegral(value: unknown, bits: 32 | 64): bigint {
  const target = bits === 32 ? 'int' : 'long';
  const type = bsonTypeName(value);
  if (type === 'bool') return value ? 1n : 0n;
  if (type === 'string') return parseInteger(value as string, bits);
  if (type === 'date' && bits === 64) return BigInt((value as Date).getTime());
  if (!isNumeric(value)) throw unsupported(type, target);
  const number = toDouble(value);
  if (type !== 'long' && !Number.isFinite(number)) {
    throw conversionFailure(
      `Attempt to convert ${Number.isNaN(number) ? 'NaN' : 'infinity'} value to integer type in $convert with no onError value`,
    );
  }
  const integral = type === 'long' ? toBigInt(value) : BigInt(Math.trunc(number));
  const limit = bits === 32 ? 2n ** 31n : 2n ** 63n;
  if (integral < -limit || integral >= limit) {
    throw conversionFailure(
      `Conversion would overflow target type in $convert with no onError value: ${stringify(value)}`,
    );
  }
  return integral;
}

function toDoubleValue(value: unknown): Double {
  const type = bsonTypeName(value);
  if (type === 'bool') return new Double(value ? 1 : 0);
  if (type === 'date') return new Double((value as Date).getTime());
  if (type === 'string') {
    const text = (value as string).trim();
    const number = /^(nan|[+-]?inf(inity)?)$/i.test(text)
      ? Number(text.replace(/^([+-]?)inf$/i, '$1Infinity'))
      : Number(text);
    if (text === '' || (Number.isNaN(number) && !/^nan$/i.test(text)))
      throw parseFailure(value as string, 'Did not consume whole string.');
    return new Double(number);
  }
  if (!isNumeric(value)) throw unsupported(type, 'double');
  return new Double(toDouble(value));
}

function toDecimalValue(value: unknown): Decimal128 {
  const type = bsonTypeName(value);
  if (type === 'bool') return Decimal128.fromString(value ? '1' : '0');
  if (type === 'date') return Decimal128.fromString(String((value as Date).getTime()));
  if (type === 'decimal') return value as Decimal128;
  if (type === 'string') {
    try {
      return Decimal128.fromString(value as string);
    } catch {
      throw parseFailure(value as string, 'Failed to parse string to decimal');
    }
  }
  if (type === 'long' || type === 'int') return Decimal128.fromString(String(value));
  if (type === 'double') return Decimal128.fromStringWithRounding(toDouble(value).toPrecision(15));
  throw unsupported(type, 'decimal');
}

function toDateValue(value: unknown): Date {
  const type = bsonTypeName(value);
  if (type === 'date') return value as Date;
  if (type === 'long' || type === 'double' || type === 'decimal') return new Date(toDouble(value));
  if (type === 'objectId') return (value as ObjectId).getTimestamp();
  if (type === 'timestamp') return new Date((value as { t: number }).t * 1000);
  if (type === 'string') {
    const date = new Date(value as string);
    if (Number.isNaN(date.getTime())) throw conversionFailure(`Error parsing date string '${String(value)}'`);
    return date;
  }
  throw unsupported(type, 'date');
}

const CONVERTERS: Record<string, (value: unknown) => unknown> = {
  double: toDoubleValue,
  string: (value) => {
    const type = bsonTypeName(value);
    if (
      ['object', 'array', 'binData', 'regex', 'minKey', 'maxKey', 'undefined', 'javascript'].includes(type)
    ) {
      throw unsupported(type, 'string');
    }
    return stringify(value);
  },
  objectId: (value) => {
    if (bsonTypeName(value) === 'objectId') return value;
    if (typeof value !== 'string') throw unsupported(bsonTypeName(value), 'objectId');
    if (!/^[0-9a-fA-F]{24}$/.test(value))
      throw conversionFailure(
        `Failed to parse objectId '${value}' in $convert with no onError value: Invalid string length for parsing to OID, expected 24 but found ${value.length}`,
      );
    return ObjectId.createFromHexString(value);
  },
  bool: (value) => {
    const type = bsonTypeName(value);
    if (
      ['object', 'array', 'binData', 'regex', 'objectId', 'string', 'date', 'timestamp', 'bool'].includes(
        type,
      )
    ) {
      return type === 'bool' ? value : true;
    }
    if (isNumeric(value)) return isTruthyExpressionValue(value);
    throw unsupported(type, 'bool');
  },
  date: toDateValue,
  int: (value) => new Int32(Number(toIntegral(value, 32))),
  long: (value) => Long.fromBigInt(toIntegral(value, 64)),
  decimal: toDecimalValue,
};

function targetName(to: unknown): string {
  if (typeof to === 'string') {
    if (to in CONVERTERS) return to;
  } else if (isNumeric(to) && isIntegral(to)) {
    const name = Object.keys(TYPE_NUMBERS).find((key) => TYPE_NUMBERS[key] === toDouble(to));
    if (name && name in CONVERTERS) return name;
  }
  throw conversionFailure(`Unknown type name: ${stringify(to)}`);
}

function convert(value: unknown, to: string): unknown {
  if (isNullish(value)) return null;
  return (CONVERTERS[to] as (input: unknown) => unknown)(value);
}

function shorthand(name: string, to: string): OperatorImplementation {
  return (operand, context, evaluate) =>
    convert(evaluateArguments(name, operand, context, evaluate, 1)[0], to);
}

const convertOperator: OperatorImplementation = (operand, context, evaluate) => {
  const object = objectOperand('$convert', operand, ['input', 'to', 'onError', 'onNull'], ['input', 'to']);
  const input = evaluate(object.input, context);
  if (isNullish(input)) return 'onNull' in object ? evaluate(object.onNull, context) : null;
  const to = targetName(evaluate(object.to, context));
  try {
    return convert(input, to);
  } catch (error) {
    if ('onError' in object) return evaluate(object.onError, context);
    throw error;
  }
};

export const typeOperators: OperatorTable = {
  $type: (operand, context, evaluate) =>
    bsonTypeName(evaluateArguments('$type', operand, context, evaluate, 1)[0]),
  $isNumber: (operand, context, evaluate) =>
    isNumeric(evaluateArguments('$isNumber', operand, context, evaluate, 1)[0]),
  $convert: convertOperator,
  $toString: shorthand('$toString', 'string'),
  $toInt: shorthand('$toInt', 'int'),
  $toLong: shorthand('$toLong', 'long'),
  $toDouble: shorthand('$toDouble', 'double'),
  $toDecimal: shorthand('$toDecimal', 'decimal'),
  $toBool: shorthand('$toBool', 'bool'),
  $toDate: shorthand('$toDate', 'date'),
  $toObjectId: shorthand('$toObjectId', 'objectId'),
};
