import { NotFoundError, ValidationError } from '@conman/core';
import { refNameProblem, type GitAdapter } from '@conman/git';

export type RevisionRequest = { ref: string; commitSha?: undefined } | { ref?: undefined; commitSha: string };

/**
 * The full ref names a client's `ref` may mean: a full name (`refs/...`) as is, otherwise a branch,
 * then a tag. Every candidate must pass `git check-ref-format` rules, so nothing reaches git as an
 * option or a revision expression (`main~1`, `HEAD@{1}`, `-x` are refused).
 */
export function refCandidates(ref: string): string[] {
  if (ref.startsWith('-')) throw new ValidationError('Invalid ref name: starts with -', { ref });
  const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
  for (const candidate of candidates) {
    const problem = refNameProblem(candidate);
    if (problem) throw new ValidationError(`Invalid ref name: ${problem}`, { ref });
  }
  return candidates;
}

/** The commit to validate; a ref or commit the app's repository does not have is a 404. */
export async function resolveRevision(
  git: GitAdapter,
  repoPath: string,
  request: RevisionRequest,
): Promise<string> {
  if (request.commitSha !== undefined) {
    const sha = request.commitSha.toLowerCase();
    if (sha.length !== 40)
      // The repositories are SHA-1; a SHA-256 name cannot name one of their commits.
      throw new NotFoundError('No such commit in the app repository', { commit_sha: sha });
    const resolved = await git.resolveRef(repoPath, sha);
    if (!resolved) throw new NotFoundError('No such commit in the app repository', { commit_sha: sha });
    return resolved;
  }
  for (const candidate of refCandidates(request.ref)) {
    const resolved = await git.resolveRef(repoPath, candidate);
    if (resolved) return resolved;
  }
  throw new NotFoundError('No such ref in the app repository', { ref: request.ref });
}
