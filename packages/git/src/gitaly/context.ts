import { uuidv7, type GitSignature, type Logger } from '@conman/core';
import type { GitCapabilities } from '../adapter';
import { assertTreePath } from '../local/validation';
import type { GitalyServiceUser } from './config';
import type { Repository, User } from './gen/gitaly/shared';
import type { GitalyTransport } from './transport';

/** What every Gitaly operation needs: the channel, the storage, the service identity and the capabilities. */
export interface GitalyContext {
  readonly transport: GitalyTransport;
  readonly storageName: string;
  readonly serviceUser: GitalyServiceUser;
  /** Mutable: an operation that finds an RPC missing or stubbed turns its flag off. */
  readonly capabilities: GitCapabilities;
  readonly logger: Logger;
  readonly treePageSize: number;
  /** Removes scratch refs in batches (one ref transaction for many, instead of one per operation). */
  readonly scratchRefs: { discard(repoPath: string, ref: string, value: string): void };
}

/** Repository paths are relative and normalized; the server confines them under its storage as well. */
export function repositoryMessage(context: GitalyContext, repoPath: string): Repository {
  assertTreePath(repoPath);
  return {
    storageName: context.storageName,
    relativePath: repoPath,
    glRepository: '',
    glProjectPath: repoPath,
  };
}

/** The Gitaly `User` acting for `signature` (author and committer of the commits the server creates). */
export function userMessage(context: GitalyContext, signature: GitSignature): User {
  return {
    glId: context.serviceUser.glId,
    glUsername: context.serviceUser.glUsername,
    name: Buffer.from(signature.name),
    email: Buffer.from(signature.email),
    timezone: '',
  };
}

const SCRATCH_DIRECTORY = 'conman-scratch';

/** A unique ref for intermediate results; `kind` keeps branch-only RPCs under refs/heads/. */
export function scratchRef(kind: 'branch' | 'ref'): string {
  const name = `${SCRATCH_DIRECTORY}/${uuidv7()}`;
  return kind === 'branch' ? `refs/heads/${name}` : `refs/${name}`;
}

/** Scratch refs are the adapter's own bookkeeping and never shown to callers. */
export function isScratchRef(ref: string): boolean {
  return ref.startsWith(`refs/heads/${SCRATCH_DIRECTORY}/`) || ref.startsWith(`refs/${SCRATCH_DIRECTORY}/`);
}
