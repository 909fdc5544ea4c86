/** Offsets ↔ 1-based line numbers, and line-level helpers for per-file changes. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let index = 0; index < text.length; index += 1) {
      if (text[index] === '\n') this.starts.push(index + 1);
    }
  }

  /** The line holding `offset` (clamped into the text). */
  lineOf(offset: number): number {
    const target = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] ?? 0) <= target) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }

  /** Lines of `[start, end)`; an empty range is the line of `start`. */
  range(start: number, end: number): { lineStart: number; lineEnd: number } {
    const lineStart = this.lineOf(start);
    return { lineStart, lineEnd: Math.max(lineStart, this.lineOf(Math.max(start, end - 1))) };
  }
}

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Lines of a whole file, or nothing for an empty file. */
export function wholeFileLines(text: string): { lineStart: number; lineEnd: number } | undefined {
  const count = splitLines(text).length;
  return count === 0 ? undefined : { lineStart: 1, lineEnd: count };
}

/**
 * The block of lines that differs between two versions, located in the new file (common prefix and
 * suffix trimmed). A pure deletion points at the line where the removed block was.
 */
export function changedLineRange(
  oldText: string,
  newText: string,
): { lineStart: number; lineEnd: number } | undefined {
  const oldLines = splitLines(oldText);
  const newLines = splitLines(newText);
  let prefix = 0;
  while (prefix < oldLines.length && prefix < newLines.length && oldLines[prefix] === newLines[prefix]) {
    prefix += 1;
  }
  let suffix = 0;
  while (
    suffix < oldLines.length - prefix &&
    suffix < newLines.length - prefix &&
    oldLines[oldLines.length - 1 - suffix] === newLines[newLines.length - 1 - suffix]
  ) {
    suffix += 1;
  }
  if (newLines.length === 0 || (prefix === oldLines.length && prefix === newLines.length)) return undefined;
  const lineStart = Math.min(prefix + 1, newLines.length);
  return { lineStart, lineEnd: Math.max(lineStart, newLines.length - suffix) };
}

/** Lines present in `oldText` more often than in `newText` (a multiset difference; order ignored). */
export function deletedLineCount(oldText: string, newText: string): number {
  const remaining = new Map<string, number>();
  for (const line of splitLines(newText)) remaining.set(line, (remaining.get(line) ?? 0) + 1);
  let deleted = 0;
  for (const line of splitLines(oldText)) {
    const count = remaining.get(line) ?? 0;
    if (count > 0) remaining.set(line, count - 1);
    else deleted += 1;
  }
  return deleted;
}

/** Lines of `newText` that `oldText` does not have (multiset difference), with their line numbers. */
export function addedLines(oldText: string, newText: string): { line: number; text: string }[] {
  const available = new Map<string, number>();
  for (const line of splitLines(oldText)) available.set(line, (available.get(line) ?? 0) + 1);
  const added: { line: number; text: string }[] = [];
  splitLines(newText).forEach((text, index) => {
    const count = available.get(text) ?? 0;
    if (count > 0) available.set(text, count - 1);
    else added.push({ line: index + 1, text });
  });
  return added;
}
