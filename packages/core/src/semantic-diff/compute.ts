import { createHash } from 'node:crypto';
import { classifyPath } from './classify';
import { compareValues, type ValueDifference } from './compare';
import { describePointer, targetOf } from './describe';
import { linesOf, parseStructured, structuredFormat, type ParsedStructure } from './structured';
import { changedLineRange, wholeFileLines } from './text';
import {
  SEMANTIC_CONFIG_TYPES,
  type FileChange,
  type SemanticChange,
  type SemanticConfigType,
  type SemanticDiffResponse,
  type SemanticDiffRule,
  type SemanticOperation,
} from './types';

export interface SemanticDiffInput {
  baseSha: string;
  headSha: string;
  files: FileChange[];
  rules?: SemanticDiffRule[];
}

/** SPEC §6.6 semantic diff of one changeset; pure and deterministic (see docs/semantic-diff.md). */
export function computeSemanticDiff(input: SemanticDiffInput): SemanticDiffResponse {
  const rules = input.rules ?? [];
  const { moves, others } = pairMoves(input.files);
  const changes = [
    ...moves.map((move) => movedChange(move.from, move.to, rules)),
    ...others.flatMap((file) => fileChanges(file, rules)),
  ].sort(compareChanges);
  const byConfigType = Object.fromEntries(SEMANTIC_CONFIG_TYPES.map((type) => [type, 0])) as Record<
    SemanticConfigType,
    number
  >;
  for (const change of changes) byConfigType[change.configType] += 1;
  return {
    baseSha: input.baseSha,
    headSha: input.headSha,
    summary: { totalChanges: changes.length, byConfigType },
    changes,
  };
}

/** A removed file whose exact content reappears as an added file is a move (paired in path order). */
function pairMoves(files: FileChange[]): {
  moves: { from: FileChange; to: FileChange }[];
  others: FileChange[];
} {
  const removedByContent = new Map<string, FileChange[]>();
  for (const file of [...files].sort(byPath)) {
    if (file.status !== 'removed' || file.oldContent === undefined) continue;
    removedByContent.set(file.oldContent, [...(removedByContent.get(file.oldContent) ?? []), file]);
  }
  const moves: { from: FileChange; to: FileChange }[] = [];
  const paired = new Set<FileChange>();
  for (const file of [...files].sort(byPath)) {
    if (file.status !== 'added' || file.newContent === undefined) continue;
    const from = removedByContent.get(file.newContent)?.shift();
    if (!from) continue;
    moves.push({ from, to: file });
    paired.add(from).add(file);
  }
  return { moves, others: files.filter((file) => !paired.has(file)) };
}

function movedChange(from: FileChange, to: FileChange, rules: SemanticDiffRule[]): SemanticChange {
  const configType = classifyPath(to.path, rules);
  const content = to.newContent ?? '';
  const parsed = parseIfStructured(to.path, configType, content);
  const target = targetOf(to.path, parsed?.ok ? parsed.parsed.value : undefined);
  return change({
    configType,
    operation: 'moved',
    target,
    description: `Moved ${configType} "${target}" from ${from.path} to ${to.path}`,
    filePath: to.path,
    lines: wholeFileLines(content),
    pointer: '',
    details: { from: from.path, to: to.path },
  });
}

function fileChanges(file: FileChange, rules: SemanticDiffRule[]): SemanticChange[] {
  const configType = classifyPath(file.path, rules);
  if (file.status === 'modified') return modifiedFileChanges(file, configType);
  const added = file.status === 'added';
  const content = added ? file.newContent : file.oldContent;
  const parsed = content === undefined ? undefined : parseIfStructured(file.path, configType, content);
  const target = targetOf(file.path, parsed?.ok ? parsed.parsed.value : undefined);
  const details: Record<string, unknown> = {};
  if (content === undefined) details.binary = true;
  else if (parsed?.ok) {
    details.pointer = '';
    details[added ? 'newValue' : 'oldValue'] = parsed.parsed.value;
  } else if (parsed?.breach) details.structuralLimit = parsed.error;
  else if (parsed) details.parseError = parsed.error;
  return [
    change({
      configType,
      operation: file.status,
      target,
      description: `${added ? 'Added' : 'Removed'} ${configType} "${target}" (${file.path})`,
      filePath: file.path,
      lines: content === undefined ? undefined : wholeFileLines(content),
      pointer: '',
      details: Object.keys(details).length > 0 ? details : undefined,
    }),
  ];
}

