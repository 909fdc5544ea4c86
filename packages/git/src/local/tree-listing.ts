import type { TreeEntry } from '@conman/core';
import type { ListTreeOptions } from '../adapter';
import { GitNotFoundError } from '../errors';
import { runGit } from './git-process';
import { typeOfMode } from './object-format';
import type { ObjectStore } from './object-store';

// `--long` rather than `--format`: git 2.39 C-quotes `%(path)` in --format output even with -z.

/**
 * Lists a directory of a commit. The directory is resolved to its tree oid first, so `ls-tree` only
 * ever receives a hex oid — never a caller's path — and paths are re-prefixed afterwards.
 */
export async function listTree(
  store: ObjectStore,
  revision: string,
  options: ListTreeOptions = {},
): Promise<TreeEntry[]> {
  const commit = await store.requireCommit(revision);
  const directory = options.path ?? '';
  const tree = await store.lookupPath(commit, directory);
  if (!tree || tree.type !== 'tree')
    throw new GitNotFoundError(`Directory not found: ${directory}`, { path: directory });
  const args = [
    'ls-tree',
    '-z',
    ...(options.recursive ? ['-r', '-t'] : []),
    '--long',
    '--end-of-options',
    tree.oid,
  ];
  const { stdout } = await runGit(args, { gitDir: store.gitDir });
  const prefix = directory === '' ? '' : `${directory}/`;
  return stdout
    .toString('utf8')
    .split('\0')
    .filter((record) => record !== '')
    .map((record) => {
      const tab = record.indexOf('\t');
      const [mode = '', , oid = '', size = '-'] = record.slice(0, tab).split(/ +/);
      const entry: TreeEntry = { path: prefix + record.slice(tab + 1), type: typeOfMode(mode), mode, oid };
      if (size !== '-') entry.size = Number(size);
      return entry;
    });
}
