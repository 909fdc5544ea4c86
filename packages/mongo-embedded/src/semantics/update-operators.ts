import { Timestamp } from 'bson';
import { mongoError } from '../errors';
import {
  bsonTypeName,
  cloneValue,
  isNumeric,
  isOperatorObject,
  isPlainObject,
  MISSING,
  type Doc,
} from './bson-types';
import { compareValues, valuesEqual } from './compare';
import { compileFieldMatcher, compileFilter } from './filter';
import { formatField, formatIdOf } from './format';
import { addNumbers, multiplyNumbers, numericKind, zeroLike } from './numbers';
import { applyPushModifiers, parsePushArgument } from './update-push';
import { locateExisting, locateForWrite, readAt, writeAt } from './update-paths';

export interface OperatorContext {
  doc: Doc;
  original: Doc;
  isInsert: boolean;
  now: Date;
}

/** Applies one update operator to one concrete path (already expanded from `$`, `$[]`, `$[id]`). */
export type UpdateOperator = (
  context: OperatorContext,
  parts: string[],
  argument: unknown,
  path: string,
) => void;

function arithmetic(
  name: '$inc' | '$mul',
  combine: (current: unknown, argument: unknown) => unknown,
): UpdateOperator {
  const verb = name === '$inc' ? 'increment' : 'multiply';
  return (context, parts, argument) => {
    const field = parts[parts.length - 1] as string;
    if (!isNumeric(argument)) {
      throw mongoError(14, `Cannot ${verb} with non-numeric argument: ${formatField(field, argument)}`);
    }
    const location = locateForWrite(context.doc, parts);
    const current = readAt(location);
    if (current === MISSING) {
      writeAt(location, name === '$inc' ? argument : multiplyNumbers(zeroLike(argument), argument));
      return;
    }
    if (!isNumeric(current)) {
      throw mongoError(
        14,
        `Cannot apply ${name} to a value of non-numeric type. ${formatIdOf(context.original)} has the field '${field}' of non-numeric type ${bsonTypeName(current)}`,
      );
    }
    const result = combine(current, argument);
    const integral = (value: unknown) => numericKind(value) === 'int' || numericKind(value) === 'long';
    if (integral(current) && integral(argument) && !integral(result)) {
      // 64-bit overflow: MongoDB refuses instead of silently turning the value into a double.
      const label = numericKind(current) === 'int' ? 'NumberInt' : 'NumberLong';
      throw mongoError(
        2,
        `Failed to apply ${name} operations to current value ((${label})${String(current)}) for document ${formatIdOf(context.original)}`,
      );
    }
    writeAt(location, result);
  };
}

function compareAndSet(keep: (order: number) => boolean): UpdateOperator {
  return (context, parts, argument) => {
    const location = locateForWrite(context.doc, parts);
    const current = readAt(location);
    if (current === MISSING || keep(compareValues(argument, current)))
      writeAt(location, cloneValue(argument));
  };
}

function existingArray(
  context: OperatorContext,
  parts: string[],
): { array: unknown[]; location: ReturnType<typeof locateExisting> } | undefined {
  const location = locateExisting(context.doc, parts);
  if (!location) return undefined;
  const current = readAt(location);
  if (current === MISSING) return undefined;
  return { array: current as unknown[], location };
}

const unset: UpdateOperator = (context, parts) => {
  const location = locateExisting(context.doc, parts);
  if (!location || readAt(location) === MISSING) return;
  if (Array.isArray(location.container)) writeAt(location, null);
  else delete location.container[location.key];
};

const set: UpdateOperator = (context, parts, argument) => {
  writeAt(locateForWrite(context.doc, parts), cloneValue(argument));
};

const currentDate: UpdateOperator = (context, parts, argument) => {
  let type = 'date';
  if (isPlainObject(argument)) {
    const keys = Object.keys(argument);
    if (
      keys.length !== 1 ||
      keys[0] !== '$type' ||
      (argument.$type !== 'date' && argument.$type !== 'timestamp')
    ) {
      throw mongoError(
        2,
        "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}",
      );
    }
    type = argument.$type;
  } else if (typeof argument !== 'boolean') {
    throw mongoError(
      2,
      `${bsonTypeName(argument)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`,
    );
  }
  const now = context.now;
  const value =
    type === 'date' ? new Date(now.getTime()) : new Timestamp({ t: Math.floor(now.getTime() / 1000), i: 1 });
  writeAt(locateForWrite(context.doc, parts), value);
};

