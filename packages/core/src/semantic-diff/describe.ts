import { isPlainObject } from './compare';
import { fileStem } from './classify';
import { humanPath, pointerSegments } from './pointer';

/**
 * docs/semantic-diff.md (`target`): the config object's `name` (else `id`) when it has one, else the file
 * stem.
 */
export function targetOf(path: string, value: unknown): string {
  if (isPlainObject(value)) {
    if (typeof value.name === 'string' && value.name.trim() !== '') return value.name;
    if ((typeof value.id === 'string' && value.id.trim() !== '') || typeof value.id === 'number') {
      return String(value.id);
    }
  }
  return fileStem(path);
}

/** `fields[2].type`: segments that index into an array (in `document`) are shown in brackets. */
export function describePointer(document: unknown, pointer: string): string {
  const indices = new Set<number>();
  let current: unknown = document;
  pointerSegments(pointer).forEach((segment, index) => {
    if (Array.isArray(current)) {
      indices.add(index);
      current = current[Number(segment)];
    } else {
      current = isPlainObject(current) ? current[segment] : undefined;
    }
  });
  return humanPath(pointer, indices);
}
