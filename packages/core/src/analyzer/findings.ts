import {
  addedLines,
  childPointer,
  deletedLineCount,
  isPlainObject,
  pointerLocator,
  pointerSegments,
  splitLines,
  type FileChange,
  type SemanticChange,
} from '../semantic-diff';
import {
  detectSecret,
  findSecretInLine,
  maskSecret,
  redactSecretsInText,
  SECRET_KIND_LABELS,
  type SecretKind,
} from './secrets';
import type { AnalysisContext, Finding } from './types';

/** A modified file losing at least this many lines is a very large deletion. */
export const LARGE_DELETION_LINES = 200;
/** ...or losing more than this share of its lines, when it had at least LARGE_DELETION_MIN_FILE_LINES. */
export const LARGE_DELETION_SHARE = 0.5;
export const LARGE_DELETION_MIN_FILE_LINES = 20;

export const SECRET_FINDING_PREFIX = 'Possible plaintext secret';
export const SCHEMA_FINDING_PREFIX = 'Schema violation';

export function collectFindings(context: AnalysisContext): Finding[] {
  const files = new Map(context.files.map((file) => [file.path, file]));
  const findings: Finding[] = [];
  for (const change of context.diff.changes)
    findings.push(...changeFindings(change, files.get(change.filePath)));
  findings.push(...secretFindings(context));
  for (const failure of context.gateFailures) {
    findings.push({
      file_path: failure.path,
      ...(failure.line !== undefined ? { line: failure.line } : {}),
      severity: 'error',
      message: `${SCHEMA_FINDING_PREFIX}: ${redactSecretsInText(failure.message)}`,
    });
  }
  for (const file of context.files) {
    const finding = largeDeletionFinding(file);
    if (finding) findings.push(finding);
  }
  return dedupe(findings).sort(compareFindings);
}

function changeFindings(change: SemanticChange, file: FileChange | undefined): Finding[] {
  const details = change.details ?? {};
  const pointer = typeof details.pointer === 'string' ? details.pointer : undefined;
  const at = (line: number | undefined) => (line !== undefined ? { line } : {});
  if (typeof details.parseError === 'string') {
    return [
      {
        file_path: change.filePath,
        ...at(change.lineStart),
        severity: 'warning',
        message: `Could not be parsed (${redactSecretsInText(details.parseError)}); it was compared as a whole file`,
      },
    ];
  }
  if (typeof details.structuralLimit === 'string') {
    return [
      {
        file_path: change.filePath,
        ...at(change.lineStart),
        severity: 'warning',
        message: `Not compared structurally (${details.structuralLimit}); it was compared as text`,
      },
    ];
  }
  if (change.operation === 'moved') {
    return [
      {
        file_path: change.filePath,
        severity: 'info',
        message: `Moved from ${String(details.from)} (content unchanged)`,
      },
    ];
  }
  if (change.operation === 'removed' && (pointer === undefined || pointer === '')) {
    const lineCount = file?.oldContent !== undefined ? splitLines(file.oldContent).length : undefined;
    const size = lineCount !== undefined ? ` (${lineCount} lines)` : '';
    const large =
      lineCount !== undefined && lineCount >= LARGE_DELETION_LINES ? ' — a very large deletion' : '';
    return [
      {
        file_path: change.filePath,
        severity: 'warning',
        message: `File removed: ${change.configType} "${change.target}"${size}${large}`,
      },
    ];
  }
  if (change.operation === 'removed' && pointer !== undefined) {
    const baseLine = change.lineStart !== undefined ? ` (line ${change.lineStart} of the base version)` : '';
    return [
      {
        file_path: change.filePath,
        severity: 'warning',
        message: `Key removed: ${change.description.replace(/^Removed /, '')}${baseLine}`,
      },
    ];
  }
  if (
    change.operation === 'modified' &&
    pointer !== undefined &&
    'oldValue' in details &&
    !details.reordered
  ) {
    const before = jsonType(details.oldValue);
    const after = jsonType(details.newValue);
    if (before !== after && before !== 'null' && after !== 'null') {
      return [
        {
          file_path: change.filePath,
          ...at(change.lineStart),
          severity: 'warning',
          message: `Type changed from ${before} to ${after}: ${change.description.replace(/^Changed /, '')}`,
        },
      ];
    }
  }
  return [];
}

export interface SecretOccurrence {
  filePath: string;
  line: number | undefined;
  kind: SecretKind;
  value: string;
  /** Key path (structured files) or `line N` (other text files). */
  where: string;
}

/**
 * Secrets in what the changeset adds: added/modified values of structurally compared files (with the
 * key that holds them), and added lines of every other text file. Removed values are not reported.
 */
