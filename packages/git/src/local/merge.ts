import type { CommitSha, MergeResult } from '@conman/core';
import { GitError } from '../errors';
import { gitText, runGit } from './git-process';
import type { RawSignature } from './object-format';
import type { ObjectStore } from './object-store';

/**
 * `merge-tree --write-tree` (git ≥ 2.38): exit 0 = clean with the tree oid, exit 1 = conflicts with the
 * tree oid followed by the NUL-separated conflicting paths (conflicts are never detected from text).
 */
export async function mergeTrees(gitDir: string, ours: CommitSha, theirs: CommitSha): Promise<MergeResult> {
  const result = await runGit(
    ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', '--end-of-options', ours, theirs],
    {
      gitDir,
      okExitCodes: [0, 1],
    },
  );
  const [treeSha = '', ...rest] = result.stdout.toString('utf8').split('\0');
  if (!/^[0-9a-f]{40}$/.test(treeSha)) throw new GitError('merge-tree printed no tree');
  if (result.exitCode === 0) return { clean: true, treeSha, conflictingPaths: [] };
  const end = rest.indexOf('');
  const paths = [...new Set(end === -1 ? rest : rest.slice(0, end))];
  return { clean: false, treeSha, conflictingPaths: paths };
}

// Synthetic commits only exist to give merge-tree a chosen merge base; a fixed identity and date keep
// them deterministic, so repeating an operation reuses the same objects.
const SYNTHETIC: RawSignature = { name: 'conman', email: 'conman@localhost', date: '0 +0000' };

async function syntheticCommit(store: ObjectStore, tree: string, parents: CommitSha[]): Promise<CommitSha> {
  return store.writeCommit({
    tree,
    parents,
    message: 'synthetic merge base',
    author: SYNTHETIC,
    committer: SYNTHETIC,
  });
}

export interface ThreeWayTrees {
  base: string;
  ours: string;
  theirs: string;
}

/**
 * Three-way merge of trees around an arbitrary base. git 2.39's merge-tree has no `--merge-base`, so
 * the base becomes a parentless commit B and both sides become commits whose only parent is B: B is
 * then their sole merge base. Used for cherry-pick (base = parent of the pick) and revert (base = the
 * reverted commit, theirs = its parent).
 */
export async function mergeAroundBase(store: ObjectStore, trees: ThreeWayTrees): Promise<MergeResult> {
  if (trees.ours === trees.base || trees.ours === trees.theirs)
    return { clean: true, treeSha: trees.theirs, conflictingPaths: [] };
  if (trees.theirs === trees.base) return { clean: true, treeSha: trees.ours, conflictingPaths: [] };
  const base = await syntheticCommit(store, trees.base, []);
  const [ours, theirs] = await Promise.all([
    syntheticCommit(store, trees.ours, [base]),
    syntheticCommit(store, trees.theirs, [base]),
  ]);
  return mergeTrees(store.gitDir, ours, theirs);
}

export async function mergeBase(gitDir: string, a: CommitSha, b: CommitSha): Promise<CommitSha | null> {
  const result = await runGit(['merge-base', '--end-of-options', a, b], { gitDir, okExitCodes: [0, 1] });
  return result.exitCode === 0 ? result.stdout.toString('utf8').trim() : null;
}

export async function isAncestor(
  gitDir: string,
  ancestor: CommitSha,
  descendant: CommitSha,
): Promise<boolean> {
  const result = await runGit(['merge-base', '--is-ancestor', '--end-of-options', ancestor, descendant], {
    gitDir,
    okExitCodes: [0, 1],
  });
  return result.exitCode === 0;
}

/** Non-merge commits reachable from `head` but not from `base`, oldest first. */
export async function commitsToReplay(
  gitDir: string,
  base: CommitSha | null,
  head: CommitSha,
): Promise<CommitSha[]> {
  const range = base ? [`^${base}`, head] : [head];
  const output = await gitText(
    ['rev-list', '--reverse', '--topo-order', '--no-merges', '--end-of-options', ...range],
    { gitDir },
  );
  return output === '' ? [] : output.split('\n');
}
