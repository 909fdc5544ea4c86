import { Int32 } from 'bson';
import { mongoError } from '../errors';
import { bsonTypeName, isNumeric, isRegexValue } from './bson-types';
import { compareStrings, regexFlags, regexPattern } from './compare';
import {
  evaluateArguments,
  isNullish,
  objectOperand,
  type OperatorImplementation,
  type OperatorTable,
} from './expression-core';
import { toDouble } from './numbers';
import { buildRegex } from './regex';
import { stringify } from './expr-types';

function requireString(value: unknown, code: number, message: (type: string) => string): string {
  if (typeof value !== 'string') throw mongoError(code, message(bsonTypeName(value)));
  return value;
}

/** `$toLower`/`$toUpper`/`$strcasecmp` coerce numbers and dates to strings and treat null as "". */
function coerceToString(name: string, value: unknown): string {
  if (isNullish(value)) return '';
  if (typeof value === 'string') return value;
  if (isNumeric(value) || value instanceof Date || bsonTypeName(value) === 'timestamp')
    return stringify(value);
  throw mongoError(16007, `can't convert from BSON type ${bsonTypeName(value)} to String`);
}

function caseConversion(name: string, convert: (text: string) => string): OperatorImplementation {
  return (operand, context, evaluate) =>
    convert(coerceToString(name, evaluateArguments(name, operand, context, evaluate, 1)[0]));
}

function codePoints(text: string): string[] {
  return Array.from(text);
}

function trim(name: string, where: 'both' | 'start' | 'end'): OperatorImplementation {
  return (operand, context, evaluate) => {
    const object = objectOperand(name, operand, ['input', 'chars'], ['input']);
    const input = evaluate(object.input, context);
    if (isNullish(input)) return null;
    const text = requireString(
      input,
      50699,
      (type) => `${name} requires its input to be a string, got ${type}`,
    );
    const charsValue = 'chars' in object ? evaluate(object.chars, context) : undefined;
    if (isNullish(charsValue) && 'chars' in object) return null;
    const chars =
      charsValue === undefined
        ? [' ', '\0', '\t', '\n', '\v', '\f', '\r', '\u00a0']
        : codePoints(String(charsValue));
    const points = codePoints(text);
    let start = 0;
    let end = points.length;
    if (where !== 'end') while (start < end && chars.includes(points[start] as string)) start += 1;
    if (where !== 'start') while (end > start && chars.includes(points[end - 1] as string)) end -= 1;
    return points.slice(start, end).join('');
  };
}

function substrCP(
  operand: unknown,
  context: Parameters<OperatorImplementation>[1],
  evaluate: Parameters<OperatorImplementation>[2],
): unknown {
  const [input, start, count] = evaluateArguments('$substrCP', operand, context, evaluate, 3);
  if (!isNumeric(start))
    throw mongoError(
      34450,
      `$substrCP: starting index must be a numeric type (is BSON type ${bsonTypeName(start)})`,
    );
  if (!isNumeric(count))
    throw mongoError(34452, `$substrCP: length must be a numeric type (is BSON type ${bsonTypeName(count)})`);
  const text = coerceToString('$substrCP', input);
  const from = toDouble(start);
  const length = toDouble(count);
  if (from < 0) throw mongoError(34455, '$substrCP: starting index must be non-negative (got: ' + from + ')');
  if (length < 0) throw mongoError(34454, '$substrCP: length must be a nonnegative integer.');
  return codePoints(text)
    .slice(from, from + length)
    .join('');
}

function substrBytes(
  operand: unknown,
  context: Parameters<OperatorImplementation>[1],
  evaluate: Parameters<OperatorImplementation>[2],
): unknown {
  const [input, start, count] = evaluateArguments('$substrBytes', operand, context, evaluate, 3);
  const bytes = Buffer.from(coerceToString('$substrBytes', input), 'utf8');
  const from = toDouble(start);
  const length = toDouble(count);
  const end = length < 0 ? bytes.length : from + length;
  return bytes.subarray(from, end).toString('utf8');
}

const regexMatch: OperatorImplementation = (operand, context, evaluate) => {
  const object = objectOperand('$regexMatch', operand, ['input', 'regex', 'options'], ['input', 'regex']);
  const input = evaluate(object.input, context);
  const regex = evaluate(object.regex, context);
  const options = 'options' in object ? evaluate(object.options, context) : undefined;
  if (isNullish(input) || isNullish(regex)) return false;
  const text = requireString(input, 51104, () => "$regexMatch needs 'input' to be of type string");
  const pattern = isRegexValue(regex)
    ? regexPattern(regex)
    : requireString(regex, 51105, () => "$regexMatch needs 'regex' to be of type string or regex");
  const flags = `${isRegexValue(regex) ? regexFlags(regex) : ''}${typeof options === 'string' ? options : ''}`;
  return buildRegex(pattern, flags).test(text);
};