const push: UpdateOperator = (context, parts, argument) => {
  const spec = parsePushArgument(argument);
  const location = locateForWrite(context.doc, parts);
  const current = readAt(location);
  if (current !== MISSING && !Array.isArray(current)) {
    throw mongoError(
      2,
      `The field '${parts[parts.length - 1]}' must be an array but is of type ${bsonTypeName(current)} in document ${formatIdOf(context.original)}`,
    );
  }
  writeAt(location, applyPushModifiers(current === MISSING ? [] : [...current], spec));
};

const addToSet: UpdateOperator = (context, parts, argument) => {
  let values = [argument];
  if (isPlainObject(argument) && '$each' in argument) {
    const extra = Object.keys(argument).filter((key) => key !== '$each');
    if (extra.length > 0)
      throw mongoError(2, `Found unexpected fields after $each in $addToSet: ${JSON.stringify(argument)}`);
    if (!Array.isArray(argument.$each)) {
      throw mongoError(
        2,
        `The argument to $each in $addToSet must be an array but it was of type ${bsonTypeName(argument.$each)}`,
      );
    }
    values = argument.$each;
  }
  const location = locateForWrite(context.doc, parts);
  const current = readAt(location);
  if (current !== MISSING && !Array.isArray(current)) {
    throw mongoError(
      2,
      `Cannot apply $addToSet to non-array field. Field named '${parts[parts.length - 1]}' has non-array type ${bsonTypeName(current)}`,
    );
  }
  const result = current === MISSING ? [] : [...current];
  for (const value of values) {
    if (!result.some((item) => valuesEqual(item, value))) result.push(cloneValue(value));
  }
  writeAt(location, result);
};

function removeFromArray(
  name: string,
  shouldRemove: (element: unknown) => boolean,
): (context: OperatorContext, parts: string[]) => void {
  return (context, parts) => {
    const existing = existingArray(context, parts);
    if (!existing || !existing.location) return;
    if (!Array.isArray(existing.array)) throw mongoError(2, `Cannot apply ${name} to a non-array value`);
    writeAt(
      existing.location,
      existing.array.filter((element) => !shouldRemove(element)),
    );
  };
}

/** `$pull` conditions: operators apply to each element, plain documents are queries on document elements. */
function pullCondition(argument: unknown): (element: unknown) => boolean {
  if (isOperatorObject(argument)) {
    const matcher = compileFieldMatcher(argument);
    return (element) => matcher([element]);
  }
  if (isPlainObject(argument)) {
    const predicate = compileFilter(argument);
    return (element) => isPlainObject(element) && predicate(element);
  }
  const matcher = compileFieldMatcher(argument);
  return (element) => matcher([element]);
}

const pull: UpdateOperator = (context, parts, argument) => {
  removeFromArray('$pull', pullCondition(argument))(context, parts);
};

const pullAll: UpdateOperator = (context, parts, argument) => {
  if (!Array.isArray(argument))
    throw mongoError(2, `$pullAll requires an array argument but was given a ${bsonTypeName(argument)}`);
  removeFromArray('$pull', (element) => argument.some((value) => valuesEqual(element, value)))(
    context,
    parts,
  );
};

const pop: UpdateOperator = (context, parts, argument) => {
  const direction = isNumeric(argument) ? Number(String(argument)) : Number.NaN;
  if (direction !== 1 && direction !== -1)
    throw mongoError(9, `$pop expects 1 or -1, found: ${String(argument)}`);
  const existing = existingArray(context, parts);
  if (!existing || !existing.location) return;
  if (!Array.isArray(existing.array)) {
    throw mongoError(
      14,
      `Path '${parts.join('.')}' contains an element of non-array type '${bsonTypeName(existing.array)}'`,
    );
  }
  writeAt(existing.location, direction === 1 ? existing.array.slice(0, -1) : existing.array.slice(1));
};

export const UPDATE_OPERATORS: Record<string, UpdateOperator> = {
  $set: set,
  $setOnInsert: (context, parts, argument, path) => {
    if (context.isInsert) set(context, parts, argument, path);
  },
  $unset: unset,
  $inc: arithmetic('$inc', addNumbers),
  $mul: arithmetic('$mul', multiplyNumbers),
  $min: compareAndSet((order) => order < 0),
  $max: compareAndSet((order) => order > 0),
  $currentDate: currentDate,
  $push: push,
  $addToSet: addToSet,
  $pull: pull,
  $pullAll: pullAll,
  $pop: pop,
};
