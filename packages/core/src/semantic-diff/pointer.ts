/** RFC 6901 JSON pointers, and the dotted form used in human-readable descriptions. */
export function childPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function parentPointer(pointer: string): string {
  return pointer.slice(0, pointer.lastIndexOf('/'));
}

/** `/fields/2/type` → `fields[2].type` (array indices in brackets when the value is an array). */
export function humanPath(pointer: string, arrayIndexSegments: ReadonlySet<number> = new Set()): string {
  const segments = pointerSegments(pointer);
  if (segments.length === 0) return 'document';
  return segments.reduce((path, segment, index) => {
    if (arrayIndexSegments.has(index)) return `${path}[${segment}]`;
    return path === '' ? segment : `${path}.${segment}`;
  }, '');
}
