import type { CommitSha, DiffEntry, DiffStatus } from '@conman/core';
import { GitError } from '../errors';
import { runGit } from './git-process';

const NO_SURPRISES = ['--no-color', '--no-ext-diff', '--no-textconv', '-M'];

export async function diffPatch(gitDir: string, from: CommitSha, to: CommitSha): Promise<Buffer> {
  const { stdout } = await runGit(
    ['diff-tree', '-r', '-p', '--full-index', ...NO_SURPRISES, '--end-of-options', from, to],
    {
      gitDir,
    },
  );
  return stdout;
}

const STATUS: Record<string, DiffStatus> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type_changed',
};

/**
 * One `diff-tree --raw --numstat -z` run gives both sections: raw records
 * (`:<modes> <oids> <status>\0<path>\0[<new path>\0]`) then numstat records
 * (`<adds>\t<dels>\t<path>\0`, or `<adds>\t<dels>\t\0<old>\0<new>\0` for renames; `-` for binaries).
 */
export async function diffFiles(gitDir: string, from: CommitSha, to: CommitSha): Promise<DiffEntry[]> {
  const { stdout } = await runGit(
    ['diff-tree', '-r', '-z', '--raw', '--numstat', ...NO_SURPRISES, '--end-of-options', from, to],
    {
      gitDir,
    },
  );
  const tokens = stdout.toString('utf8').split('\0');
  const entries: DiffEntry[] = [];
  const byPath = new Map<string, DiffEntry>();
  let index = 0;
  const next = (): string => {
    const token = tokens[index++];
    if (token === undefined) throw new GitError('Truncated diff-tree output');
    return token;
  };
  while (index < tokens.length) {
    const token = next();
    if (token === '') continue;
    if (token.startsWith(':')) {
      const letter = token.slice(token.lastIndexOf(' ') + 1, token.lastIndexOf(' ') + 2);
      const status = STATUS[letter];
      if (!status) throw new GitError(`Unexpected diff status ${letter}`);
      const first = next();
      const entry: DiffEntry =
        status === 'renamed' || status === 'copied'
          ? { path: next(), oldPath: first, status, additions: 0, deletions: 0, binary: false }
          : { path: first, status, additions: 0, deletions: 0, binary: false };
      entries.push(entry);
      byPath.set(entry.path, entry);
      continue;
    }
    const [additions = '', deletions = '', inlinePath = ''] = token.split('\t');
    let path = inlinePath;
    if (path === '') {
      next(); // the old path of a rename; the raw record already has it
      path = next();
    }
    const entry = byPath.get(path);
    if (!entry) throw new GitError(`numstat for an unknown path: ${path}`);
    entry.binary = additions === '-';
    entry.additions = entry.binary ? 0 : Number(additions);
    entry.deletions = entry.binary ? 0 : Number(deletions);
  }
  return entries;
}
