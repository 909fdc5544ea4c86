import { Double, Int32, Long } from 'bson';
import { mongoError } from '../errors';
import { bsonTypeName, isNumeric } from './bson-types';
import { evaluateArguments, isNullish, type OperatorTable } from './expression-core';
import {
  addNumbers,
  compareNumbers,
  divideNumbers,
  isZero,
  modNumbers,
  multiplyNumbers,
  negateNumber,
  numberOfKind,
  numericKind,
  subtractNumbers,
  toBigInt,
  toDouble,
} from './numbers';

function add(values: unknown[]): unknown {
  let total: unknown = new Int32(0);
  let date: Date | undefined;
  for (const value of values) {
    if (isNullish(value)) return null;
    if (value instanceof Date) {
      if (date) throw mongoError(16612, 'only one date allowed in an $add expression');
      date = value;
    } else if (isNumeric(value)) {
      total = addNumbers(total, value);
    } else {
      throw mongoError(14, `$add only supports numeric or date types, not ${bsonTypeName(value)}`);
    }
  }
  return date ? new Date(date.getTime() + Math.round(toDouble(total))) : total;
}

function subtract([left, right]: unknown[]): unknown {
  if (isNullish(left) || isNullish(right)) return null;
  if (isNumeric(left) && isNumeric(right)) return subtractNumbers(left, right);
  if (left instanceof Date && right instanceof Date) return Long.fromNumber(left.getTime() - right.getTime());
  if (left instanceof Date && isNumeric(right)) return new Date(left.getTime() - Math.round(toDouble(right)));
  throw mongoError(16556, `cant $subtract a ${bsonTypeName(right)} from a ${bsonTypeName(left)}`);
}

function multiply(values: unknown[]): unknown {
  let product: unknown = new Int32(1);
  for (const value of values) {
    if (isNullish(value)) return null;
    if (!isNumeric(value))
      throw mongoError(14, `$multiply only supports numeric types, not ${bsonTypeName(value)}`);
    product = multiplyNumbers(product, value);
  }
  return product;
}

function requireNumbers(name: string, code: number, values: unknown[]): void {
  if (values.some((value) => !isNumeric(value))) {
    throw mongoError(
      code,
      `${name} only supports numeric types, not ${values.map(bsonTypeName).join(' and ')}`,
    );
  }
}

/** Unary math keeps int/long inputs as they are where the result is integral (e.g. `$abs`, `$floor`). */
function unaryMath(name: string, apply: (value: number) => number, keepsIntegers: boolean) {
  return (values: unknown[]): unknown => {
    const [value] = values;
    if (isNullish(value)) return null;
    requireNumbers(name, 28765, [value]);
    const kind = numericKind(value);
    if (keepsIntegers && (kind === 'int' || kind === 'long')) {
      if (name === '$abs') return compareNumbers(value, new Int32(0)) < 0 ? negateNumber(value) : value;
      return value;
    }
    return numberOfKind(kind === 'decimal' ? 'decimal' : 'double', apply(toDouble(value)));
  };
}

function roundTo(name: string, mode: (value: number) => number) {
  return (values: unknown[]): unknown => {
    const [value, placeArgument] = values;
    if (isNullish(value) || (values.length > 1 && isNullish(placeArgument))) return null;
    requireNumbers(name, 51081, [value]);
    const place = placeArgument === undefined ? 0 : toDouble(placeArgument);
    const kind = numericKind(value) ?? 'double';
    if ((kind === 'int' || kind === 'long') && place >= 0) return value;
    const factor = 10 ** place;
    const rounded = mode(toDouble(value) * factor) / factor;
    if (kind === 'int' || kind === 'long')
      return kind === 'int' ? new Int32(rounded) : Long.fromNumber(rounded);
    return numberOfKind(kind, rounded);
  };
}

