import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { TreeEntry, TreeEntryType } from '@conman/core';
import { GitError } from '../errors';
import type { ListTreeOptions } from '../adapter';
import { assertRevision, assertTreePath } from '../local/validation';
import { repositoryMessage, type GitalyContext } from './context';
import { getBlobs } from './blobs';
import { CommitServiceService, TreeEntry_EntryType } from './gen/gitaly/commit';
import { resolveCommit } from './refs';
import { toGitError } from './status';

const TYPE_NAMES: Record<TreeEntry_EntryType, TreeEntryType | undefined> = {
  [TreeEntry_EntryType.BLOB]: 'blob',
  [TreeEntry_EntryType.TREE]: 'tree',
  [TreeEntry_EntryType.COMMIT]: 'commit',
  [TreeEntry_EntryType.UNRECOGNIZED]: undefined,
};

/** Git prints modes in octal, six digits (`040000` for trees). */
function octalMode(mode: number): string {
  return mode.toString(8).padStart(6, '0');
}

/** Tree entries without sizes, following GetTreeEntries' pagination cursor to the end. */
async function treeEntries(
  context: GitalyContext,
  repoPath: string,
  commit: string,
  options: ListTreeOptions,
): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const seenTokens = new Set<string>();
  let pageToken = '';
  do {
    const request = {
      repository: repositoryMessage(context, repoPath),
      revision: Buffer.from(commit),
      path: Buffer.from(options.path ?? '.'),
      recursive: options.recursive ?? false,
      paginationParams: { pageToken, limit: context.treePageSize },
    };
    let responses;
    try {
      responses = await context.transport.serverStream(CommitServiceService.getTreeEntries, request, 'read');
    } catch (error) {
      throw toGitError(error, 'listTree');
    }
    for (const response of responses) {
      for (const entry of response.entries) {
        const type = TYPE_NAMES[entry.type];
        if (!type) throw new GitError(`GetTreeEntries returned an unknown entry type ${entry.type}`);
        entries.push({
          path: entry.path.toString('utf8'),
          type,
          mode: octalMode(entry.mode),
          oid: entry.oid,
        });
      }
    }
    seenTokens.add(pageToken);
    pageToken =
      responses.find((response) => response.paginationCursor?.nextCursor)?.paginationCursor?.nextCursor ?? '';
    if (seenTokens.has(pageToken) && pageToken !== '')
      throw new GitError('GetTreeEntries repeated a pagination cursor');
  } while (pageToken !== '');
  return entries;
}

/** Gitaly's tree entries carry no sizes: one metadata-only GetBlobs pass (limit 0) adds them. */
export async function listTree(
  context: GitalyContext,
  repoPath: string,
  revision: string,
  options: ListTreeOptions = {},
): Promise<TreeEntry[]> {
  assertRevision(revision);
  if (options.path !== undefined) assertTreePath(options.path);
  const commit = await resolveCommit(context, repoPath, revision);
  const entries = await treeEntries(context, repoPath, commit, options);
  const blobs = entries.filter((entry) => entry.type === 'blob');
  const metadata = await getBlobs(
    context,
    repoPath,
    blobs.map((blob) => ({ revision: commit, path: blob.path })),
    false,
  );
  blobs.forEach((blob, index) => {
    const size = metadata[index]?.size;
    if (size !== undefined) blob.size = size;
  });
  return entries;
}

/** `path` joined under `directory`, refusing anything that would land outside it. */
function confinedPath(directory: string, path: string): string {
  assertTreePath(path);
  const target = resolve(directory, ...path.split('/'));
  const rel = relative(directory, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    throw new GitError(`Tree path escapes the target directory: ${path}`);
  return target;
}

// Blobs fetched per round trip while materializing: bounds memory for large trees.
const MATERIALIZE_BATCH = 200;

/** Writes files (with their executable bit) and symlinks; symlinks last so no write can pass through one. */
export async function materialize(
  context: GitalyContext,
  repoPath: string,
  revision: string,
  directory: string,
): Promise<void> {
  assertRevision(revision);
  const commit = await resolveCommit(context, repoPath, revision);
  const root = resolve(directory);
  await mkdir(root, { recursive: true });
  const entries = await treeEntries(context, repoPath, commit, { recursive: true });
  for (const entry of entries) {
    if (entry.type !== 'blob') await mkdir(confinedPath(root, entry.path), { recursive: true });
  }
  const blobs = entries.filter((entry) => entry.type === 'blob');
  const links: { target: string; path: string }[] = [];
  for (let start = 0; start < blobs.length; start += MATERIALIZE_BATCH) {
    const batch = blobs.slice(start, start + MATERIALIZE_BATCH);
    const contents = await getBlobs(
      context,
      repoPath,
      batch.map((blob) => ({ revision: commit, path: blob.path })),
      true,
    );
    for (const [index, blob] of batch.entries()) {
      const content = contents[index]?.content;
      if (!content) throw new GitError(`Blob vanished while materializing: ${blob.path}`);
      const target = confinedPath(root, blob.path);
      if (blob.mode === '120000') {
        links.push({ target: content.toString('utf8'), path: target });
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
      if (blob.mode === '100755') await chmod(target, 0o755);
    }
  }
  for (const link of links) await symlink(link.target, link.path);
}
