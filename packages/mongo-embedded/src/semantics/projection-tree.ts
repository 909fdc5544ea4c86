import { mongoError } from '../errors';
import { isNumeric, isOperatorObject, isPlainObject, isTruthyExpressionValue, type Doc } from './bson-types';

export type ProjectionLeaf =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'expression'; expression: unknown }
  | { kind: 'slice'; argument: unknown }
  | { kind: 'elemMatch'; argument: Doc }
  | { kind: 'positional' };

export interface ProjectionNode {
  kind: 'node';
  children: Map<string, ProjectionNode | ProjectionLeaf>;
}

export interface ParsedProjection {
  root: ProjectionNode;
  /** Inclusion projections output only listed fields; exclusion projections output everything else. */
  inclusion: boolean;
}

type Dialect = 'find' | 'aggregate';

type ParsedValue = { leaf: ProjectionLeaf } | { nested: Doc };

function leafFor(value: unknown, dialect: Dialect): ParsedValue {
  if (typeof value === 'boolean' || isNumeric(value)) {
    return { leaf: isTruthyExpressionValue(value) ? { kind: 'include' } : { kind: 'exclude' } };
  }
  if (isOperatorObject(value)) {
    const [operator] = Object.keys(value) as [string];
    if (
      dialect === 'find' &&
      operator === '$slice' &&
      (isNumeric(value.$slice) || Array.isArray(value.$slice))
    ) {
      return { leaf: { kind: 'slice', argument: value.$slice } };
    }
    if (dialect === 'find' && operator === '$elemMatch') {
      if (!isPlainObject(value.$elemMatch))
        throw mongoError(2, 'elemMatch: Invalid argument, object required.');
      return { leaf: { kind: 'elemMatch', argument: value.$elemMatch } };
    }
    if (operator === '$meta') throw mongoError(17308, `Unsupported projection option: $meta`);
    return { leaf: { kind: 'expression', expression: value } };
  }
  if (isPlainObject(value)) {
    if (Object.keys(value).length === 0)
      throw mongoError(51270, 'An empty sub-projection is not a valid value. Found empty object at path');
    return { nested: value };
  }
  return { leaf: { kind: 'expression', expression: value } };
}

class ModeTracker {
  inclusion: boolean | undefined;

  note(path: string, leaf: ProjectionLeaf): void {
    if (path === '_id') return;
    const isInclusion =
      leaf.kind === 'include' ||
      leaf.kind === 'expression' ||
      leaf.kind === 'positional' ||
      leaf.kind === 'elemMatch';
    const isExclusion = leaf.kind === 'exclude';
    if (!isInclusion && !isExclusion) return;
    if (this.inclusion === undefined) this.inclusion = isInclusion;
    else if (this.inclusion && isExclusion)
      throw mongoError(31254, `Cannot do exclusion on field ${path} in inclusion projection`);
    else if (!this.inclusion && isInclusion) {
      if (leaf.kind === 'expression')
        throw mongoError(
          31252,
          `Invalid $project :: caused by :: Cannot use expression other than $meta in exclusion projection`,
        );
      throw mongoError(31253, `Cannot do inclusion on field ${path} in exclusion projection`);
    }
  }
}

function insert(node: ProjectionNode, parts: string[], leaf: ProjectionLeaf, fullPath: string): void {
  const [head, ...rest] = parts as [string, ...string[]];
  const existing = node.children.get(head);
  if (rest.length === 0) {
    if (existing) throw mongoError(31250, `Path collision at ${fullPath}`);
    node.children.set(head, leaf);
    return;
  }
  if (existing && existing.kind !== 'node')
    throw mongoError(31249, `Path collision at ${fullPath} remaining portion ${rest.join('.')}`);
  const child: ProjectionNode = existing ?? { kind: 'node', children: new Map() };
  node.children.set(head, child);
  insert(child, rest, leaf, fullPath);
}

function addSpec(root: ProjectionNode, prefix: string, spec: Doc, dialect: Dialect, mode: ModeTracker): void {
  for (const [key, value] of Object.entries(spec)) {
    if (key === '' || key.startsWith('$')) {
      throw mongoError(
        16410,
        `FieldPath field names may not start with '$'. Consider using $getField or $setField.`,
      );
    }
    const path = prefix ? `${prefix}.${key}` : key;
    if (dialect === 'find' && key.endsWith('.$')) {
      const base = path.slice(0, -2);
      mode.note(base, { kind: 'positional' });
      insert(root, base.split('.'), { kind: 'positional' }, base);
      continue;
    }
    const parsed = leafFor(value, dialect);
    if ('nested' in parsed) {
      addSpec(root, path, parsed.nested, dialect, mode);
    } else {
      mode.note(path, parsed.leaf);
      insert(root, path.split('.'), parsed.leaf, path);
    }
  }
}

export function parseProjection(spec: Doc, dialect: Dialect): ParsedProjection {
  const root: ProjectionNode = { kind: 'node', children: new Map() };
  const mode = new ModeTracker();
  addSpec(root, '', spec, dialect, mode);
  const idLeaf = root.children.get('_id');
  const inclusion =
    mode.inclusion ??
    (idLeaf !== undefined && idLeaf.kind !== 'exclude' && idLeaf.kind !== 'node' && idLeaf.kind !== 'slice');
  if (inclusion && idLeaf === undefined) root.children.set('_id', { kind: 'include' });
  else if (inclusion && idLeaf?.kind === 'exclude') root.children.delete('_id');
  else if (!inclusion && idLeaf?.kind === 'include') root.children.delete('_id');
  return { root, inclusion };
}
