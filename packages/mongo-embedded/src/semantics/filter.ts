import { BSONRegExp } from 'bson';
import { mongoError } from '../errors';
import {
  bsonTypeName,
  canonicalRank,
  isNumeric,
  isOperatorObject,
  isPlainObject,
  isRegexValue,
  isTruthyExpressionValue,
  MISSING,
  typeNamesForSpec,
  type Doc,
} from './bson-types';
import { compareValues, regexFlags, regexPattern } from './compare';
import { evaluateExpression } from './expression';
import { bitTest, isBitOperator } from './filter-bits';
import { isIntegral, isZero, toDouble } from './numbers';
import { leafValues, splitPath } from './paths';
import { regexMatches } from './regex';
import { valueKey } from './value-key';

export type DocPredicate = (doc: Doc) => boolean;
/** Decides a condition from all values a path yields in one document (see `leafValues`). */
type LeafMatcher = (leaves: unknown[]) => boolean;
type ValueTest = (value: unknown) => boolean;
type Variables = Record<string, unknown>;

const LOGICAL_OPERATORS = new Set(['$and', '$or', '$nor']);

/** Positive conditions hold when any value at the path (or any element of a leaf array) satisfies them. */
function anyValue(test: ValueTest, expandLeafArrays = true): LeafMatcher {
  return (leaves) =>
    leaves.some((value) => test(value) || (expandLeafArrays && Array.isArray(value) && value.some(test)));
}

function not(matcher: LeafMatcher): LeafMatcher {
  return (leaves) => !matcher(leaves);
}

function equalityTest(expected: unknown): ValueTest {
  if (isRegexValue(expected)) return (value) => regexMatches(expected, value);
  return (value) => compareValues(value, expected) === 0;
}

/** `$gt`-style comparisons only match values of the same type bracket (numbers with numbers, ...). */
function comparisonTest(expected: unknown, accept: (order: number) => boolean): ValueTest {
  const expectedType = bsonTypeName(expected);
  const unbracketed = expectedType === 'minKey' || expectedType === 'maxKey';
  const rank = canonicalRank(expectedType);
  return (value) =>
    (unbracketed || canonicalRank(bsonTypeName(value)) === rank) && accept(compareValues(value, expected));
}

function requireArray(operator: string, argument: unknown): unknown[] {
  if (!Array.isArray(argument)) throw mongoError(2, `${operator} needs an array`);
  return argument;
}

/** Long `$in` lists are hashed by BSON-equality key instead of compared one by one. */
const HASHED_IN_THRESHOLD = 8;

function inMatcher(argument: unknown): LeafMatcher {
  const items = requireArray('$in', argument);
  for (const item of items) {
    if (isOperatorObject(item)) throw mongoError(2, 'cannot nest $ under $in');
  }
  const regexTests = items.filter(isRegexValue).map(equalityTest);
  const values = items.filter((item) => !isRegexValue(item));
  let valueTest: ValueTest;
  if (values.length > HASHED_IN_THRESHOLD) {
    const keys = new Set(values.map(valueKey));
    valueTest = (value) => keys.has(valueKey(value));
  } else {
    const tests = values.map(equalityTest);
    valueTest = (value) => tests.some((test) => test(value));
  }
  return anyValue((value) => valueTest(value) || regexTests.some((test) => test(value)));
}

function regexArgument(condition: Doc): unknown {
  const pattern = condition.$regex;
  const options = condition.$options;
  if (options !== undefined && typeof options !== 'string')
    throw mongoError(2, '$options has to be a string');
  if (typeof pattern === 'string') return new BSONRegExp(pattern, options ?? '');
  if (isRegexValue(pattern)) {
    if (options !== undefined && regexFlags(pattern) !== '')
      throw mongoError(51075, 'options set in both $regex and $options');
    return new BSONRegExp(regexPattern(pattern), options ?? regexFlags(pattern));
  }
  throw mongoError(2, '$regex has to be a string');
}

