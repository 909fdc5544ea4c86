import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { extensionOf } from './classify';
import { childPointer, parentPointer } from './pointer';
import {
  parseJsonWithinLimits,
  parseYamlWithinLimits,
  type StructuredLimitBreach,
} from '../structured-limits';
import { LineIndex } from './text';

export type StructuredFormat = 'json' | 'yaml';

export interface ParsedStructure {
  value: unknown;
  /** Source offsets `[start, end)` of each key path (a map entry spans its key through its value). */
  positions: Map<string, [number, number]>;
  lines: LineIndex;
}

export function structuredFormat(path: string): StructuredFormat | undefined {
  const extension = extensionOf(path);
  if (extension === 'json') return 'json';
  if (extension === 'yaml' || extension === 'yml') return 'yaml';
  return undefined;
}

export type StructuredParse =
  { ok: true; parsed: ParsedStructure } | { ok: false; error: string; breach?: StructuredLimitBreach };

/**
 * Parses a JSON or YAML file within `STRUCTURED_LIMITS` (a file past them is not parsed: `breach`
 * says why it cannot be compared structurally). JSON values come from `JSON.parse` (so YAML-only
 * syntax such as comments or trailing commas is still a JSON parse error); positions come from
 * `yaml`'s `parseDocument`, JSON being YAML 1.2 flow syntax. JSON text never holds a raw tab inside a
 * string, so tabs are turned into spaces (YAML forbids tab indentation) without moving any offset. If
 * YAML cannot read a valid JSON file, its changes simply carry no line numbers.
 */
export function parseStructured(text: string, format: StructuredFormat): StructuredParse {
  const lines = new LineIndex(text);
  const positions = new Map<string, [number, number]>();
  if (format === 'json') {
    const outcome = parseJsonWithinLimits(text);
    if (!outcome.ok) {
      return outcome.breach
        ? { ok: false, error: outcome.error, breach: outcome.breach }
        : { ok: false, error: `invalid JSON: ${outcome.error}` };
    }
    // Within the limits already: the bracket nesting the YAML parser meets is bounded.
    const document = parseDocument(text.replace(/\t/g, ' '), { uniqueKeys: false, prettyErrors: false });
    if (document.errors.length === 0) collectPositions(document.contents, '', positions, text.length);
    return { ok: true, parsed: { value: outcome.value, positions, lines } };
  }
  const outcome = parseYamlWithinLimits(text);
  if (!outcome.ok) {
    return outcome.breach
      ? { ok: false, error: outcome.error, breach: outcome.breach }
      : { ok: false, error: `invalid YAML: ${outcome.error.split('\n')[0]}` };
  }
  if (outcome.documents.length > 1) {
    return { ok: false, error: 'invalid YAML: the file holds several documents' };
  }
  collectPositions(outcome.documents[0]?.contents ?? null, '', positions, text.length);
  return { ok: true, parsed: { value: outcome.values[0] ?? null, positions, lines } };
}

function collectPositions(
  node: YamlNode | null,
  pointer: string,
  positions: Map<string, [number, number]>,
  textLength: number,
): void {
  if (pointer === '') positions.set('', node?.range ? [node.range[0], node.range[1]] : [0, textLength]);
  if (!node || isAlias(node) || isScalar(node)) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as YamlNode | null;
      const value = pair.value as YamlNode | null;
      const keyText = isScalar(key) ? String(key.value ?? '') : String(key ?? '');
      const child = childPointer(pointer, keyText);
      const start = key?.range?.[0] ?? value?.range?.[0];
      const end = value?.range && value.range[1] > value.range[0] ? value.range[1] : key?.range?.[1];
      if (start !== undefined && end !== undefined) positions.set(child, [start, end]);
      collectPositions(value, child, positions, textLength);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const child = childPointer(pointer, index);
      const itemNode = item as YamlNode | null;
      if (itemNode?.range) positions.set(child, [itemNode.range[0], itemNode.range[1]]);
      collectPositions(itemNode, child, positions, textLength);
    });
  }
}

/** Lines of a key path; a path without its own position (e.g. under an alias) uses its nearest ancestor. */
export function linesOf(
  parsed: ParsedStructure,
  pointer: string,
): { lineStart: number; lineEnd: number } | undefined {
  let current = pointer;
  for (;;) {
    const position = parsed.positions.get(current);
    if (position) return parsed.lines.range(position[0], position[1]);
    if (current === '') return undefined;
    current = parentPointer(current);
  }
}

/**
 * Parses a JSON/YAML file once and returns a function giving the first line of a key path (undefined
 * when the file does not parse or the path is not located).
 */
export function pointerLocator(path: string, content: string): (pointer: string) => number | undefined {
  const format = structuredFormat(path);
  const result = format ? parseStructured(content, format) : undefined;
  return (pointer) => (result?.ok ? linesOf(result.parsed, pointer)?.lineStart : undefined);
}
