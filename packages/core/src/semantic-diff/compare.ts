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

export function deepEqual(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) return true;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => deepEqual(item, right[index]));
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const leftKeys = Object.keys(left);
    if (leftKeys.length !== Object.keys(right).length) return false;
    return leftKeys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key], right[key]));
  }
  return typeof left === 'number' && typeof right === 'number' && left === right; // 0 and -0
}

/**
 * Structural comparison: one difference per added, removed or modified key path. Objects compare
 * key by key. Arrays whose elements (on both sides) are all objects carrying a unique `id` — or,
 * failing that, a unique `name` — are matched by that key, so inserting an element does not report
 * every later element as modified (a changed order of the same elements is one `modified` of the
 * array with `reordered: true`); other arrays compare by index.
 */
export function compareValues(oldValue: unknown, newValue: unknown): ValueDifference[] {
  const differences: ValueDifference[] = [];
  compareAt(oldValue, newValue, '', '', differences);
  return differences;
}

function compareAt(
  oldValue: unknown,
  newValue: unknown,
  oldPointer: string,
  newPointer: string,
  out: ValueDifference[],
): void {
  if (isPlainObject(oldValue) && isPlainObject(newValue)) {
    for (const key of Object.keys(oldValue)) {
      if (!Object.hasOwn(newValue, key)) {
        out.push({ operation: 'removed', pointer: childPointer(oldPointer, key), oldValue: oldValue[key] });
      }
    }
    for (const key of Object.keys(newValue)) {
      const child = childPointer(newPointer, key);
      if (!Object.hasOwn(oldValue, key))
        out.push({ operation: 'added', pointer: child, newValue: newValue[key] });
      else compareAt(oldValue[key], newValue[key], childPointer(oldPointer, key), child, out);
    }
    return;
  }
  if (Array.isArray(oldValue) && Array.isArray(newValue)) {
    const identity = arrayIdentityKey(oldValue, newValue);
    if (identity)
      compareKeyedArrays(
        oldValue as PlainObject[],
        newValue as PlainObject[],
        identity,
        oldPointer,
        newPointer,
        out,
      );
    else compareIndexedArrays(oldValue, newValue, oldPointer, newPointer, out);
    return;
  }
  if (!deepEqual(oldValue, newValue))
    out.push({ operation: 'modified', pointer: newPointer, oldValue, newValue });
}

function compareIndexedArrays(
  oldValue: unknown[],
  newValue: unknown[],
  oldPointer: string,
  newPointer: string,
  out: ValueDifference[],
): void {
  const shared = Math.min(oldValue.length, newValue.length);
  for (let index = 0; index < shared; index += 1) {
    compareAt(
      oldValue[index],
      newValue[index],
      childPointer(oldPointer, index),
      childPointer(newPointer, index),
      out,
    );
  }
  for (let index = shared; index < oldValue.length; index += 1) {
    out.push({ operation: 'removed', pointer: childPointer(oldPointer, index), oldValue: oldValue[index] });
  }
  for (let index = shared; index < newValue.length; index += 1) {
    out.push({ operation: 'added', pointer: childPointer(newPointer, index), newValue: newValue[index] });
  }
}

function compareKeyedArrays(
  oldValue: PlainObject[],
  newValue: PlainObject[],
  identity: string,
  oldPointer: string,
  newPointer: string,
  out: ValueDifference[],
): void {
  const oldIndexByKey = new Map(oldValue.map((item, index) => [identityOf(item, identity), index]));
  const newKeys = new Set(newValue.map((item) => identityOf(item, identity)));
  oldValue.forEach((item, index) => {
    if (!newKeys.has(identityOf(item, identity))) {
      out.push({ operation: 'removed', pointer: childPointer(oldPointer, index), oldValue: item });
    }
  });
  newValue.forEach((item, index) => {
    const oldIndex = oldIndexByKey.get(identityOf(item, identity));
    const child = childPointer(newPointer, index);
    if (oldIndex === undefined) out.push({ operation: 'added', pointer: child, newValue: item });
    else compareAt(oldValue[oldIndex], item, childPointer(oldPointer, oldIndex), child, out);
  });
  const oldOrder = oldValue.filter((item) => newKeys.has(identityOf(item, identity)));
  const newOrder = newValue.filter((item) => oldIndexByKey.has(identityOf(item, identity)));
  if (
    oldOrder.some((item, index) => identityOf(item, identity) !== identityOf(newOrder[index] ?? {}, identity))
  ) {
    out.push({
      operation: 'modified',
      pointer: newPointer,
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
