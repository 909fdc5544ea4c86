import * as grpc from '@grpc/grpc-js';
import { ZERO_SHA, type CommitInfo, type CommitSignature, type GitSignature } from '@conman/core';
import type { GitCommit, Repository, User } from '../../../src/gitaly/gen/gitaly/shared';
import { RpcStatusError } from './status';

/** Maps a Gitaly Repository onto a path of the backing LocalGitAdapter, refusing other storages. */
export function repoPathOf(storageName: string, repository: Repository | undefined): string {
  if (!repository) throw new RpcStatusError(grpc.status.INVALID_ARGUMENT, 'empty Repository');
  if (repository.storageName !== storageName) {
    throw new RpcStatusError(grpc.status.INVALID_ARGUMENT, `storage not found: "${repository.storageName}"`);
  }
  return repository.relativePath;
}

function authorOf(signature: CommitSignature) {
  return {
    name: Buffer.from(signature.name),
    email: Buffer.from(signature.email),
    date: signature.date,
    timezone: Buffer.from(signature.timezone),
  };
}

export function gitCommitOf(commit: CommitInfo): GitCommit {
  return {
    id: commit.sha,
    subject: Buffer.from(commit.message.split('\n', 1)[0] ?? ''),
    body: Buffer.from(commit.message),
    author: authorOf(commit.author),
    committer: authorOf(commit.committer),
    parentIds: commit.parents,
    treeId: commit.tree,
  };
}

export function signatureOf(user: User | undefined, date: Date | undefined): GitSignature {
  if (!user) throw new RpcStatusError(grpc.status.INVALID_ARGUMENT, 'empty User');
  return { name: user.name.toString(), email: user.email.toString(), date: date ?? new Date() };
}

/** Upstream's zero-oid convention: 40 zeros means "no object". */
export function shaOrNull(oid: string): string | null {
  return oid === ZERO_SHA ? null : oid;
}

export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new RpcStatusError(grpc.status.INVALID_ARGUMENT, `empty ${name}`);
  return value;
}

/** Splits `data` into messages of at most `chunkBytes` (one message when `chunkBytes` is 0). */
export function chunksOf(data: Buffer, chunkBytes: number): Buffer[] {
  if (chunkBytes <= 0 || data.length <= chunkBytes) return [data];
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += chunkBytes)
    chunks.push(data.subarray(offset, offset + chunkBytes));
  return chunks;
}