export function scanSecrets(context: AnalysisContext): SecretOccurrence[] {
  const files = new Map(context.files.map((file) => [file.path, file]));
  const found: SecretOccurrence[] = [];
  const structural = new Set<string>();
  const moved = new Set<string>();
  // Each file is parsed at most once to locate the secrets found in it.
  const locators = new Map<string, (pointer: string) => number | undefined>();
  const locatorFor = (path: string, content: string | undefined) => {
    if (content === undefined) return undefined;
    if (!locators.has(path)) locators.set(path, pointerLocator(path, content));
    return locators.get(path);
  };
  for (const change of context.diff.changes) {
    if (change.operation === 'moved') moved.add(change.filePath);
    const details = change.details ?? {};
    if (typeof details.pointer !== 'string') continue;
    structural.add(change.filePath);
    if (change.operation === 'removed' || !('newValue' in details)) continue;
    const content = files.get(change.filePath)?.newContent;
    walkStrings(details.newValue, details.pointer, lastKey(details.pointer), (value, pointer, key) => {
      const kind = detectSecret(value, key);
      if (!kind) return;
      const line = locatorFor(change.filePath, content)?.(pointer) ?? change.lineStart;
      found.push({ filePath: change.filePath, line, kind, value, where: pathLabel(pointer) });
    });
  }
  for (const file of context.files) {
    if (file.status === 'removed' || file.newContent === undefined) continue;
    if (structural.has(file.path) || moved.has(file.path)) continue;
    for (const { line, text } of addedLines(file.oldContent ?? '', file.newContent)) {
      const secret = findSecretInLine(text);
      if (secret) found.push({ filePath: file.path, line, ...secret, where: `line ${line}` });
    }
  }
  return found;
}

function secretFindings(context: AnalysisContext): Finding[] {
  return scanSecrets(context).map((secret) =>
    secretFinding(secret.filePath, secret.line, secret.kind, secret.value, secret.where),
  );
}

function secretFinding(
  filePath: string,
  line: number | undefined,
  kind: SecretKind,
  value: string,
  where: string,
): Finding {
  const shown = kind === 'private_key' ? 'a PEM private key block' : maskSecret(value);
  return {
    file_path: filePath,
    ...(line !== undefined ? { line } : {}),
    severity: 'error',
    message: `${SECRET_FINDING_PREFIX} (${SECRET_KIND_LABELS[kind]}) at ${where}: ${shown}. Keep secrets in runtime profile secrets, not in the repository`,
  };
}

function largeDeletionFinding(file: FileChange): Finding | undefined {
  if (file.status !== 'modified' || file.oldContent === undefined || file.newContent === undefined)
    return undefined;
  const total = splitLines(file.oldContent).length;
  const deleted = deletedLineCount(file.oldContent, file.newContent);
  const large =
    deleted >= LARGE_DELETION_LINES ||
    (total >= LARGE_DELETION_MIN_FILE_LINES && deleted / total > LARGE_DELETION_SHARE);
  if (!large) return undefined;
  return {
    file_path: file.path,
    severity: 'warning',
    message: `Very large deletion: ${deleted} of ${total} lines removed`,
  };
}

function walkStrings(
  value: unknown,
  pointer: string,
  key: string | undefined,
  visit: (value: string, pointer: string, key: string | undefined) => void,
): void {
  if (typeof value === 'string') visit(value, pointer, key);
  else if (Array.isArray(value))
    value.forEach((item, index) => walkStrings(item, childPointer(pointer, index), key, visit));
  else if (isPlainObject(value)) {
    for (const [childKey, item] of Object.entries(value))
      walkStrings(item, childPointer(pointer, childKey), childKey, visit);
  }
}

/** The key holding the value at `pointer`: its last segment that is not an array index. */
function lastKey(pointer: string): string | undefined {
  return pointerSegments(pointer)
    .reverse()
    .find((segment) => !/^\d+$/.test(segment));
}

function pathLabel(pointer: string): string {
  const segments = pointerSegments(pointer);
  if (segments.length === 0) return 'the document root';
  return segments.reduce(
    (path, segment) =>
      /^\d+$/.test(segment) ? `${path}[${segment}]` : path === '' ? segment : `${path}.${segment}`,
    '',
  );
}

function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export const SEVERITY_RANK: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

/** The order findings are reported in: by file, line, severity (errors first), message. */
export function compareFindings(left: Finding, right: Finding): number {
  return (
    compareText(left.file_path, right.file_path) ||
    (left.line ?? 0) - (right.line ?? 0) ||
    SEVERITY_RANK[left.severity] - SEVERITY_RANK[right.severity] ||
    compareText(left.message, right.message)
  );
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.file_path}\0${finding.line ?? ''}\0${finding.severity}\0${finding.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
