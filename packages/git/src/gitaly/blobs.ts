import type { BlobContent, ObjectId } from '@conman/core';
import { GitError, GitNotFoundError } from '../errors';
import { assertObjectId, assertRevision, assertTreePath } from '../local/validation';
import type { BlobRequest } from '../adapter';
import { repositoryMessage, type GitalyContext } from './context';
import { GitUnsupportedError } from './errors';
import { BlobServiceService, type GetBlobsResponse } from './gen/gitaly/blob';
import { ObjectType } from './gen/gitaly/shared';
import { resolveRef } from './refs';
import { toGitError } from './status';

/** What GetBlobs tells about one requested path, content included unless only metadata was asked for. */
export interface BlobEntry {
  oid: ObjectId;
  size: number;
  /** Numeric file mode (e.g. 0o100644). */
  mode: number;
  type: ObjectType;
  content: Buffer;
}

// Requests per GetBlobs call: bounds the request message and the memory held for one response stream.
const BLOBS_PER_CALL = 500;

interface PendingBlob {
  entry: Omit<BlobEntry, 'content'>;
  chunks: Buffer[];
}

/**
 * Reassembles the stream: a blob's first message carries its metadata (and the first chunk), later
 * messages only data; a missing path is one message with revision and path but no oid.
 */
function assembleBlobs(responses: GetBlobsResponse[]): (BlobEntry | null)[] {
  const results: (BlobEntry | null)[] = [];
  let pending: PendingBlob | null = null;
  const flush = (): void => {
    if (pending) results.push({ ...pending.entry, content: Buffer.concat(pending.chunks) });
    pending = null;
  };
  for (const response of responses) {
    const isFirstMessage = response.revision !== '' || response.path.length > 0 || response.oid !== '';
    if (!isFirstMessage) {
      if (!pending) throw new GitError('GetBlobs sent data before any blob metadata');
      (pending as PendingBlob).chunks.push(response.data);
      continue;
    }
    flush();
    if (response.oid === '') {
      results.push(null);
      continue;
    }
    const entry = {
      oid: response.oid,
      size: Number(response.size),
      mode: response.mode,
      type: response.type,
    };
    pending = { entry, chunks: [response.data] };
  }
  flush();
  return results;
}

/** Blob metadata (and with `withContent` the content) of each request, in request order. */
export async function getBlobs(
  context: GitalyContext,
  repoPath: string,
  requests: BlobRequest[],
  withContent: boolean,
): Promise<(BlobEntry | null)[]> {
  for (const request of requests) {
    assertRevision(request.revision);
    assertTreePath(request.path);
  }
  const repository = repositoryMessage(context, repoPath);
  const results: (BlobEntry | null)[] = [];
  for (let start = 0; start < requests.length; start += BLOBS_PER_CALL) {
    const batch = requests.slice(start, start + BLOBS_PER_CALL);
    const request = {
      repository,
      revisionPaths: batch.map(({ revision, path }) => ({ revision, path: Buffer.from(path) })),
      limit: withContent ? '-1' : '0',
    };
    let responses;
    try {
      responses = await context.transport.serverStream(BlobServiceService.getBlobs, request, 'read');
    } catch (error) {
      throw toGitError(error, 'readBlobs');
    }
    const batchResults = assembleBlobs(responses);
    if (responses.length === 0)
      throw new GitUnsupportedError('readBlobs', 'GetBlobs returned an empty stream');
    if (batchResults.length !== batch.length) {
      throw new GitError(`GetBlobs answered ${batchResults.length} of ${batch.length} requested paths`);
    }
    results.push(...batchResults);
  }
  return results;
}

function asBlobContent(entry: BlobEntry | null): BlobContent | null {
  if (!entry || entry.type !== ObjectType.BLOB) return null;
  if (entry.content.length !== entry.size) {
    throw new GitError(
      `Blob ${entry.oid} arrived truncated (${entry.content.length} of ${entry.size} bytes)`,
    );
  }
  return { oid: entry.oid, size: entry.size, content: entry.content };
}

/**
 * GetBlobs answers an unknown revision like a missing path, so the revisions behind missing answers are
 * resolved once more: a missing revision is "not found", a missing path is `null`.
 */
export async function readBlobs(
  context: GitalyContext,
  repoPath: string,
  requests: BlobRequest[],
): Promise<(BlobContent | null)[]> {
  const entries = await getBlobs(context, repoPath, requests, true);
  const unanswered = new Set(
    requests.filter((_, index) => !entries[index]).map((request) => request.revision),
  );
  for (const revision of unanswered) {
    if (!(await resolveRef(context, repoPath, revision))) {
      throw new GitNotFoundError(`Revision not found: ${revision}`, { revision });
    }
  }
  return entries.map(asBlobContent);
}

export async function readBlobByOid(
  context: GitalyContext,
  repoPath: string,
  oid: ObjectId,
): Promise<BlobContent | null> {
  assertObjectId(oid);
  const request = { repository: repositoryMessage(context, repoPath), oid, limit: '-1' };
  let responses;
  try {
    responses = await context.transport.serverStream(BlobServiceService.getBlob, request, 'read');
  } catch (error) {
    throw toGitError(error, 'readBlobByOid');
  }
  const [first] = responses;
  if (!first?.oid) return null;
  const content = Buffer.concat(responses.map((response) => response.data));
  return asBlobContent({ oid: first.oid, size: Number(first.size), mode: 0, type: ObjectType.BLOB, content });
}
