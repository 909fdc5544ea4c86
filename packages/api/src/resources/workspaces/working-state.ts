import { GitError, type GitAdapter } from '@conman/git';
import type { CommitSha, FileChange, GitSignature, ObjectId } from '@conman/core';

/**
 * The changes that turn `from`'s tree into `to`'s tree, as commit actions: lets the working state
 * (a chain of autosave commits) become ONE commit on another parent.
 */
export async function changesBetween(
  git: GitAdapter,
  repoPath: string,
  from: CommitSha,
  to: CommitSha,
): Promise<FileChange[]> {
  const entries = await git.diffFiles(repoPath, from, to);
  const written = entries.filter((entry) => entry.status !== 'deleted');
  const blobs = await git.readBlobs(
    repoPath,
    written.map((entry) => ({ revision: to, path: entry.path })),
  );
  const contents = new Map(written.map((entry, index) => [entry.path, blobs[index]?.content]));
  return entries.map((entry): FileChange => {
    if (entry.status === 'deleted') return { action: 'delete', path: entry.path };
    const content = contents.get(entry.path);
    if (!content) throw new GitError(`Changed file vanished while squashing: ${entry.path}`);
    if (entry.status === 'renamed' && entry.oldPath !== undefined)
      return { action: 'move', from: entry.oldPath, to: entry.path, content };
    return { action: 'write', path: entry.path, content };
  });
}

/**
 * One commit on `parent` whose tree is exactly `source`'s tree. Checked, because a mode-only change
 * (executable bit) has no file action and must not vanish silently. `sourceTree`, when the caller
 * already read the source commit, saves reading it again.
 */
export async function squashOnto(
  git: GitAdapter,
  repoPath: string,
  request: {
    parent: CommitSha;
    source: CommitSha;
    sourceTree?: ObjectId;
    message: string;
    author: GitSignature;
  },
): Promise<CommitSha> {
  const changes = await changesBetween(git, repoPath, request.parent, request.source);
  const sha = await git.commitFiles(repoPath, {
    parent: request.parent,
    changes,
    message: request.message,
    author: request.author,
  });
  const [made, wantedTree] = await Promise.all([
    git.readCommit(repoPath, sha),
    request.sourceTree ?? git.readCommit(repoPath, request.source).then((commit) => commit.tree),
  ]);
  if (made.tree !== wantedTree) {
    throw new GitError('The squashed working state does not reproduce its tree', {
      source: request.source,
    });
  }
  return sha;
}
