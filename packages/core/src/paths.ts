import { ForbiddenError, PayloadTooLargeError, ValidationError } from './errors';
import { gitReservedName } from './git-reserved-names';
import { isWellFormedText, unsafeTextReason } from './text-safety';
import { globToRegExp, matchesGlob } from './semantic-diff/glob';

/**
 * Guardrails of SPEC §5.4 for repository paths and file content, pure so every layer (API, jobs,
 * tests) applies the same rules. Violations raise the typed errors the API renders as 400/403/413.
 */

export const MAX_PATH_BYTES = 4096;
/** Longest file or directory name most filesystems (ext4, APFS, NTFS) can create, where gates check out. */
export const MAX_SEGMENT_BYTES = 255;

/** SPEC §5.4 default; apps override it with the `blocked_paths` setting. */
export const DEFAULT_BLOCKED_PATHS: readonly string[] = Object.freeze([
  '.git/**',
  '.gitignore',
  '.github/**',
]);

export type ContentEncoding = 'base64' | 'utf8';
export const CONTENT_ENCODINGS = ['base64', 'utf8'] as const;

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
 * segment, no backslash, no control or bidi character, valid Unicode, at most 4096 bytes and 255 bytes
 * per segment, and no segment Git refuses on any platform (`.git` and `.gitmodules` in every spelling
 * NTFS or HFS+ folds to them, see `gitReservedName`). Paths are validated, not rewritten (`a/./b` is
 * refused rather than silently turned into `a/b`), so what the client sent is exactly what is stored.
 */
export function validateRepoPath(path: string): string {
  if (path.length === 0) throw pathError(path, 'the path is empty');
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES)
    throw pathError(path, `longer than ${MAX_PATH_BYTES} bytes`);
  const unsafe = unsafeTextReason(path, 'single_line');
  if (unsafe !== undefined) throw pathError(path, unsafe);
  if (path.includes('\\')) throw pathError(path, 'use "/" as separator; backslashes are not allowed');
  if (path.startsWith('/')) throw pathError(path, 'must be relative (no leading "/")');
  if (path.endsWith('/')) throw pathError(path, 'must name a file (no trailing "/")');
  for (const segment of path.split('/')) {
    if (segment === '') throw pathError(path, 'empty segment ("//")');
    if (segment === '.' || segment === '..') throw pathError(path, `"${segment}" segments are not allowed`);
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES)
      throw pathError(path, `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
    const reserved = gitReservedName(segment);
    if (reserved !== undefined)
      throw pathError(path, `"${reserved}" segments are not allowed, in any spelling Git refuses`);
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

/**
 * Decodes `content` sent with `encoding`. Base64 must be canonical (RFC 4648: padded standard
 * alphabet, no whitespace, zero pad bits): Node's lenient decoder skips anything else, so decoding and
 * re-encoding gives back exactly the input only for canonical text. Both steps are native and linear,
 * so every size up to the body limit is checked (a regex over the whole text overflowed the stack).
 * utf8 content must be valid Unicode: a lone surrogate would be stored as U+FFFD. Both refusals are 400.
 */
export function decodeContent(content: string, encoding: ContentEncoding = 'base64'): Buffer {
  if (encoding === 'utf8') {
    if (!isWellFormedText(content))
      throw new ValidationError('content contains a lone UTF-16 surrogate', { field: 'content' });
    return Buffer.from(content, 'utf8');
  }
  const decoded = Buffer.from(content, 'base64');
  if (decoded.toString('base64') !== content)
    throw new ValidationError('content is not valid base64', { field: 'content' });
  return decoded;
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
