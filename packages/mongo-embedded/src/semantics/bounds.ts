import { MaxKey, MinKey } from 'bson';
import {
  bsonTypeName,
  canonicalRank,
  isOperatorObject,
  isPlainObject,
  isRegexValue,
  type Doc,
} from './bson-types';
import { compareValues } from './compare';

/**
 * Index keys that can satisfy a filter's condition on one field: either exact `eq` keys or a `[min, max]` range
 * (inclusive flags), always a superset of what matches, so the caller still applies the full filter afterwards.
 * `null` in `eq` stands for null and missing (index missing fields as null, as MongoDB does).
 */
export interface IndexBounds {
  eq?: unknown[];
  min?: unknown;
  minInclusive?: boolean;
  max?: unknown;
  maxInclusive?: boolean;
}

/** Lowest and highest values of each type bracket that range queries stay within. */
function bracketLimits(value: unknown): [unknown, boolean, unknown, boolean] | undefined {
  switch (canonicalRank(bsonTypeName(value))) {
    case 10:
      return [Number.NEGATIVE_INFINITY, true, Number.POSITIVE_INFINITY, true];
    case 15:
      return ['', true, {}, false];
    case 45:
      return [new Date(-8.64e15), true, new Date(8.64e15), true];
    default:
      return undefined;
  }
}

function equalityKeys(value: unknown): unknown[] | undefined {
  if (Array.isArray(value) || isRegexValue(value)) return undefined;
  if (value instanceof MinKey || value instanceof MaxKey) return undefined;
  return [value];
}

function rangeBounds(condition: Doc): IndexBounds | undefined {
  let bounds: IndexBounds | undefined;
  for (const [operator, value] of Object.entries(condition)) {
    const lower = operator === '$gt' || operator === '$gte';
    const upper = operator === '$lt' || operator === '$lte';
    if (!lower && !upper) continue;
    const limits = bracketLimits(value);
    if (!limits) continue;
    bounds ??= { min: limits[0], minInclusive: limits[1], max: limits[2], maxInclusive: limits[3] };
    const inclusive = operator.endsWith('e');
    if (lower && compareValues(value, bounds.min) >= 0) {
      bounds.min = value;
      bounds.minInclusive = inclusive;
    }
    if (upper && compareValues(value, bounds.max) <= 0) {
      bounds.max = value;
      bounds.maxInclusive = inclusive;
    }
  }
  return bounds;
}

function conditionBounds(condition: unknown): IndexBounds | undefined {
  if (!isOperatorObject(condition)) {
    const eq = equalityKeys(condition);
    return eq ? { eq } : undefined;
  }
  if ('$eq' in condition) {
    const eq = equalityKeys(condition.$eq);
    if (eq) return { eq };
  }
  if (Array.isArray(condition.$in)) {
    const keys = condition.$in.map(equalityKeys);
    if (keys.every((key) => key !== undefined)) return { eq: keys.flat() };
  }
  return rangeBounds(condition);
}

/** Bounds on `field` implied by `filter` (top-level conditions and `$and` clauses), or undefined if none help. */
export function extractIndexBounds(filter: Doc, field: string): IndexBounds | undefined {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === field) {
      const bounds = conditionBounds(condition);
      if (bounds) return bounds;
    } else if (key === '$and' && Array.isArray(condition)) {
      for (const clause of condition) {
        const bounds = isPlainObject(clause) ? extractIndexBounds(clause, field) : undefined;
        if (bounds) return bounds;
      }
    }
  }
  return undefined;
}
