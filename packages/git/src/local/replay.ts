import { ValidationError, type CommitSha, type GitSignature } from '@conman/core';
import type { CherryPickRequest, RebaseRequest, RevertRequest } from '../adapter';
import { MergeConflictError } from '../errors';
import { writeCommitObject } from './commit-writer';
import { commitsToReplay, mergeAroundBase, mergeBase } from './merge';
import type { ParsedCommit } from './object-format';
import type { ObjectReader } from './object-reader';

/** git's well-known empty tree: the "parent tree" of a root commit. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

async function parentTree(reader: ObjectReader, commit: ParsedCommit): Promise<string> {
  if (commit.parents.length > 1) {
    throw new ValidationError('Merge commits cannot be replayed', { commit: commit.sha });
  }
  const [parent] = commit.parents;
  return parent ? (await reader.readCommit(parent)).tree : EMPTY_TREE;
}

/**
 * Applies `commit`'s change on top of `tip`, keeping its author, date and message.
 * Returns `null` when the change is already contained in `tip` (the pick would be empty).
 */
async function pickOnto(
  reader: ObjectReader,
  commit: ParsedCommit,
  tip: ParsedCommit,
  committer: GitSignature,
): Promise<CommitSha | null> {
  const base = await parentTree(reader, commit);
  const merged = await mergeAroundBase(reader.gitDir, { base, ours: tip.tree, theirs: commit.tree });
  if (!merged.clean) {
    throw new MergeConflictError(
      merged.conflictingPaths,
      `Commit ${commit.sha} does not apply onto ${tip.sha}`,
    );
  }
  if (merged.treeSha === tip.tree && commit.tree !== base) return null;
  return writeCommitObject(reader.gitDir, {
    tree: merged.treeSha,
    parents: [tip.sha],
    message: commit.message,
    author: commit.rawAuthor,
    committer,
  });
}

export async function cherryPick(reader: ObjectReader, request: CherryPickRequest): Promise<CommitSha> {
  const [commit, tip] = await Promise.all([
    reader.readCommit(request.commit),
    reader.readCommit(request.onto),
  ]);
  return (await pickOnto(reader, commit, tip, request.committer)) ?? tip.sha;
}

/** Replays `mergeBase(onto, head)..head` onto `onto`, dropping commits that became empty. */
export async function rebase(reader: ObjectReader, request: RebaseRequest): Promise<CommitSha> {
  const [head, onto] = await Promise.all([
    reader.requireCommit(request.head),
    reader.readCommit(request.onto),
  ]);
  const base = await mergeBase(reader.gitDir, onto.sha, head);
  const commits = await commitsToReplay(reader.gitDir, base, head);
  let tip = onto;
  for (const sha of commits) {
    const picked = await pickOnto(reader, await reader.readCommit(sha), tip, request.committer);
    if (picked) tip = await reader.readCommit(picked);
  }
  return tip.sha;
}

export async function revert(reader: ObjectReader, request: RevertRequest): Promise<CommitSha> {
  const [commit, tip] = await Promise.all([
    reader.readCommit(request.commit),
    reader.readCommit(request.onto),
  ]);
  const undone = await parentTree(reader, commit);
  const merged = await mergeAroundBase(reader.gitDir, { base: commit.tree, ours: tip.tree, theirs: undone });
  if (!merged.clean) {
    throw new MergeConflictError(
      merged.conflictingPaths,
      `Commit ${commit.sha} cannot be reverted onto ${tip.sha}`,
    );
  }
  const subject = commit.message.split('\n', 1)[0] ?? '';
  return writeCommitObject(reader.gitDir, {
    tree: merged.treeSha,
    parents: [tip.sha],
    message: request.message ?? `Revert "${subject}"\n\nThis reverts commit ${commit.sha}.`,
    author: request.author,
    committer: request.committer ?? request.author,
  });
}
