import { Long } from 'bson';
import { mongoError } from '../errors';
import { bsonTypeName, isNumeric } from './bson-types';
import { offsetMinutes, toDate } from './expr-date';
import { conversionFailure } from './named-errors';
import { isNullish, objectOperand, type OperatorImplementation, type OperatorTable } from './expression-core';
import { isIntegral, toDouble } from './numbers';

const FIXED_UNITS: Record<string, number> = {
  millisecond: 1,
  second: 1000,
  minute: 60000,
  hour: 3600000,
  day: 86400000,
  week: 604800000,
};
const MONTH_UNITS: Record<string, number> = { month: 1, quarter: 3, year: 12 };
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function requireUnit(name: string, unit: unknown): string {
  if (typeof unit !== 'string' || !(unit in FIXED_UNITS || unit in MONTH_UNITS)) {
    throw mongoError(
      2,
      `${name} parameter 'unit' value parsing failed :: caused by :: unknown time unit value: ${String(unit)}`,
    );
  }
  return unit;
}

/** Adds calendar months, clamping the day to the end of the target month as MongoDB does. */
function addMonths(date: Date, months: number): Date {
  const target = new Date(date.getTime());
  const day = target.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

function shift(date: Date, unit: string, amount: number, offset: number): Date {
  if (unit in FIXED_UNITS) return new Date(date.getTime() + amount * (FIXED_UNITS[unit] as number));
  const local = new Date(date.getTime() + offset * 60000);
  return new Date(addMonths(local, amount * (MONTH_UNITS[unit] as number)).getTime() - offset * 60000);
}

function dateArithmetic(name: '$dateAdd' | '$dateSubtract', sign: 1 | -1): OperatorImplementation {
  return (operand, context, evaluate) => {
    const object = objectOperand(
      name,
      operand,
      ['startDate', 'unit', 'amount', 'timezone'],
      ['startDate', 'unit', 'amount'],
    );
    const [start, unit, amount] = [object.startDate, object.unit, object.amount].map((item) =>
      evaluate(item, context),
    );
    if (isNullish(start) || isNullish(unit) || isNullish(amount)) return null;
    if (!isNumeric(amount) || !isIntegral(amount))
      throw mongoError(5166405, `${name} expects integer amount of time units`);
    const offset = offsetMinutes('timezone' in object ? evaluate(object.timezone, context) : undefined);
    return shift(toDate(start), requireUnit(name, unit), sign * toDouble(amount), offset);
  };
}

function startOfWeekIndex(value: unknown): number {
  const index =
    typeof value === 'string' ? DAYS.findIndex((day) => day.startsWith(value.toLowerCase().slice(0, 3))) : 0;
  if (index < 0) throw mongoError(5439015, `unknown startOfWeek value: ${String(value)}`);
  return index;
}

/** Truncates a (time-zone shifted) instant to the start of its unit; weeks start on `weekStart` (0 = Sunday). */
function truncate(local: Date, unit: string, weekStart: number): number {
  const year = local.getUTCFullYear();
  switch (unit) {
    case 'year':
      return Date.UTC(year, 0, 1);
    case 'quarter':
      return Date.UTC(year, Math.floor(local.getUTCMonth() / 3) * 3, 1);
    case 'month':
      return Date.UTC(year, local.getUTCMonth(), 1);
    case 'week': {
      const day = Date.UTC(year, local.getUTCMonth(), local.getUTCDate());
      return day - ((local.getUTCDay() - weekStart + 7) % 7) * 86400000;
    }
    default: {
      const size = FIXED_UNITS[unit] as number;
      return Math.floor(local.getTime() / size) * size;
    }
  }
}

const dateDiff: OperatorImplementation = (operand, context, evaluate) => {
  const object = objectOperand(
    '$dateDiff',
    operand,
    ['startDate', 'endDate', 'unit', 'timezone', 'startOfWeek'],
    ['startDate', 'endDate', 'unit'],
  );
  const [start, end, unitValue] = [object.startDate, object.endDate, object.unit].map((item) =>
    evaluate(item, context),
  );
  if (isNullish(start) || isNullish(end) || isNullish(unitValue)) return null;
  const unit = requireUnit('$dateDiff', unitValue);
  const offset = offsetMinutes('timezone' in object ? evaluate(object.timezone, context) : undefined);
  const weekStart = startOfWeekIndex(
    'startOfWeek' in object ? evaluate(object.startOfWeek, context) : 'sunday',
  );
  const local = (value: unknown) => new Date(toDate(value).getTime() + offset * 60000);
  const [from, to] = [local(start), local(end)];
  if (unit in MONTH_UNITS) {
    const size = MONTH_UNITS[unit] as number;
    const bucket = (date: Date) => Math.floor((date.getUTCFullYear() * 12 + date.getUTCMonth()) / size);
    return Long.fromNumber(bucket(to) - bucket(from));
  }
  const size = FIXED_UNITS[unit] as number;
  return Long.fromNumber(
    Math.round((truncate(to, unit, weekStart) - truncate(from, unit, weekStart)) / size),
  );
};

const dateTrunc: OperatorImplementation = (operand, context, evaluate) => {
  const object = objectOperand(
    '$dateTrunc',
    operand,
    ['date', 'unit', 'binSize', 'timezone', 'startOfWeek'],
    ['date', 'unit'],
  );
  const [date, unitValue] = [object.date, object.unit].map((item) => evaluate(item, context));
  if (isNullish(date) || isNullish(unitValue)) return null;
  const unit = requireUnit('$dateTrunc', unitValue);
  const binSize = 'binSize' in object ? evaluate(object.binSize, context) : 1;
  if (!isNumeric(binSize) || !isIntegral(binSize) || toDouble(binSize) <= 0) {
    throw mongoError(
      5439017,
      `$dateTrunc requires 'binSize' to be a positive 64-bit integer, found: ${bsonTypeName(binSize)}`,
    );
  }
  if (toDouble(binSize) !== 1)
    throw mongoError(
      238,
      '$dateTrunc with a binSize other than 1 is not supported by the embedded MongoDB engine',
    );
  const offset = offsetMinutes('timezone' in object ? evaluate(object.timezone, context) : undefined);
  const weekStart = startOfWeekIndex(
    'startOfWeek' in object ? evaluate(object.startOfWeek, context) : 'sunday',
  );
  const local = new Date(toDate(date).getTime() + offset * 60000);
  return new Date(truncate(local, unit, weekStart) - offset * 60000);
};

const dateFromParts: OperatorImplementation = (operand, context, evaluate) => {
  const parts = ['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond'];
  const object = objectOperand('$dateFromParts', operand, [...parts, 'timezone'], ['year']);
  const values = parts.map((part, index) =>
    part in object ? evaluate(object[part], context) : index === 1 || index === 2 ? 1 : 0,
  );
  if (values.some(isNullish)) return null;
  const [year, month, day, hour, minute, second, millisecond] = values.map(toDouble) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offset = offsetMinutes('timezone' in object ? evaluate(object.timezone, context) : undefined);
  const utc = new Date(Date.UTC(2000, 0, 1));
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millisecond);
  return new Date(utc.getTime() - offset * 60000);
};

