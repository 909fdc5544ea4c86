import { Int32, type ObjectId, type Timestamp } from 'bson';
import { mongoError } from '../errors';
import { bsonTypeName, isPlainObject } from './bson-types';
import {
  isNullish,
  objectOperand,
  type ExpressionContext,
  type Evaluate,
  type OperatorImplementation,
  type OperatorTable,
} from './expression-core';

/** Only UTC and fixed offsets are supported: the engine carries no time zone database. */
export function offsetMinutes(timezone: unknown): number {
  if (timezone === undefined || isNullish(timezone)) return 0;
  if (typeof timezone !== 'string')
    throw mongoError(40517, `timezone must evaluate to a string, found ${bsonTypeName(timezone)}`);
  if (timezone === 'UTC' || timezone === 'GMT' || timezone === 'Z' || timezone === 'Etc/UTC') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(timezone);
  if (!match) throw mongoError(40485, `unrecognized time zone identifier: "${timezone}"`);
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  const type = bsonTypeName(value);
  if (type === 'objectId') return (value as ObjectId).getTimestamp();
  if (type === 'timestamp') return new Date((value as Timestamp).t * 1000);
  throw mongoError(16006, `can't convert from BSON type ${type} to Date`);
}

interface DateArguments {
  date: unknown;
  shiftedDate: Date | null;
}

function resolveDate(
  name: string,
  operand: unknown,
  context: ExpressionContext,
  evaluate: Evaluate,
): DateArguments {
  let dateExpression = operand;
  let timezone: unknown;
  if (Array.isArray(operand) && operand.length === 1) dateExpression = operand[0];
  else if (isPlainObject(operand) && 'date' in operand) {
    const object = objectOperand(name, operand, ['date', 'timezone'], ['date']);
    dateExpression = object.date;
    timezone = 'timezone' in object ? evaluate(object.timezone, context) : undefined;
  }
  const date = evaluate(dateExpression, context);
  if (isNullish(date)) return { date, shiftedDate: null };
  const shifted = new Date(toDate(date).getTime() + offsetMinutes(timezone) * 60000);
  return { date, shiftedDate: shifted };
}

function dayOfYear(date: Date): number {
  return Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86400000) + 1;
}

function datePart(name: string, extract: (date: Date) => number): OperatorImplementation {
  return (operand, context, evaluate) => {
    const { shiftedDate } = resolveDate(name, operand, context, evaluate);
    return shiftedDate === null ? null : new Int32(extract(shiftedDate));
  };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

const FORMATTERS: Record<string, (date: Date) => string> = {
  Y: (date) => pad(date.getUTCFullYear(), 4),
  m: (date) => pad(date.getUTCMonth() + 1, 2),
  d: (date) => pad(date.getUTCDate(), 2),
  H: (date) => pad(date.getUTCHours(), 2),
  M: (date) => pad(date.getUTCMinutes(), 2),
  S: (date) => pad(date.getUTCSeconds(), 2),
  L: (date) => pad(date.getUTCMilliseconds(), 3),
  j: (date) => pad(dayOfYear(date), 3),
  w: (date) => String(date.getUTCDay() + 1),
  u: (date) => String(date.getUTCDay() === 0 ? 7 : date.getUTCDay()),
  '%': () => '%',
};

function formatDate(format: string, date: Date, offset: number): string {
  let result = '';
  for (let index = 0; index < format.length; index += 1) {
    const char = format[index] as string;
    if (char !== '%') {
      result += char;
      continue;
    }
    const specifier = format[index + 1];
    index += 1;
    if (specifier === 'z' || specifier === 'Z') {
      const sign = offset < 0 ? '-' : '+';
      const absolute = Math.abs(offset);
      result +=
        specifier === 'Z'
          ? String(offset)
          : `${sign}${pad(Math.floor(absolute / 60), 2)}${pad(absolute % 60, 2)}`;
      continue;
    }
    const formatter = specifier === undefined ? undefined : FORMATTERS[specifier];
    if (!formatter)
      throw mongoError(18536, `Invalid format character '%${specifier ?? ''}' in format string`);
    result += formatter(date);
  }
  return result;
}

const dateToString: OperatorImplementation = (operand, context, evaluate) => {
  const object = objectOperand('$dateToString', operand, ['date', 'format', 'timezone', 'onNull'], ['date']);
  const date = evaluate(object.date, context);
  if (isNullish(date)) return 'onNull' in object ? evaluate(object.onNull, context) : null;
  const format = 'format' in object ? evaluate(object.format, context) : '%Y-%m-%dT%H:%M:%S.%LZ';
  if (isNullish(format)) return null;
  if (typeof format !== 'string')
    throw mongoError(
      18533,
      `$dateToString requires that 'format' be a string, found: ${bsonTypeName(format)}`,
    );
  const offset = offsetMinutes('timezone' in object ? evaluate(object.timezone, context) : undefined);
  return formatDate(format, new Date(toDate(date).getTime() + offset * 60000), offset);
};

export const dateOperators: OperatorTable = {
  $year: datePart('$year', (date) => date.getUTCFullYear()),
  $month: datePart('$month', (date) => date.getUTCMonth() + 1),
  $dayOfMonth: datePart('$dayOfMonth', (date) => date.getUTCDate()),
  $hour: datePart('$hour', (date) => date.getUTCHours()),
  $minute: datePart('$minute', (date) => date.getUTCMinutes()),
  $second: datePart('$second', (date) => date.getUTCSeconds()),
  $millisecond: datePart('$millisecond', (date) => date.getUTCMilliseconds()),
  $dayOfWeek: datePart('$dayOfWeek', (date) => date.getUTCDay() + 1),
  $dayOfYear: datePart('$dayOfYear', dayOfYear),
  $dateToString: dateToString,
};
