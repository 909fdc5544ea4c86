import * as grpc from '@grpc/grpc-js';
import type { TreeEntry } from '@conman/core';
import {
  BlobServiceService,
  type BlobServiceServer,
  type GetBlobsResponse,
} from '../../../src/gitaly/gen/gitaly/blob';
import {
  CommitServiceService,
  TreeEntry_EntryType,
  type CommitServiceServer,
  type GetTreeEntriesResponse,
} from '../../../src/gitaly/gen/gitaly/commit';
import { ObjectType } from '../../../src/gitaly/gen/gitaly/shared';
import type { ServiceContext } from './context';
import { chunksOf, gitCommitOf } from './convert';
import { RpcStatusError } from './status';

const ENTRY_TYPES = {
  blob: TreeEntry_EntryType.BLOB,
  tree: TreeEntry_EntryType.TREE,
  commit: TreeEntry_EntryType.COMMIT,
};
const OBJECT_TYPES = { blob: ObjectType.BLOB, tree: ObjectType.TREE, commit: ObjectType.COMMIT };

/** One page of entries; the cursor is the path of the page's last entry (opaque to clients). */
function page(
  entries: TreeEntry[],
  token: string,
  limit: number,
): { entries: TreeEntry[]; nextCursor: string } {
  const start = token === '' ? 0 : entries.findIndex((entry) => entry.path === token) + 1;
  if (token !== '' && start === 0)
    throw new RpcStatusError(grpc.status.INVALID_ARGUMENT, 'could not find starting OID');
  if (limit < 0) return { entries: entries.slice(start), nextCursor: '' };
  const selected = entries.slice(start, start + limit);
  const more = start + limit < entries.length;
  return { entries: selected, nextCursor: more ? (selected.at(-1)?.path ?? '') : '' };
}

export function commitService(context: ServiceContext): [typeof CommitServiceService, CommitServiceServer] {
  const { local, handlers, settings } = context;
  return [
    CommitServiceService,
    {
      findCommit: handlers.unary('FindCommit', async (request) => {
        const repoPath = context.repoPath(request.repository);
        const sha = await local.resolveRef(repoPath, request.revision.toString());
        return { commit: sha ? gitCommitOf(await local.readCommit(repoPath, sha)) : undefined };
      }),
      commitIsAncestor: handlers.unary('CommitIsAncestor', async (request) => ({
        value: await local.isAncestor(
          context.repoPath(request.repository),
          request.ancestorId,
          request.childId,
        ),
      })),
      getTreeEntries: handlers.serverStream('GetTreeEntries', async (request) => {
        const repoPath = context.repoPath(request.repository);
        const revision = request.revision.toString();
        const path = request.path.toString();
        if (path === '') throw new RpcStatusError(grpc.status.INVALID_ARGUMENT, 'empty Path');
        const commit = await local.resolveRef(repoPath, revision);
        if (!commit) throw new RpcStatusError(grpc.status.NOT_FOUND, 'revision not found');
        const listed = await local.listTree(repoPath, commit, {
          path: path === '.' ? undefined : path,
          recursive: request.recursive,
        });
        const pagination = request.paginationParams;
        const { entries, nextCursor } = pagination
          ? page(listed, pagination.pageToken, pagination.limit)
          : { entries: listed, nextCursor: '' };
        const messages: GetTreeEntriesResponse[] = [];
        for (let start = 0; start < entries.length || start === 0; start += settings.treeEntriesPerMessage) {
          const slice = entries.slice(start, start + settings.treeEntriesPerMessage).map((entry) => ({
            oid: entry.oid,
            path: Buffer.from(entry.path),
            type: ENTRY_TYPES[entry.type],
            mode: parseInt(entry.mode, 8),
            commitOid: commit,
            flatPath: Buffer.from(entry.path),
          }));
          messages.push({ entries: slice, paginationCursor: undefined });
        }
        // Upstream sends the cursor with the first message of a page.
        const [first] = messages;
        if (first && pagination) first.paginationCursor = { nextCursor };
        return messages;
      }),
    },
  ];
}

function blobMessages(
  metadata: Omit<GetBlobsResponse, 'data'>,
  data: Buffer,
  chunkBytes: number,
): GetBlobsResponse[] {
  const [firstChunk = Buffer.alloc(0), ...rest] = chunksOf(data, chunkBytes);
  const empty = {
    size: '0',
    oid: '',
    mode: 0,
    revision: '',
    path: Buffer.alloc(0),
    type: ObjectType.UNKNOWN,
  };
  return [{ ...metadata, data: firstChunk }, ...rest.map((chunk) => ({ ...empty, data: chunk }))];
}

export function blobService(context: ServiceContext): [typeof BlobServiceService, BlobServiceServer] {
  const { local, handlers, settings } = context;
  return [
    BlobServiceService,
    {
      getBlobs: handlers.serverStream('GetBlobs', async (request) => {
        const repoPath = context.repoPath(request.repository);
        const limit = Number(request.limit);
        const messages: GetBlobsResponse[] = [];
        for (const { revision, path: rawPath } of request.revisionPaths) {
          const path = rawPath.toString();
          const missing = {
            size: '0',
            data: Buffer.alloc(0),
            oid: '',
            mode: 0,
            revision,
            path: rawPath,
            type: ObjectType.UNKNOWN,
          };
          const commit = await local.resolveRef(repoPath, revision);
          if (!commit) {
            messages.push(missing);
            continue;
          }
          const directory = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
          const listing = await context.directoryListing(repoPath, commit, directory);
          const entry = listing.find((candidate) => candidate.path === path);
          if (!entry) {
            messages.push(missing);
            continue;
          }
          const metadata = {
            oid: entry.oid,
            mode: parseInt(entry.mode, 8),
            revision,
            path: rawPath,
            type: OBJECT_TYPES[entry.type],
          };
          if (entry.type !== 'blob') {
            messages.push({ ...metadata, size: '0', data: Buffer.alloc(0) });
            continue;
          }
          const size = String(entry.size ?? 0);
          if (limit === 0) {
            messages.push({ ...metadata, size, data: Buffer.alloc(0) });
            continue;
          }
          const content = (await local.readBlobByOid(repoPath, entry.oid))?.content ?? Buffer.alloc(0);
          messages.push(
            ...blobMessages(
              { ...metadata, size },
              limit < 0 ? content : content.subarray(0, limit),
              settings.blobChunkBytes,
            ),
          );
        }
        return messages;
      }),
      getBlob: handlers.serverStream('GetBlob', async (request) => {
        const blob = await local.readBlobByOid(context.repoPath(request.repository), request.oid);
        if (!blob) return [{ size: '0', data: Buffer.alloc(0), oid: '' }];
        const data =
          Number(request.limit) < 0 ? blob.content : blob.content.subarray(0, Number(request.limit));
        return chunksOf(data, settings.blobChunkBytes).map((chunk, index) =>
          index === 0
            ? { size: String(blob.size), data: chunk, oid: blob.oid }
            : { size: '0', data: chunk, oid: '' },
        );
      }),
    },
  ];
}