const dateFromString: OperatorImplementation = (operand, context, evaluate) => {
  const object = objectOperand(
    '$dateFromString',
    operand,
    ['dateString', 'format', 'timezone', 'onError', 'onNull'],
    ['dateString'],
  );
  const text = evaluate(object.dateString, context);
  if (isNullish(text)) return 'onNull' in object ? evaluate(object.onNull, context) : null;
  if ('format' in object)
    throw mongoError(238, "$dateFromString with 'format' is not supported by the embedded MongoDB engine");
  const hasZone = typeof text === 'string' && /(Z|[+-]\d{2}:?\d{2})$/.test(text);
  const parsed =
    typeof text === 'string'
      ? new Date(hasZone || !/T|\d:\d/.test(text) ? text : `${text}Z`)
      : new Date(Number.NaN);
  if (Number.isNaN(parsed.getTime())) {
    if ('onError' in object) return evaluate(object.onError, context);
    throw conversionFailure(`Error parsing date string '${String(text)}'`);
  }
  const offset = hasZone
    ? 0
    : offsetMinutes('timezone' in object ? evaluate(object.timezone, context) : undefined);
  return new Date(parsed.getTime() - offset * 60000);
};

export const dateMathOperators: OperatorTable = {
  $dateAdd: dateArithmetic('$dateAdd', 1),
  $dateSubtract: dateArithmetic('$dateSubtract', -1),
  $dateDiff: dateDiff,
  $dateTrunc: dateTrunc,
  $dateFromParts: dateFromParts,
  $dateFromString: dateFromString,
};
