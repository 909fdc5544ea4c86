import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { ValidationError } from '@conman/core';

function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The real path of `path`, or of its nearest existing ancestor joined with the missing rest. */
async function realpathOfExistingPrefix(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const parent = dirname(path);
    if (parent === path) return path;
    return join(await realpathOfExistingPrefix(parent), path.slice(parent.length + 1));
  }
}

/**
 * Maps a caller's relative repository path to an absolute directory strictly inside the storage root.
 * Lexical checks reject `..`, absolute paths and odd characters; the realpath check rejects symlinks
 * that point outside the root.
 */
export async function resolveRepoDir(storageRoot: string, repoPath: string): Promise<string> {
  const fail = (reason: string): never => {
    throw new ValidationError(`Invalid repository path: ${reason}`, { repo_path: repoPath });
  };
  // eslint-disable-next-line no-control-regex
  if (repoPath === '' || /[\x00-\x1f\x7f\\]/.test(repoPath)) fail('empty or contains forbidden characters');
  if (isAbsolute(repoPath)) fail('must be relative');
  for (const segment of repoPath.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') fail('must be normalized without . or ..');
  }
  const root = await realpath(storageRoot);
  const lexical = join(root, ...repoPath.split('/'));
  if (!isInside(root, lexical)) fail('escapes the storage root');
  let real: string;
  try {
    real = await realpathOfExistingPrefix(lexical);
  } catch (error) {
    // A file where a directory of the path should be: no repository can ever live there.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') fail('a parent of it is a file');
    throw error;
  }
  if (!isInside(root, real)) fail('escapes the storage root through a symlink');
  return real.endsWith(sep) ? real.slice(0, -1) : real;
}
