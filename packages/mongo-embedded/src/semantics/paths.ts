import { isPlainObject, MISSING, type Doc } from './bson-types';

export function splitPath(path: string): string[] {
  return path.split('.');
}

export function isArrayIndex(part: string): boolean {
  return /^(0|[1-9]\d*)$/.test(part);
}

function traverse(current: unknown, parts: readonly string[], position: number, out: unknown[]): void {
  if (position === parts.length) {
    out.push(current);
    return;
  }
  const part = parts[position] as string;
  if (Array.isArray(current)) {
    const before = out.length;
    if (isArrayIndex(part) && Number(part) < current.length)
      traverse(current[Number(part)], parts, position + 1, out);
    for (const element of current) {
      if (isPlainObject(element)) traverse(element, parts, position, out);
    }
    if (out.length === before) out.push(MISSING);
    return;
  }
  if (isPlainObject(current) && Object.prototype.hasOwnProperty.call(current, part)) {
    traverse(current[part], parts, position + 1, out);
    return;
  }
  out.push(MISSING);
}

/**
 * The values a query predicate sees at a dotted path: arrays on the way are traversed element by element,
 * numeric components also index arrays; unreachable paths yield MISSING. Leaf arrays are not expanded here.
 */
export function leafValues(doc: unknown, path: string | readonly string[]): unknown[] {
  const out: unknown[] = [];
  traverse(doc, typeof path === 'string' ? splitPath(path) : path, 0, out);
  return out;
}

/** Values at a dotted path with MongoDB's multikey expansion (leaf arrays yield their elements); missing → []. */
export function getPathValues(doc: Doc, path: string): unknown[] {
  const values: unknown[] = [];
  for (const leaf of leafValues(doc, path)) {
    if (leaf === MISSING) continue;
    if (Array.isArray(leaf)) values.push(...leaf);
    else values.push(leaf);
  }
  return values;
}

/** Plain lookup without array traversal except numeric indexes (used by expressions and positional updates). */
export function getExact(doc: unknown, parts: readonly string[]): unknown {
  let current: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(current) && isArrayIndex(part)) current = current[Number(part)];
    else if (isPlainObject(current) && Object.prototype.hasOwnProperty.call(current, part))
      current = current[part];
    else return MISSING;
    if (current === undefined) return MISSING;
  }
  return current;
}
