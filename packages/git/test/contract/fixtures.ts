import type { CommitSha, FileChange, GitSignature } from '@conman/core';
import type { GitAdapter } from '../../src';

export const alice: GitSignature = {
  name: 'Alice Example',
  email: 'alice@example.com',
  date: new Date('2024-01-02T03:04:05Z'),
};
export const bob: GitSignature = {
  name: 'Bob Example',
  email: 'bob@example.com',
  date: new Date('2024-02-03T04:05:06Z'),
};

export type Files = Record<string, string | Buffer>;

export function writes(files: Files): FileChange[] {
  return Object.entries(files).map(([path, content]) => ({
    action: 'write',
    path,
    content: Buffer.from(content),
  }));
}

/** A commit on `ref` from its current head (or as the first commit), moved by CAS. */
export async function commitOn(
  adapter: GitAdapter,
  repo: string,
  ref: string,
  changes: FileChange[] | Files,
  options: { message?: string; author?: GitSignature } = {},
): Promise<CommitSha> {
  const parent = await adapter.resolveRef(repo, ref);
  return adapter.commitToBranch(repo, {
    ref,
    expectedOldSha: parent,
    parent,
    changes: Array.isArray(changes) ? changes : writes(changes),
    message: options.message ?? 'change',
    author: options.author ?? alice,
  });
}

/** Creates a repository with one commit on `main` holding `files`. */
export async function seedRepository(adapter: GitAdapter, repo: string, files: Files): Promise<CommitSha> {
  await adapter.createRepository(repo);
  return commitOn(adapter, repo, 'refs/heads/main', files, { message: 'seed' });
}

export async function readText(
  adapter: GitAdapter,
  repo: string,
  revision: string,
  path: string,
): Promise<string | null> {
  const blob = await adapter.readBlob(repo, revision, path);
  return blob ? blob.content.toString('utf8') : null;
}

/** Paths of the files (blobs) of a commit, sorted. */
export async function filePaths(adapter: GitAdapter, repo: string, revision: string): Promise<string[]> {
  const entries = await adapter.listTree(repo, revision, { recursive: true });
  return entries
    .filter((entry) => entry.type === 'blob')
    .map((entry) => entry.path)
    .sort();
}
