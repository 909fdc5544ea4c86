import { ValidationError, type CommitSha, type GitSignature } from '@conman/core';
import type { CherryPickRequest, RebaseRequest, RevertRequest } from '../adapter';
import { MergeConflictError } from '../errors';
import { commitsToReplay, mergeAroundBase, mergeBase } from './merge';
import type { ParsedCommit } from './object-format';
import type { ObjectStore } from './object-store';

/** git's well-known empty tree: the "parent tree" of a root commit. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

async function parentTree(store: ObjectStore, commit: ParsedCommit): Promise<string> {
  if (commit.parents.length > 1) {
    throw new ValidationError('Merge commits cannot be replayed', { commit: commit.sha });
  }
  const [parent] = commit.parents;
  return parent ? (await store.readCommit(parent)).tree : EMPTY_TREE;
}

/**
 * Applies `commit`'s change on top of `tip`, keeping its author, date and message.
 * Returns `null` when the change is already contained in `tip` (the pick would be empty).
 */
async function pickOnto(
  store: ObjectStore,
  commit: ParsedCommit,
  tip: ParsedCommit,
  committer: GitSignature,
): Promise<CommitSha | null> {
  const base = await parentTree(store, commit);
  const merged = await mergeAroundBase(store, { base, ours: tip.tree, theirs: commit.tree });
  if (!merged.clean) {
    throw new MergeConflictError(
      merged.conflictingPaths,
      `Commit ${commit.sha} does not apply onto ${tip.sha}`,
    );
  }
  if (merged.treeSha === tip.tree && commit.tree !== base) return null;
  return store.writeCommit({
    tree: merged.treeSha,
    parents: [tip.sha],
    message: commit.message,
    author: commit.rawAuthor,
    committer,
  });
}

export async function cherryPick(store: ObjectStore, request: CherryPickRequest): Promise<CommitSha> {
  const [commit, tip] = await Promise.all([store.readCommit(request.commit), store.readCommit(request.onto)]);
  return (await pickOnto(store, commit, tip, request.committer)) ?? tip.sha;
}

/** Replays `mergeBase(onto, head)..head` onto `onto`, dropping commits that became empty. */
export async function rebase(store: ObjectStore, request: RebaseRequest): Promise<CommitSha> {
  const [head, onto] = await Promise.all([store.requireCommit(request.head), store.readCommit(request.onto)]);
  const base = await mergeBase(store.gitDir, onto.sha, head);
  const commits = await commitsToReplay(store.gitDir, base, head);
  let tip = onto;
  for (const sha of commits) {
    const picked = await pickOnto(store, await store.readCommit(sha), tip, request.committer);
    if (picked) tip = await store.readCommit(picked);
  }
  return tip.sha;
}

export async function revert(store: ObjectStore, request: RevertRequest): Promise<CommitSha> {
  const [commit, tip] = await Promise.all([store.readCommit(request.commit), store.readCommit(request.onto)]);
  const undone = await parentTree(store, commit);
  const merged = await mergeAroundBase(store, { base: commit.tree, ours: tip.tree, theirs: undone });
  if (!merged.clean) {
    throw new MergeConflictError(
      merged.conflictingPaths,
      `Commit ${commit.sha} cannot be reverted onto ${tip.sha}`,
    );
  }
  const subject = commit.message.split('\n', 1)[0] ?? '';
  return store.writeCommit({
    tree: merged.treeSha,
    parents: [tip.sha],
    message: request.message ?? `Revert "${subject}"\n\nThis reverts commit ${commit.sha}.`,
    author: request.author,
    committer: request.committer ?? request.author,
  });
}
