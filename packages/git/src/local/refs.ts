import { ValidationError, type RefInfo, type RefUpdate, type TagInfo } from '@conman/core';
import { GitError, GitNotFoundError, RefConflictError } from '../errors';
import { runGit } from './git-process';
import { assertObjectId, assertRefName, refNameProblem } from './validation';

function transactionLine(update: RefUpdate): string {
  assertRefName(update.ref);
  if (update.newSha !== null) assertObjectId(update.newSha);
  if (update.expectedOldSha !== null) assertObjectId(update.expectedOldSha);
  if (update.newSha === null) {
    if (update.expectedOldSha === null)
      throw new ValidationError('Deleting a ref requires its expected old value', { ref: update.ref });
    return `delete ${update.ref} ${update.expectedOldSha}`;
  }
  if (update.expectedOldSha === null) return `create ${update.ref} ${update.newSha}`;
  return `update ${update.ref} ${update.newSha} ${update.expectedOldSha}`;
}

// Every lost compare-and-swap (wrong old value, ref exists, ref missing, lock held by a concurrent
// transaction, directory/file clash between ref names) is reported as `cannot lock ref '<ref>': ...`.
const CAS_FAILURE = /cannot lock ref '([^']+)'/g;

/**
 * Applies all updates in one `update-ref --stdin` transaction (`start`/`prepare`/`commit`): git locks
 * every ref and checks every old value before moving any, so either all move or none.
 */
export async function updateRefs(gitDir: string, updates: RefUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const refs = new Set(updates.map((update) => update.ref));
  if (refs.size !== updates.length) throw new ValidationError('A ref may appear only once per transaction');
  const script = ['start', ...updates.map(transactionLine), 'prepare', 'commit', ''].join('\n');
  const result = await runGit(['update-ref', '--stdin'], { gitDir, input: script, okExitCodes: [0, 128] });
  if (result.exitCode === 0) return;
  const conflicted = [...result.stderr.matchAll(CAS_FAILURE)].map((match) => match[1] as string);
  if (conflicted.length > 0) throw new RefConflictError([...new Set(conflicted)]);
  if (/trying to write ref .* with nonexistent object/.test(result.stderr)) {
    throw new GitNotFoundError('Ref target does not exist', { stderr: result.stderr.trim() });
  }
  throw new GitError(`Ref transaction failed: ${result.stderr.trim()}`);
}

/** Refs under a prefix, tags peeled to the commit they name. */
export async function listRefs(gitDir: string, prefix: string): Promise<RefInfo[]> {
  const directory = prefix.slice(0, prefix.lastIndexOf('/'));
  const problem = refNameProblem(directory);
  if (problem && directory !== 'refs')
    throw new ValidationError(`Invalid ref prefix: ${problem}`, { prefix });
  const { stdout } = await runGit(
    ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(*objectname)', '--', directory],
    {
      gitDir,
    },
  );
  return stdout
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [ref = '', sha = '', peeled = ''] = line.split('\0');
      return { ref, sha: peeled || sha };
    })
    .filter((info) => info.ref.startsWith(prefix));
}

export async function listTags(gitDir: string): Promise<TagInfo[]> {
  const refs = await listRefs(gitDir, 'refs/tags/');
  return refs.map((info) => ({ name: info.ref.slice('refs/tags/'.length), sha: info.sha }));
}