function sizeMatcher(argument: unknown): LeafMatcher {
  if (!isNumeric(argument)) throw mongoError(2, '$size needs a number');
  if (!isIntegral(argument)) throw mongoError(2, '$size must be a whole number');
  const size = toDouble(argument);
  if (size < 0) throw mongoError(2, '$size may not be negative');
  return anyValue((value) => Array.isArray(value) && value.length === size, false);
}

function modMatcher(argument: unknown): LeafMatcher {
  if (!Array.isArray(argument)) throw mongoError(2, 'malformed mod, needs to be an array');
  if (argument.length < 2) throw mongoError(2, 'malformed mod, not enough elements');
  if (argument.length > 2) throw mongoError(2, 'malformed mod, too many elements');
  const [divisor, remainder] = argument as [unknown, unknown];
  if (!isNumeric(divisor)) throw mongoError(2, 'malformed mod, divisor not a number');
  if (!isNumeric(remainder)) throw mongoError(2, 'malformed mod, remainder not a number');
  const truncatedDivisor = BigInt(Math.trunc(toDouble(divisor)));
  if (truncatedDivisor === 0n || isZero(divisor)) throw mongoError(2, 'divisor cannot be 0');
  const truncatedRemainder = BigInt(Math.trunc(toDouble(remainder)));
  return anyValue((value) => {
    if (!isNumeric(value) || !Number.isFinite(toDouble(value))) return false;
    const dividend =
      bsonTypeName(value) === 'long' ? BigInt(String(value)) : BigInt(Math.trunc(toDouble(value)));
    return dividend % truncatedDivisor === truncatedRemainder;
  });
}

function typeMatcher(argument: unknown): LeafMatcher {
  const specs = Array.isArray(argument) ? argument : [argument];
  const names = new Set(specs.flatMap((spec) => typeNamesForSpec(spec)));
  return anyValue((value) => value !== MISSING && names.has(bsonTypeName(value)));
}

function elemMatchMatcher(argument: unknown): LeafMatcher {
  if (!isPlainObject(argument)) throw mongoError(2, '$elemMatch needs an Object');
  const keys = Object.keys(argument);
  const valueMode =
    keys.length > 0 &&
    keys.every((key) => key.startsWith('$') && !LOGICAL_OPERATORS.has(key) && key !== '$expr');
  let elementTest: ValueTest;
  if (valueMode) {
    const matcher = compileOperators(argument);
    elementTest = (element) => matcher([element]);
  } else {
    const predicate = compileFilter(argument);
    elementTest = (element) => isPlainObject(element) && predicate(element);
  }
  return anyValue((value) => Array.isArray(value) && value.some(elementTest), false);
}

function allMatcher(argument: unknown): LeafMatcher {
  const items = requireArray('$all', argument);
  if (items.length === 0) return () => false;
  const matchers = items.map((item) => {
    if (isPlainObject(item) && Object.keys(item)[0] === '$elemMatch')
      return elemMatchMatcher(item.$elemMatch);
    if (isOperatorObject(item)) throw mongoError(2, 'no $ expressions in $all');
    return anyValue(equalityTest(item));
  });
  return (leaves) => matchers.every((matcher) => matcher(leaves));
}

function notMatcher(argument: unknown): LeafMatcher {
  if (isRegexValue(argument)) return not(anyValue((value) => regexMatches(argument, value)));
  if (!isPlainObject(argument)) throw mongoError(2, '$not needs a regex or a document');
  if (Object.keys(argument).length === 0) throw mongoError(2, '$not cannot be empty');
  if (!isOperatorObject(argument)) throw mongoError(2, `unknown operator: ${Object.keys(argument)[0]}`);
  return not(compileOperators(argument));
}

