import { STRUCTURED_LIMITS } from '../structured-limits';
import { childPointer } from './pointer';

/** One structural difference. `pointer` locates the value in the new document, or in the old one for removals. */
export interface ValueDifference {
  operation: 'added' | 'removed' | 'modified';
  pointer: string;
  oldValue?: unknown;
  newValue?: unknown;
  /** Set when a keyed array kept the same elements in a different order. */
  reordered?: true;
}

type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality without recursion (an explicit stack), so no input depth can overflow it. */
export function deepEqual(left: unknown, right: unknown): boolean {
  const pending: [unknown, unknown][] = [[left, right]];
  while (pending.length > 0) {
    const [a, b] = pending.pop() as [unknown, unknown];
    if (Object.is(a, b)) continue;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) return false;
      a.forEach((item, index) => pending.push([item, b[index]]));
    } else if (isPlainObject(a) && isPlainObject(b)) {
      const keys = Object.keys(a);
      if (keys.length !== Object.keys(b).length) return false;
      for (const key of keys) {
        if (!Object.hasOwn(b, key)) return false;
        pending.push([a[key], b[key]]);
      }
    } else if (!(typeof a === 'number' && typeof b === 'number' && a === b)) {
      return false; // 0 and -0 are equal, anything else differs
    }
  }
  return true;
}

/**
 * Structural comparison: one difference per added, removed or modified key path. Objects compare
 * key by key. Arrays whose elements (on both sides) are all objects carrying a unique `id` — or,
 * failing that, a unique `name` — are matched by that key, so inserting an element does not report
 * every later element as modified (a changed order of the same elements is one `modified` of the
 * array with `reordered: true`); other arrays compare by index. Recursion stops at
 * `STRUCTURED_LIMITS.maxDepth`: a deeper subtree that differs is one `modified` of the whole subtree.
 */
export function compareValues(oldValue: unknown, newValue: unknown): ValueDifference[] {
  const differences: ValueDifference[] = [];
  compareAt(oldValue, newValue, { oldPointer: '', newPointer: '', depth: 0 }, differences);
  return differences;
}

/** Where a comparison stands: the pointers on each side and how deep it has recursed. */
interface Position {
  oldPointer: string;
  newPointer: string;
  depth: number;
}

function childPosition(position: Position, oldKey: string | number, newKey: string | number): Position {
  return {
    oldPointer: childPointer(position.oldPointer, oldKey),
    newPointer: childPointer(position.newPointer, newKey),
    depth: position.depth + 1,
  };
}

function compareAt(oldValue: unknown, newValue: unknown, at: Position, out: ValueDifference[]): void {
  const containers =
    (isPlainObject(oldValue) && isPlainObject(newValue)) ||
    (Array.isArray(oldValue) && Array.isArray(newValue));
  if (containers && at.depth >= STRUCTURED_LIMITS.maxDepth) {
    if (!deepEqual(oldValue, newValue)) out.push(modifiedAt(at, oldValue, newValue));
    return;
  }
  if (isPlainObject(oldValue) && isPlainObject(newValue)) {
    for (const key of Object.keys(oldValue)) {
      if (!Object.hasOwn(newValue, key)) {
        out.push({
          operation: 'removed',
          pointer: childPointer(at.oldPointer, key),
          oldValue: oldValue[key],
        });
      }
    }
    for (const key of Object.keys(newValue)) {
      const child = childPosition(at, key, key);
      if (!Object.hasOwn(oldValue, key))
        out.push({ operation: 'added', pointer: child.newPointer, newValue: newValue[key] });
      else compareAt(oldValue[key], newValue[key], child, out);
    }
    return;
  }
  if (Array.isArray(oldValue) && Array.isArray(newValue)) {
    const identity = arrayIdentityKey(oldValue, newValue);
    if (identity) compareKeyedArrays(oldValue as PlainObject[], newValue as PlainObject[], identity, at, out);
    else compareIndexedArrays(oldValue, newValue, at, out);
    return;
  }
  if (!deepEqual(oldValue, newValue)) out.push(modifiedAt(at, oldValue, newValue));
}

function modifiedAt(at: Position, oldValue: unknown, newValue: unknown): ValueDifference {
  return { operation: 'modified', pointer: at.newPointer, oldValue, newValue };
}

function compareIndexedArrays(
  oldValue: unknown[],
  newValue: unknown[],
  at: Position,
  out: ValueDifference[],
): void {
  const shared = Math.min(oldValue.length, newValue.length);
  for (let index = 0; index < shared; index += 1) {
    compareAt(oldValue[index], newValue[index], childPosition(at, index, index), out);
  }
  for (let index = shared; index < oldValue.length; index += 1) {
    out.push({
      operation: 'removed',
      pointer: childPointer(at.oldPointer, index),
      oldValue: oldValue[index],
    });
  }
  for (let index = shared; index < newValue.length; index += 1) {
    out.push({ operation: 'added', pointer: childPointer(at.newPointer, index), newValue: newValue[index] });
  }
}

function compareKeyedArrays(
  oldValue: PlainObject[],
  newValue: PlainObject[],
  identity: string,
  at: Position,
  out: ValueDifference[],
): void {
  const oldIndexByKey = new Map(oldValue.map((item, index) => [identityOf(item, identity), index]));
  const newKeys = new Set(newValue.map((item) => identityOf(item, identity)));
  oldValue.forEach((item, index) => {
    if (!newKeys.has(identityOf(item, identity))) {
      out.push({ operation: 'removed', pointer: childPointer(at.oldPointer, index), oldValue: item });
    }
  });
  newValue.forEach((item, index) => {
    const oldIndex = oldIndexByKey.get(identityOf(item, identity));
    if (oldIndex === undefined) {
      out.push({ operation: 'added', pointer: childPointer(at.newPointer, index), newValue: item });
    } else compareAt(oldValue[oldIndex], item, childPosition(at, oldIndex, index), out);
  });
  const oldOrder = oldValue.filter((item) => newKeys.has(identityOf(item, identity)));
  const newOrder = newValue.filter((item) => oldIndexByKey.has(identityOf(item, identity)));
  if (
    oldOrder.some((item, index) => identityOf(item, identity) !== identityOf(newOrder[index] ?? {}, identity))
  ) {
    out.push({
      operation: 'modified',
      pointer: at.newPointer,
      oldValue: oldOrder.map((item) => item[identity]),
      newValue: newOrder.map((item) => item[identity]),
      reordered: true,
    });
  }
}

/** `id` 1 and `id` "1" are different identities. */
function identityOf(item: PlainObject, key: string): string {
  return `${typeof item[key]}:${String(item[key])}`;
}

function arrayIdentityKey(oldValue: unknown[], newValue: unknown[]): string | undefined {
  const all = [...oldValue, ...newValue];
  if (all.length === 0 || !all.every(isPlainObject)) return undefined;
  return ['id', 'name'].find(
    (key) =>
      uniqueScalarKey(oldValue as PlainObject[], key) && uniqueScalarKey(newValue as PlainObject[], key),
  );
}

function uniqueScalarKey(items: PlainObject[], key: string): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    const value = item[key];
    if (typeof value !== 'string' && typeof value !== 'number') return false;
    if (seen.has(identityOf(item, key))) return false;
    seen.add(identityOf(item, key));
  }
  return true;
}
