import * as grpc from '@grpc/grpc-js';
import type { DiffEntry, DiffStatus } from '@conman/core';
import {
  ConflictsServiceService,
  type ConflictsServiceServer,
} from '../../../src/gitaly/gen/gitaly/conflicts';
import {
  ChangedPaths_Status,
  DiffServiceService,
  type ChangedPaths,
  type DiffServiceServer,
} from '../../../src/gitaly/gen/gitaly/diff';
import type { ServiceContext } from './context';
import { chunksOf } from './convert';
import { RpcStatusError } from './status';

const STATUSES: Record<DiffStatus, ChangedPaths_Status> = {
  added: ChangedPaths_Status.ADDED,
  modified: ChangedPaths_Status.MODIFIED,
  deleted: ChangedPaths_Status.DELETED,
  type_changed: ChangedPaths_Status.TYPE_CHANGE,
  copied: ChangedPaths_Status.COPIED,
  renamed: ChangedPaths_Status.RENAMED,
};

/** Without rename detection a rename is a deletion plus an addition, as in `git diff-tree` without -M. */
function changedPaths(entries: DiffEntry[], findRenames: boolean): ChangedPaths[] {
  return entries.flatMap((entry): ChangedPaths[] => {
    const path = Buffer.from(entry.path);
    const oldPath = Buffer.from(entry.oldPath ?? '');
    if (entry.status === 'renamed' && !findRenames) {
      return [
        { path: oldPath, status: ChangedPaths_Status.DELETED, oldPath: Buffer.alloc(0) },
        { path, status: ChangedPaths_Status.ADDED, oldPath: Buffer.alloc(0) },
      ];
    }
    return [{ path, status: STATUSES[entry.status], oldPath }];
  });
}

export function diffService(context: ServiceContext): [typeof DiffServiceService, DiffServiceServer] {
  const { local, handlers, settings } = context;
  return [
    DiffServiceService,
    {
      rawDiff: handlers.serverStream('RawDiff', async (request) => {
        const patch = await local.diffPatch(
          context.repoPath(request.repository),
          request.leftCommitId,
          request.rightCommitId,
        );
        return chunksOf(patch, settings.blobChunkBytes).map((data) => ({ data }));
      }),
      diffStats: handlers.serverStream('DiffStats', async (request) => {
        const entries = await local.diffFiles(
          context.repoPath(request.repository),
          request.leftCommitId,
          request.rightCommitId,
        );
        const stats = entries.map((entry) => ({
          path: Buffer.from(entry.path),
          additions: entry.additions,
          deletions: entry.deletions,
          oldPath: Buffer.from(entry.oldPath ?? ''),
        }));
        return [{ stats }];
      }),
      findChangedPaths: handlers.serverStream('FindChangedPaths', async (request) => {
        const repoPath = context.repoPath(request.repository);
        const paths: ChangedPaths[] = [];
        for (const { type } of request.requests) {
          if (type?.$case === 'treeRequest') {
            const entries = await local.diffFiles(
              repoPath,
              type.value.leftTreeRevision,
              type.value.rightTreeRevision,
            );
            paths.push(...changedPaths(entries, request.findRenames));
          } else {
            throw new RpcStatusError(grpc.status.INVALID_ARGUMENT, 'this server answers tree requests only');
          }
        }
        return [{ paths }];
      }),
    },
  ];
}

export function conflictsService(
  context: ServiceContext,
): [typeof ConflictsServiceService, ConflictsServiceServer] {
  const { local, handlers } = context;
  return [
    ConflictsServiceService,
    {
      listConflictFiles: handlers.serverStream('ListConflictFiles', async (request) => {
        if (!request.skipContent) {
          throw new RpcStatusError(
            grpc.status.INVALID_ARGUMENT,
            'this server lists conflict paths only (skip_content)',
          );
        }
        const result = await local.mergeCommits(
          context.repoPath(request.repository),
          request.ourCommitOid,
          request.theirCommitOid,
        );
        const files = result.conflictingPaths.map((path) => ({
          conflictFilePayload: {
            $case: 'header' as const,
            value: {
              commitOid: request.ourCommitOid,
              theirPath: Buffer.from(path),
              ourPath: Buffer.from(path),
            },
          },
        }));
        return [{ files }];
      }),
    },
  ];
}
