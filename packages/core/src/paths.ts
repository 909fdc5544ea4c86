import { ForbiddenError, PayloadTooLargeError, ValidationError } from './errors';
import { globToRegExp, matchesGlob } from './semantic-diff/glob';

/**
 * Guardrails of SPEC §5.4 for repository paths and file content, pure so every layer (API, jobs,
 * tests) applies the same rules. Violations raise the typed errors the API renders as 400/403/413.
 */

export const MAX_PATH_BYTES = 4096;

/** SPEC §5.4 default; apps override it with the `blocked_paths` setting. */
export const DEFAULT_BLOCKED_PATHS: readonly string[] = Object.freeze([
  '.git/**',
  '.gitignore',
  '.github/**',
]);

export type ContentEncoding = 'base64' | 'utf8';
export const CONTENT_ENCODINGS = ['base64', 'utf8'] as const;

// C0 controls, DEL and C1 controls: invisible in UIs and logs, and NUL ends C strings in git.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

function pathError(path: string, reason: string): ValidationError {
  return new ValidationError(`Invalid path: ${reason}`, { path: printable(path) });
}

/** The path as it may be echoed back: control characters escaped, length capped. */
function printable(path: string): string {
  const escaped = JSON.stringify(path).slice(1, -1);
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}

/**
 * Checks a repository path and returns it unchanged: relative, `/`-separated, no empty, `.` or `..`
 * segment, no backslash, no control character, no `.git` segment (any case), at most 4096 bytes.
 * Paths are validated, not rewritten (`a/./b` is refused rather than silently turned into `a/b`), so
 * what the client sent is exactly what is stored.
 */
export function validateRepoPath(path: string): string {
  if (path.length === 0) throw pathError(path, 'the path is empty');
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES)
    throw pathError(path, `longer than ${MAX_PATH_BYTES} bytes`);
  if (CONTROL_CHARACTER.test(path))
    throw pathError(path, 'control characters (including NUL) are not allowed');
  if (path.includes('\\')) throw pathError(path, 'use "/" as separator; backslashes are not allowed');
  if (path.startsWith('/')) throw pathError(path, 'must be relative (no leading "/")');
  if (path.endsWith('/')) throw pathError(path, 'must name a file (no trailing "/")');
  for (const segment of path.split('/')) {
    if (segment === '') throw pathError(path, 'empty segment ("//")');
    if (segment === '.' || segment === '..') throw pathError(path, `"${segment}" segments are not allowed`);
    if (segment.toLowerCase() === '.git') throw pathError(path, '".git" segments are not allowed');
  }
  return path;
}

/**
 * A directory argument (tree listings): the same rules, but the empty string, `.` and `/` mean the
 * repository root (returned as `''`).
 */
export function validateRepoDirectory(path: string | undefined): string {
  if (path === undefined || path === '' || path === '.' || path === '/') return '';
  return validateRepoPath(path.endsWith('/') ? path.slice(0, -1) : path);
}

/**
 * A matcher for an app's `blocked_paths` globs, in linear time (`matchesGlob`; `*` and `**` match
 * dotfiles, so `.github/**` works). Settings refuse a glob it cannot compile; one stored before that
 * check blocks every path (a guardrail fails closed) until an app admin fixes it.
 */
export function blockedPathMatcher(globs: readonly string[]): (path: string) => string | null {
  const unusable = globs.find((glob) => globToRegExp(glob) === undefined);
  return (path) => unusable ?? globs.find((glob) => matchesGlob(path, glob)) ?? null;
}

/** 403 when writing or deleting `path` is blocked by one of the app's globs. */
export function assertPathNotBlocked(path: string, blockedGlobs: readonly string[]): void {
  const glob = blockedPathMatcher(blockedGlobs)(path);
  if (glob !== null)
    throw new ForbiddenError(`The path "${printable(path)}" is blocked for edits`, {
      path,
      blocked_by: glob,
    });
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes `content` sent with `encoding`; invalid base64 (strict, padded alphabet) is a 400. */
export function decodeContent(content: string, encoding: ContentEncoding = 'base64'): Buffer {
  if (encoding === 'utf8') return Buffer.from(content, 'utf8');
  if (!BASE64.test(content)) throw new ValidationError('content is not valid base64', { field: 'content' });
  return Buffer.from(content, 'base64');
}

/** Encodes stored bytes for a response; `utf8` refuses content that is not valid UTF-8 (400). */
export function encodeContent(content: Buffer, encoding: ContentEncoding = 'base64'): string {
  if (encoding === 'base64') return content.toString('base64');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw new ValidationError('The file is not valid UTF-8 text; read it with encoding=base64');
  }
}

/** 413 when a file is above the app's `file_size_limit_bytes`. */
export function assertFileSize(size: number, limitBytes: number): void {
  if (size > limitBytes) {
    throw new PayloadTooLargeError(`The file is ${size} bytes; the app's limit is ${limitBytes} bytes`, {
      size_bytes: size,
      limit_bytes: limitBytes,
    });
  }
}