function modifiedFileChanges(file: FileChange, configType: SemanticConfigType): SemanticChange[] {
  const { oldContent, newContent } = file;
  if (oldContent === undefined || newContent === undefined) {
    return [perFileModified(file, configType, targetOf(file.path, undefined), { binary: true })];
  }
  if (oldContent === newContent) return [];
  const oldParsed = parseIfStructured(file.path, configType, oldContent);
  const newParsed = parseIfStructured(file.path, configType, newContent);
  if (!oldParsed || !newParsed) return [perFileModified(file, configType, targetOf(file.path, undefined))];
  // Past the limits on either side: compared as text (the changed line range), never structurally.
  const breached = [oldParsed, newParsed].find((outcome) => !outcome.ok && outcome.breach);
  if (breached && !breached.ok) {
    const target = targetOf(file.path, newParsed.ok ? newParsed.parsed.value : undefined);
    return [perFileModified(file, configType, target, { structuralLimit: breached.error })];
  }
  if (!oldParsed.ok || !newParsed.ok) {
    const errors = [
      oldParsed.ok ? undefined : `base version: ${oldParsed.error}`,
      newParsed.ok ? undefined : `new version: ${newParsed.error}`,
    ].filter((error) => error !== undefined);
    const target = targetOf(file.path, newParsed.ok ? newParsed.parsed.value : undefined);
    return [perFileModified(file, configType, target, { parseError: errors.join('; ') })];
  }
  const oldDocument = oldParsed.parsed;
  const newDocument = newParsed.parsed;
  const target = targetOf(file.path, newDocument.value);
  return compareValues(oldDocument.value, newDocument.value).map((difference) =>
    keyChange(file.path, configType, target, difference, oldDocument, newDocument),
  );
}

function keyChange(
  filePath: string,
  configType: SemanticConfigType,
  target: string,
  difference: ValueDifference,
  oldDocument: ParsedStructure,
  newDocument: ParsedStructure,
): SemanticChange {
  const located = difference.operation === 'removed' ? oldDocument : newDocument;
  const path = describePointer(located.value, difference.pointer);
  const verb = {
    added: 'Added',
    removed: 'Removed',
    modified: difference.reordered ? 'Reordered' : 'Changed',
  }[difference.operation];
  const preposition = { added: 'to', removed: 'from', modified: 'in' }[difference.operation];
  const details: Record<string, unknown> = { pointer: difference.pointer };
  if (difference.operation !== 'added') details.oldValue = difference.oldValue;
  if (difference.operation !== 'removed') details.newValue = difference.newValue;
  if (difference.reordered) details.reordered = true;
  return change({
    configType,
    operation: difference.operation,
    target,
    description: `${verb} ${path} ${preposition} ${configType} "${target}"`,
    filePath,
    lines: linesOf(located, difference.pointer),
    pointer: difference.pointer,
    details,
  });
}

function perFileModified(
  file: FileChange,
  configType: SemanticConfigType,
  target: string,
  details?: Record<string, unknown>,
): SemanticChange {
  const note =
    details?.parseError !== undefined
      ? ' — could not be parsed'
      : details?.structuralLimit !== undefined
        ? ' — too deep/large to compare structurally'
        : '';
  return change({
    configType,
    operation: 'modified',
    target,
    description: `Modified ${configType} "${target}" (${file.path})${note}`,
    filePath: file.path,
    lines:
      file.oldContent !== undefined && file.newContent !== undefined
        ? changedLineRange(file.oldContent, file.newContent)
        : undefined,
    pointer: '',
    details,
  });
}

/** Asset and script files are opaque (SPEC §6.6); other JSON/YAML files are compared structurally. */
function parseIfStructured(path: string, configType: SemanticConfigType, content: string) {
  if (configType === 'asset' || configType === 'script') return undefined;
  const format = structuredFormat(path);
  return format ? parseStructured(content, format) : undefined;
}

function change(fields: {
  configType: SemanticConfigType;
  operation: SemanticOperation;
  target: string;
  description: string;
  filePath: string;
  lines: { lineStart: number; lineEnd: number } | undefined;
  pointer: string;
  details: Record<string, unknown> | undefined;
}): SemanticChange {
  const id = createHash('sha256')
    .update(`${fields.filePath}\0${fields.pointer}\0${fields.operation}`)
    .digest('hex')
    .slice(0, 24);
  return {
    id,
    configType: fields.configType,
    operation: fields.operation,
    target: fields.target,
    description: fields.description,
    filePath: fields.filePath,
    ...(fields.lines ?? {}),
    ...(fields.details ? { details: fields.details } : {}),
  };
}

function byPath(left: FileChange, right: FileChange): number {
  return compareText(left.path, right.path);
}

/** File path, then line, then JSON pointer, then operation — code-unit order, independent of locale. */
function compareChanges(left: SemanticChange, right: SemanticChange): number {
  return (
    compareText(left.filePath, right.filePath) ||
    (left.lineStart ?? 0) - (right.lineStart ?? 0) ||
    compareText(String(left.details?.pointer ?? ''), String(right.details?.pointer ?? '')) ||
    compareText(left.operation, right.operation) ||
    compareText(left.id, right.id)
  );
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