/** Round half to even, as MongoDB's `$round` does. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const difference = value - floor;
  if (difference > 0.5) return floor + 1;
  if (difference < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function power([base, exponent]: unknown[]): unknown {
  if (isNullish(base) || isNullish(exponent)) return null;
  requireNumbers('$pow', 28762, [base, exponent]);
  const baseKind = numericKind(base);
  const exponentKind = numericKind(exponent);
  const integral =
    (baseKind === 'int' || baseKind === 'long') && (exponentKind === 'int' || exponentKind === 'long');
  if (integral && toDouble(exponent) >= 0) {
    const result = toBigInt(base) ** toBigInt(exponent);
    if (baseKind === 'int' && exponentKind === 'int' && result >= -2147483648n && result <= 2147483647n) {
      return new Int32(Number(result));
    }
    return result >= -(2n ** 63n) && result < 2n ** 63n
      ? Long.fromBigInt(result)
      : new Double(Number(result));
  }
  const kind = baseKind === 'decimal' || exponentKind === 'decimal' ? 'decimal' : 'double';
  return numberOfKind(kind, toDouble(base) ** toDouble(exponent));
}

export const arithmeticOperators: OperatorTable = {
  $add: (operand, context, evaluate) => add(evaluateArguments('$add', operand, context, evaluate)),
  $subtract: (operand, context, evaluate) =>
    subtract(evaluateArguments('$subtract', operand, context, evaluate, 2)),
  $multiply: (operand, context, evaluate) =>
    multiply(evaluateArguments('$multiply', operand, context, evaluate)),
  $divide: (operand, context, evaluate) => {
    const [left, right] = evaluateArguments('$divide', operand, context, evaluate, 2);
    if (isNullish(left) || isNullish(right)) return null;
    requireNumbers('$divide', 14, [left, right]);
    if (isZero(right)) throw mongoError(2, "can't $divide by zero");
    return divideNumbers(left, right);
  },
  $mod: (operand, context, evaluate) => {
    const [left, right] = evaluateArguments('$mod', operand, context, evaluate, 2);
    if (isNullish(left) || isNullish(right)) return null;
    requireNumbers('$mod', 16611, [left, right]);
    if (isZero(right)) throw mongoError(16610, "can't $mod by 0");
    return modNumbers(left, right);
  },
  $abs: (operand, context, evaluate) =>
    unaryMath('$abs', Math.abs, true)(evaluateArguments('$abs', operand, context, evaluate, 1)),
  $ceil: (operand, context, evaluate) =>
    unaryMath('$ceil', Math.ceil, true)(evaluateArguments('$ceil', operand, context, evaluate, 1)),
  $floor: (operand, context, evaluate) =>
    unaryMath('$floor', Math.floor, true)(evaluateArguments('$floor', operand, context, evaluate, 1)),
  $sqrt: (operand, context, evaluate) =>
    unaryMath('$sqrt', Math.sqrt, false)(evaluateArguments('$sqrt', operand, context, evaluate, 1)),
  $exp: (operand, context, evaluate) =>
    unaryMath('$exp', Math.exp, false)(evaluateArguments('$exp', operand, context, evaluate, 1)),
  $ln: (operand, context, evaluate) =>
    unaryMath('$ln', Math.log, false)(evaluateArguments('$ln', operand, context, evaluate, 1)),
  $log10: (operand, context, evaluate) =>
    unaryMath('$log10', Math.log10, false)(evaluateArguments('$log10', operand, context, evaluate, 1)),
  $pow: (operand, context, evaluate) => power(evaluateArguments('$pow', operand, context, evaluate, 2)),
  $round: (operand, context, evaluate) =>
    roundTo('$round', roundHalfEven)(evaluateArguments('$round', operand, context, evaluate, [1, 2])),
  $trunc: (operand, context, evaluate) =>
    roundTo('$trunc', Math.trunc)(evaluateArguments('$trunc', operand, context, evaluate, [1, 2])),
};
