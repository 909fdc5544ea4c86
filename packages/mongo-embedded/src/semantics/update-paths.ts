import { mongoError } from '../errors';
import { isOperatorObject, isPlainObject, MISSING, type Doc } from './bson-types';
import { compileFieldMatcher, compileFilter, type DocPredicate } from './filter';
import { formatField } from './format';
import { getExact, isArrayIndex, leafValues } from './paths';

export type Container = Doc | unknown[];

export interface Location {
  container: Container;
  key: string;
}

export function readAt(location: Location): unknown {
  const { container, key } = location;
  if (Array.isArray(container)) {
    const value = container[Number(key)];
    return value === undefined ? MISSING : value;
  }
  return Object.prototype.hasOwnProperty.call(container, key) ? container[key] : MISSING;
}

export function writeAt(location: Location, value: unknown): void {
  const { container, key } = location;
  if (Array.isArray(container)) {
    const index = Number(key);
    while (container.length < index) container.push(null);
    container[index] = value;
  } else {
    container[key] = value;
  }
}

function cannotCreate(part: string, parentName: string, parent: unknown): Error {
  return mongoError(28, `Cannot create field '${part}' in element ${formatField(parentName, parent)}`);
}

/** Walks to the parent of `parts`, creating missing embedded documents; traversing a scalar is error 28. */
export function locateForWrite(doc: Doc, parts: readonly string[]): Location {
  let container: Container = doc;
  for (let index = 0; index < parts.length - 1; index += 1) {
    const part = parts[index] as string;
    const next = parts[index + 1] as string;
    if (Array.isArray(container) && !isArrayIndex(part)) {
      throw cannotCreate(part, parts[index - 1] ?? '', container);
    }
    let child = readAt({ container, key: part });
    if (child === MISSING) {
      child = {};
      writeAt({ container, key: part }, child);
    }
    if (!isPlainObject(child) && !Array.isArray(child)) throw cannotCreate(next, part, child);
    if (Array.isArray(child) && !isArrayIndex(next)) throw cannotCreate(next, part, child);
    container = child;
  }
  const last = parts[parts.length - 1] as string;
  if (Array.isArray(container) && !isArrayIndex(last)) {
    throw cannotCreate(last, parts[parts.length - 2] ?? '', container);
  }
  return { container, key: last };
}

/** Walks to the parent of `parts` without creating anything; undefined when the path does not exist. */
export function locateExisting(doc: Doc, parts: readonly string[]): Location | undefined {
  const parent = parts.length === 1 ? doc : getExact(doc, parts.slice(0, -1));
  const key = parts[parts.length - 1] as string;
  if (Array.isArray(parent)) return isArrayIndex(key) ? { container: parent, key } : undefined;
  if (isPlainObject(parent)) return { container: parent, key };
  return undefined;
}

/** Filters of `arrayFilters`, keyed by the identifier they bind (`{ 'x.a': 1 }` binds `x`). */
export function parseArrayFilters(arrayFilters: Doc[] | undefined): Map<string, DocPredicate> {
  const filters = new Map<string, DocPredicate>();
  for (const filter of arrayFilters ?? []) {
    if (!isPlainObject(filter)) throw mongoError(2, 'Each array filter must be an object');
    const identifiers = new Set(
      Object.keys(filter)
        .filter((key) => !key.startsWith('$'))
        .map((key) => key.split('.')[0] as string),
    );
    if (identifiers.size !== 1) {
      throw mongoError(
        9,
        `Error parsing array filter :: caused by :: Expected a single top-level field name, found ${[...identifiers].map((id) => `'${id}'`).join(' and ') || 'none'}`,
      );
    }
    const [identifier] = [...identifiers] as [string];
    if (!/^[a-z][a-zA-Z0-9]*$/.test(identifier)) {
      throw mongoError(
        2,
        `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${identifier}'`,
      );
    }
    if (filters.has(identifier))
      throw mongoError(9, `Found multiple array filters with the same top-level field name ${identifier}`);
    filters.set(identifier, compileFilter(filter));
  }
  return filters;
}

/** Conditions of a query that constrain paths (flattening top-level `$and`), used by the positional `$`. */
function queryConditions(query: Doc): [string, unknown][] {
  const conditions: [string, unknown][] = [];
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) if (isPlainObject(clause)) conditions.push(...queryConditions(clause));
    } else if (!key.startsWith('$')) {
      conditions.push([key, value]);
    }
  }
  return conditions;
}

/** Index of the first element of the array at `arrayPath` that satisfies every query condition on that array. */
export function positionalIndex(doc: Doc, arrayPath: readonly string[], query: Doc | undefined): number {
  const notFound = () =>
    mongoError(2, 'The positional operator did not find the match needed from the query.');
  const array = getExact(doc, arrayPath);
  if (!Array.isArray(array) || !query) throw notFound();
  const prefix = arrayPath.join('.');
  const relevant = queryConditions(query).filter(
    ([path]) => path === prefix || path.startsWith(`${prefix}.`),
  );
  if (relevant.length === 0) throw notFound();
  const tests = relevant.map(([path, condition]) => {
    const matcher = compileFieldMatcher(condition);
    const rest = path.slice(prefix.length + 1);
    const elementIsArrayTarget = rest === '' && isOperatorObject(condition) && '$elemMatch' in condition;
    if (rest === '') return (element: unknown) => matcher(elementIsArrayTarget ? [[element]] : [element]);
    return (element: unknown) => matcher(leafValues(element, rest));
  });
  const index = array.findIndex((element) => tests.every((test) => test(element)));
  if (index < 0) throw notFound();
  return index;
}

export interface PathResolution {
  doc: Doc;
  original: Doc;
  query: Doc | undefined;
  arrayFilters: Map<string, DocPredicate>;
  usedFilters: Set<string>;
}

function arrayForUpdate(resolution: PathResolution, prefix: readonly string[]): unknown[] {
  const value = getExact(resolution.doc, prefix);
  const name = prefix.join('.');
  if (value === MISSING)
    throw mongoError(2, `The path '${name}' must exist in the document in order to apply array updates.`);
  if (!Array.isArray(value)) {
    throw mongoError(2, `Cannot apply array updates to non-array element ${name}: ${JSON.stringify(value)}`);
  }
  return value;
}

/** Expands `$`, `$[]` and `$[id]` into the concrete paths an update touches. */
export function resolvePaths(
  resolution: PathResolution,
  parts: readonly string[],
  rawPath: string,
): string[][] {
  let paths: string[][] = [[]];
  for (const part of parts) {
    const next: string[][] = [];
    for (const prefix of paths) {
      if (part === '$') {
        next.push([...prefix, String(positionalIndex(resolution.original, prefix, resolution.query))]);
      } else if (part === '$[]') {
        arrayForUpdate(resolution, prefix).forEach((_element, index) =>
          next.push([...prefix, String(index)]),
        );
      } else if (part.startsWith('$[') && part.endsWith(']')) {
        const identifier = part.slice(2, -1);
        const predicate = resolution.arrayFilters.get(identifier);
        if (!predicate)
          throw mongoError(2, `No array filter found for identifier '${identifier}' in path '${rawPath}'`);
        resolution.usedFilters.add(identifier);
        arrayForUpdate(resolution, prefix).forEach((element, index) => {
          if (predicate({ [identifier]: element })) next.push([...prefix, String(index)]);
        });
      } else {
        next.push([...prefix, part]);
      }
    }
    paths = next;
  }
  return paths;
}
