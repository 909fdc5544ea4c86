import { isCommitSha, ValidationError } from '@conman/core';

// Rules of `git check-ref-format` (see its manual), plus: only full names under `refs/` are accepted,
// so nothing a caller passes can start with `-` or be read as a command option.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_REF_CHARS = /[\x00-\x20\x7f~^:?*[\\]/;

export function refNameProblem(name: string): string | null {
  if (!name.startsWith('refs/')) return 'must be a full name starting with refs/';
  if (FORBIDDEN_REF_CHARS.test(name)) return 'contains a forbidden character';
  if (name.includes('..')) return 'contains ..';
  if (name.includes('@{')) return 'contains @{';
  if (name.endsWith('/') || name.endsWith('.')) return 'ends with / or .';
  for (const component of name.split('/')) {
    if (component === '') return 'contains an empty component';
    if (component.startsWith('.')) return 'has a component starting with .';
    if (component.endsWith('.lock')) return 'has a component ending with .lock';
  }
  return null;
}

export function assertRefName(name: string): void {
  const problem = refNameProblem(name);
  if (problem) throw new ValidationError(`Invalid ref name: ${problem}`, { ref: name });
}

/** A revision is a full commit sha or a full ref name: never an expression, never an option. */
export function assertRevision(revision: string): void {
  if (isCommitSha(revision)) return;
  const problem = refNameProblem(revision);
  if (problem)
    throw new ValidationError(`Invalid revision: use a full sha or a full ref name (${problem})`, {
      revision,
    });
}

export function assertObjectId(oid: string): void {
  if (!isCommitSha(oid)) throw new ValidationError('Invalid object id: expected 40 hex characters', { oid });
}

// Control characters are refused because the cat-file protocol is line-based and the path guardrails forbid
// them (docs/workspaces.md "Path guardrails").
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\x00-\x1f\x7f]/;
const MAX_PATH_BYTES = 4096;

/** A repository-relative file path: `/`-separated, normalized, no `.`/`..`/empty segments. */
export function assertTreePath(path: string): void {
  const fail = (reason: string): never => {
    throw new ValidationError(`Invalid path: ${reason}`, { path });
  };
  if (path === '') fail('empty');
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) fail('too long');
  if (CONTROL_CHARS.test(path)) fail('contains a control character');
  if (path.includes('\\')) fail('contains a backslash');
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') fail('must be relative and normalized');
  }
}

/** Paths written into trees additionally may not create a `.git` entry anywhere. */
export function assertWritablePath(path: string): void {
  assertTreePath(path);
  if (path.split('/').some((segment) => segment.toLowerCase() === '.git')) {
    throw new ValidationError('Invalid path: .git segments are not allowed', { path });
  }
}

export function assertBranchName(name: string): void {
  assertRefName(`refs/heads/${name}`);
}
