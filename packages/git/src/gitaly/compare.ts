import type { CommitSha, DiffEntry, DiffStatus } from '@conman/core';
import { GitError } from '../errors';
import { repositoryMessage, type GitalyContext } from './context';
import { GitUnsupportedError } from './errors';
import { ChangedPaths_Status, DiffServiceService } from './gen/gitaly/diff';
import { CommitServiceService } from './gen/gitaly/commit';
import { RepositoryServiceService } from './gen/gitaly/repository';
import { binaryPathsOfPatch } from './patch-binaries';
import { resolveCommit } from './refs';
import { toGitError } from './status';

const STATUS_NAMES: Record<ChangedPaths_Status, DiffStatus | undefined> = {
  [ChangedPaths_Status.ADDED]: 'added',
  [ChangedPaths_Status.MODIFIED]: 'modified',
  [ChangedPaths_Status.DELETED]: 'deleted',
  [ChangedPaths_Status.TYPE_CHANGE]: 'type_changed',
  [ChangedPaths_Status.COPIED]: 'copied',
  [ChangedPaths_Status.RENAMED]: 'renamed',
  [ChangedPaths_Status.UNRECOGNIZED]: undefined,
};

function statusName(status: ChangedPaths_Status): DiffStatus {
  const name = STATUS_NAMES[status];
  if (!name) throw new GitError(`FindChangedPaths returned an unknown status ${status}`);
  return name;
}

async function resolvePair(
  context: GitalyContext,
  repoPath: string,
  a: string,
  b: string,
): Promise<[CommitSha, CommitSha]> {
  return [await resolveCommit(context, repoPath, a), await resolveCommit(context, repoPath, b)];
}

export async function diffPatch(
  context: GitalyContext,
  repoPath: string,
  from: string,
  to: string,
): Promise<Buffer> {
  const [left, right] = await resolvePair(context, repoPath, from, to);
  const request = {
    repository: repositoryMessage(context, repoPath),
    leftCommitId: left,
    rightCommitId: right,
  };
  try {
    const responses = await context.transport.serverStream(DiffServiceService.rawDiff, request, 'read');
    return Buffer.concat(responses.map((response) => response.data));
  } catch (error) {
    throw toGitError(error, 'diffPatch');
  }
}

/**
 * FindChangedPaths gives status and renames, DiffStats the line counts. Neither says "binary" (DiffStats
 * reports 0/0 for binaries), so only when some file has 0/0 the raw patch is consulted.
 */
export async function diffFiles(
  context: GitalyContext,
  repoPath: string,
  from: string,
  to: string,
): Promise<DiffEntry[]> {
  const [left, right] = await resolvePair(context, repoPath, from, to);
  const repository = repositoryMessage(context, repoPath);
  const changedRequest = {
    repository,
    requests: [
      {
        type: { $case: 'treeRequest' as const, value: { leftTreeRevision: left, rightTreeRevision: right } },
      },
    ],
    findRenames: true,
  };
  const statsRequest = { repository, leftCommitId: left, rightCommitId: right };
  let entries: DiffEntry[];
  try {
    const [changed, stats] = await Promise.all([
      context.transport.serverStream(DiffServiceService.findChangedPaths, changedRequest, 'read'),
      context.transport.serverStream(DiffServiceService.diffStats, statsRequest, 'read'),
    ]);
    const counts = new Map(
      stats.flatMap((response) => response.stats).map((stat) => [stat.path.toString('utf8'), stat]),
    );
    entries = changed
      .flatMap((response) => response.paths)
      .map((changedPath) => {
        const path = changedPath.path.toString('utf8');
        const oldPath = changedPath.oldPath.toString('utf8');
        const count = counts.get(path);
        const entry: DiffEntry = {
          path,
          status: statusName(changedPath.status),
          additions: count?.additions ?? 0,
          deletions: count?.deletions ?? 0,
          binary: false,
        };
        if (oldPath !== '' && oldPath !== path) entry.oldPath = oldPath;
        return entry;
      });
  } catch (error) {
    throw toGitError(error, 'diffFiles');
  }
  if (entries.some((entry) => entry.additions === 0 && entry.deletions === 0)) {
    const binaries = binaryPathsOfPatch(await diffPatch(context, repoPath, left, right));
    for (const entry of entries) entry.binary = binaries.has(entry.path);
  }
  return entries;
}

export async function isAncestor(
  context: GitalyContext,
  repoPath: string,
  ancestor: string,
  descendant: string,
): Promise<boolean> {
  const [ancestorId, childId] = await resolvePair(context, repoPath, ancestor, descendant);
  const request = { repository: repositoryMessage(context, repoPath), ancestorId, childId };
  try {
    return (await context.transport.unary(CommitServiceService.commitIsAncestor, request, 'read')).value;
  } catch (error) {
    throw toGitError(error, 'isAncestor');
  }
}

/**
 * An empty `base` means "no common ancestor" — or a stubbed RPC. When one commit is an ancestor of the
 * other a base must exist, so an empty answer then proves the server does not implement FindMergeBase.
 */
export async function mergeBase(
  context: GitalyContext,
  repoPath: string,
  a: string,
  b: string,
): Promise<CommitSha | null> {
  const [first, second] = await resolvePair(context, repoPath, a, b);
  const request = {
    repository: repositoryMessage(context, repoPath),
    revisions: [Buffer.from(first), Buffer.from(second)],
  };
  let base: string;
  try {
    ({ base } = await context.transport.unary(RepositoryServiceService.findMergeBase, request, 'read'));
  } catch (error) {
    throw toGitError(error, 'mergeBase');
  }
  if (base !== '') return base;
  const related =
    (await isAncestor(context, repoPath, first, second)) ||
    (await isAncestor(context, repoPath, second, first));
  if (related)
    throw new GitUnsupportedError('mergeBase', 'FindMergeBase answered an empty base for related commits');
  return null;
}