function compileOperator(operator: string, argument: unknown, condition: Doc): LeafMatcher | undefined {
  switch (operator) {
    case '$eq':
      return anyValue(
        isRegexValue(argument) ? (value) => compareValues(value, argument) === 0 : equalityTest(argument),
      );
    case '$ne':
      if (isRegexValue(argument)) throw mongoError(2, "Can't have regex as arg to $ne.");
      return not(anyValue(equalityTest(argument)));
    case '$gt':
      return anyValue(comparisonTest(argument, (order) => order > 0));
    case '$gte':
      return anyValue(comparisonTest(argument, (order) => order >= 0));
    case '$lt':
      return anyValue(comparisonTest(argument, (order) => order < 0));
    case '$lte':
      return anyValue(comparisonTest(argument, (order) => order <= 0));
    case '$in':
      return inMatcher(argument);
    case '$nin':
      return not(inMatcher(argument));
    case '$exists':
      return isTruthyExpressionValue(argument)
        ? anyValue((value) => value !== MISSING, false)
        : not(anyValue((value) => value !== MISSING, false));
    case '$type':
      return typeMatcher(argument);
    case '$regex': {
      const regex = regexArgument(condition);
      return anyValue((value) => regexMatches(regex, value));
    }
    case '$options':
      if (!('$regex' in condition)) throw mongoError(51074, '$options needs a $regex');
      return undefined;
    case '$size':
      return sizeMatcher(argument);
    case '$all':
      return allMatcher(argument);
    case '$elemMatch':
      return elemMatchMatcher(argument);
    case '$mod':
      return modMatcher(argument);
    case '$not':
      return notMatcher(argument);
    case '$comment':
      return undefined;
    default:
      if (isBitOperator(operator)) return anyValue(bitTest(operator, argument));
      throw mongoError(2, `unknown operator: ${operator}`);
  }
}

function compileOperators(condition: Doc): LeafMatcher {
  const matchers: LeafMatcher[] = [];
  for (const [operator, argument] of Object.entries(condition)) {
    if (!operator.startsWith('$')) throw mongoError(2, `unknown operator: ${operator}`);
    const matcher = compileOperator(operator, argument, condition);
    if (matcher) matchers.push(matcher);
  }
  return (leaves) => matchers.every((matcher) => matcher(leaves));
}

function compileLogical(operator: string, argument: unknown, variables: Variables): DocPredicate {
  if (!Array.isArray(argument)) throw mongoError(2, `${operator} must be an array`);
  if (argument.length === 0) throw mongoError(2, '$and/$or/$nor must be a nonempty array');
  const predicates = argument.map((clause) => {
    if (!isPlainObject(clause)) throw mongoError(2, '$or/$and/$nor entries need to be full objects');
    return compileFilter(clause, variables);
  });
  if (operator === '$and') return (doc) => predicates.every((predicate) => predicate(doc));
  if (operator === '$or') return (doc) => predicates.some((predicate) => predicate(doc));
  return (doc) => !predicates.some((predicate) => predicate(doc));
}

function compileTopLevel(
  operator: string,
  argument: unknown,
  variables: Variables,
): DocPredicate | undefined {
  if (LOGICAL_OPERATORS.has(operator)) return compileLogical(operator, argument, variables);
  if (operator === '$expr')
    return (doc) => isTruthyExpressionValue(evaluateExpression(argument, doc, variables));
  if (operator === '$comment') return undefined;
  throw mongoError(2, `unknown top level operator: ${operator}`);
}

/** Compiles a condition on one field (`{ $gt: 1 }`, a literal for equality, or a regex). */
export function compileFieldMatcher(condition: unknown): LeafMatcher {
  return isOperatorObject(condition) ? compileOperators(condition) : anyValue(equalityTest(condition));
}

/** Compiles a MongoDB query filter into a predicate; `variables` are visible to `$expr` (`$lookup` let). */
export function compileFilter(filter: Doc, variables: Variables = {}): DocPredicate {
  if (!isPlainObject(filter)) throw mongoError(2, 'filter must be an object');
  const predicates: DocPredicate[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (key.startsWith('$')) {
      const predicate = compileTopLevel(key, condition, variables);
      if (predicate) predicates.push(predicate);
      continue;
    }
    const parts = splitPath(key);
    const matcher = compileFieldMatcher(condition);
    predicates.push((doc) => matcher(leafValues(doc, parts)));
  }
  return (doc) => predicates.every((predicate) => predicate(doc));
}