function replace(name: string, all: boolean): OperatorImplementation {
  return (operand, context, evaluate) => {
    const object = objectOperand(
      name,
      operand,
      ['input', 'find', 'replacement'],
      ['input', 'find', 'replacement'],
    );
    const values = [object.input, object.find, object.replacement].map((item) => evaluate(item, context));
    if (values.some(isNullish)) return null;
    const [input, find, replacement] = values.map((value) =>
      requireString(value, 51746, (type) => `${name} requires that 'input' be a string, found: ${type}`),
    ) as [string, string, string];
    return all ? input.split(find).join(replacement) : input.replace(find, () => replacement);
  };
}

export const stringOperators: OperatorTable = {
  $concat: (operand, context, evaluate) => {
    const values = evaluateArguments('$concat', operand, context, evaluate);
    let result = '';
    for (const value of values) {
      if (isNullish(value)) return null;
      result += requireString(value, 16702, (type) => `$concat only supports strings, not ${type}`);
    }
    return result;
  },
  $toLower: caseConversion('$toLower', (text) => text.toLowerCase()),
  $toUpper: caseConversion('$toUpper', (text) => text.toUpperCase()),
  $substrCP: substrCP,
  $substrBytes: substrBytes,
  $substr: substrBytes,
  $split: (operand, context, evaluate) => {
    const [input, delimiter] = evaluateArguments('$split', operand, context, evaluate, 2);
    if (isNullish(input) || isNullish(delimiter)) return null;
    const text = requireString(
      input,
      40085,
      (type) =>
        `$split requires an expression that evaluates to a string as a first argument, found: ${type}`,
    );
    const separator = requireString(
      delimiter,
      40086,
      (type) =>
        `$split requires an expression that evaluates to a string as a second argument, found: ${type}`,
    );
    if (separator === '') throw mongoError(40087, '$split requires a non-empty separator');
    return text.split(separator);
  },
  $strLenCP: (operand, context, evaluate) => {
    const [value] = evaluateArguments('$strLenCP', operand, context, evaluate, 1);
    return new Int32(
      codePoints(
        requireString(
          value,
          34471,
          (type) => `$strLenCP requires a string argument, found: ${type === 'missing' ? 'missing' : type}`,
        ),
      ).length,
    );
  },
  $strLenBytes: (operand, context, evaluate) => {
    const [value] = evaluateArguments('$strLenBytes', operand, context, evaluate, 1);
    const text = requireString(
      value,
      34473,
      (type) => `$strLenBytes requires a string argument, found: ${type}`,
    );
    return new Int32(Buffer.byteLength(text, 'utf8'));
  },
  $trim: trim('$trim', 'both'),
  $ltrim: trim('$ltrim', 'start'),
  $rtrim: trim('$rtrim', 'end'),
  $indexOfCP: (operand, context, evaluate) => {
    const [input, search, start, end] = evaluateArguments('$indexOfCP', operand, context, evaluate, [2, 4]);
    if (isNullish(input)) return null;
    const points = codePoints(
      requireString(
        input,
        40093,
        (type) => `$indexOfCP requires a string as the first argument, found: ${type}`,
      ),
    );
    const needle = codePoints(
      requireString(
        search,
        40094,
        (type) => `$indexOfCP requires a string as the second argument, found: ${type}`,
      ),
    );
    const from = start === undefined ? 0 : toDouble(start);
    const to = end === undefined ? points.length : Math.min(toDouble(end), points.length);
    for (let index = from; index + needle.length <= to; index += 1) {
      if (needle.every((point, offset) => points[index + offset] === point)) return new Int32(index);
    }
    return new Int32(-1);
  },
  $strcasecmp: (operand, context, evaluate) => {
    const [left, right] = evaluateArguments('$strcasecmp', operand, context, evaluate, 2);
    const a = coerceToString('$strcasecmp', left).toUpperCase();
    const b = coerceToString('$strcasecmp', right).toUpperCase();
    return new Int32(compareStrings(a, b));
  },
  $regexMatch: regexMatch,
  $replaceOne: replace('$replaceOne', false),
  $replaceAll: replace('$replaceAll', true),
};
