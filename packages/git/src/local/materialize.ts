import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { ValidationError, type CommitSha } from '@conman/core';
import { GitError } from '../errors';
import { spawnFailure, spawnGit } from './git-process';

function exitOf(child: ReturnType<typeof spawn>, name: string, stderr: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(spawnFailure(error)));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new GitError(`${name} failed (exit ${code}): ${stderr().trim()}`)),
    );
  });
}

/**
 * `git archive <commit> | tar -x -C <dir>`, piped in node (no shell). Git trees cannot hold absolute
 * or `..` paths, so the archive cannot write outside the directory.
 */
export async function materialize(gitDir: string, commit: CommitSha, directory: string): Promise<void> {
  if (!isAbsolute(directory))
    throw new ValidationError('materialize needs an absolute directory', { directory });
  await mkdir(directory, { recursive: true });
  const archive = spawnGit(gitDir, ['archive', '--format=tar', '--end-of-options', commit], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tar = spawn('tar', ['-x', '--no-same-owner', '--no-same-permissions', '-C', directory, '-f', '-'], {
    shell: false,
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
  });
  let archiveErr = '';
  let tarErr = '';
  archive.stderr?.on('data', (chunk: Buffer) => (archiveErr += chunk.toString('utf8')));
  tar.stderr?.on('data', (chunk: Buffer) => (tarErr += chunk.toString('utf8')));
  tar.stdin?.on('error', () => undefined);
  if (archive.stdout && tar.stdin) archive.stdout.pipe(tar.stdin);
  await Promise.all([exitOf(archive, 'git archive', () => archiveErr), exitOf(tar, 'tar', () => tarErr)]);
}
