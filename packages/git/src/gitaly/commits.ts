import type { CommitInfo, CommitSignature } from '@conman/core';
import { GitNotFoundError } from '../errors';
import { findCommit } from './refs';
import type { GitalyContext } from './context';
import type { CommitAuthor, GitCommit } from './gen/gitaly/shared';

function signatureOf(author: CommitAuthor | undefined): CommitSignature {
  return {
    name: author?.name.toString() ?? '',
    email: author?.email.toString() ?? '',
    date: author?.date ?? new Date(0),
    timezone: author?.timezone.toString() || '+0000',
  };
}

/** Gitaly's `body` is the whole message (subject included); `subject` alone is the fallback. */
export function commitInfoOf(commit: GitCommit): CommitInfo {
  const message = (commit.body.length > 0 ? commit.body : commit.subject).toString('utf8');
  return {
    sha: commit.id,
    tree: commit.treeId,
    parents: commit.parentIds,
    author: signatureOf(commit.author),
    committer: signatureOf(commit.committer),
    message: message.replace(/\n+$/, ''),
  };
}

export async function readCommit(
  context: GitalyContext,
  repoPath: string,
  revision: string,
): Promise<CommitInfo> {
  const { commit } = await findCommit(context, repoPath, revision);
  if (!commit?.id) throw new GitNotFoundError(`Commit not found: ${revision}`, { revision });
  return commitInfoOf(commit);
}
