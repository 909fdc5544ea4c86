import {
  silentLogger,
  type BlobContent,
  type CommitInfo,
  type CommitSha,
  type DiffEntry,
  type MergeResult,
  type ObjectId,
  type RefInfo,
  type RefUpdate,
  type TagInfo,
  type TreeEntry,
} from '@conman/core';
import type {
  BlobRequest,
  CherryPickRequest,
  CommitFilesRequest,
  CommitToBranchRequest,
  CreateMergeCommitRequest,
  CreateRepositoryOptions,
  GitAdapter,
  GitCapabilities,
  GitHealth,
  ListTreeOptions,
  RebaseRequest,
  RevertRequest,
} from '../adapter';
import * as blobs from './blobs';
import * as commitFiles from './commit-files';
import { readCommit } from './commits';
import * as compare from './compare';
import {
  DEFAULT_SERVICE_USER,
  DEFAULT_STORAGE_NAME,
  DEFAULT_TREE_PAGE_SIZE,
  type GitalyAdapterConfig,
} from './config';
import type { GitalyContext } from './context';
import { GitUnsupportedError } from './errors';
import * as merges from './merges';
import * as refs from './refs';
import * as repository from './repository';
import { ScratchRefCollector } from './scratch';
import { GitalyTransport } from './transport';
import * as tree from './tree';

/**
 * What the Gitaly subset supports. Cherry-pick is off: without a cherry-pick RPC only commits whose
 * parent is in the target's history can be replayed (see docs/git-layer.md, "Gitaly mapping").
 */
const SUBSET_CAPABILITIES: GitCapabilities = {
  revert: true,
  rebase: true,
  cherryPick: false,
  conflictFileList: true,
  emptyRepoCommit: true,
  atomicRefTransactions: true,
  mergeTree: true,
};

/** GitAdapter over a Gitaly-compatible gRPC server (GIT_BACKEND.md §3). */
export class GitalyAdapter implements GitAdapter {
  private readonly context: GitalyContext;
  private readonly scratchRefs: ScratchRefCollector;
  private readonly address: string;

  constructor(config: GitalyAdapterConfig) {
    this.address = config.address;
    const logger = config.logger ?? silentLogger;
    this.scratchRefs = new ScratchRefCollector(
      (repoPath, updates) => refs.updateRefs(this.context, repoPath, updates),
      logger,
    );
    this.context = {
      transport: new GitalyTransport(config),
      storageName: config.storageName ?? DEFAULT_STORAGE_NAME,
      serviceUser: { ...DEFAULT_SERVICE_USER, ...config.user },
      capabilities: { ...SUBSET_CAPABILITIES, ...config.capabilities },
      logger,
      treePageSize: config.treePageSize ?? DEFAULT_TREE_PAGE_SIZE,
      scratchRefs: this.scratchRefs,
    };
  }

  /** Reflects the server: a capability is switched off once the server shows it lacks the RPC. */
  get capabilities(): GitCapabilities {
    return { ...this.context.capabilities };
  }

  checkHealth(): Promise<GitHealth> {
    return repository.checkHealth(this.context, this.address);
  }

  async close(): Promise<void> {
    await this.scratchRefs.flush();
    this.context.transport.close();
  }

  createRepository(repoPath: string, options?: CreateRepositoryOptions): Promise<void> {
    return repository.createRepository(this.context, repoPath, options);
  }

  repositoryExists(repoPath: string): Promise<boolean> {
    return repository.repositoryExists(this.context, repoPath);
  }

  removeRepository(repoPath: string): Promise<void> {
    return repository.removeRepository(this.context, repoPath);
  }

  resolveRef(repoPath: string, revision: string): Promise<CommitSha | null> {
    return refs.resolveRef(this.context, repoPath, revision);
  }

  listRefs(repoPath: string, prefix: string): Promise<RefInfo[]> {
    return refs.listRefs(this.context, repoPath, prefix);
  }

  updateRefs(repoPath: string, updates: RefUpdate[]): Promise<void> {
    return refs.updateRefs(this.context, repoPath, updates);
  }

  listTags(repoPath: string): Promise<TagInfo[]> {
    return refs.listTags(this.context, repoPath);
  }

  createTag(repoPath: string, name: string, target: CommitSha): Promise<void> {
    return refs.createTag(this.context, repoPath, name, target);
  }

  readCommit(repoPath: string, revision: string): Promise<CommitInfo> {
    return readCommit(this.context, repoPath, revision);
  }

  listTree(repoPath: string, revision: string, options?: ListTreeOptions): Promise<TreeEntry[]> {
    return tree.listTree(this.context, repoPath, revision, options);
  }

  async readBlob(repoPath: string, revision: string, path: string): Promise<BlobContent | null> {
    const [blob] = await blobs.readBlobs(this.context, repoPath, [{ revision, path }]);
    return blob ?? null;
  }

  readBlobs(repoPath: string, requests: BlobRequest[]): Promise<(BlobContent | null)[]> {
    return blobs.readBlobs(this.context, repoPath, requests);
  }

  readBlobByOid(repoPath: string, oid: ObjectId): Promise<BlobContent | null> {
    return blobs.readBlobByOid(this.context, repoPath, oid);
  }

  commitFiles(repoPath: string, request: CommitFilesRequest): Promise<CommitSha> {
    return commitFiles.commitFiles(this.context, repoPath, request);
  }

  commitToBranch(repoPath: string, request: CommitToBranchRequest): Promise<CommitSha> {
    return commitFiles.commitToBranch(this.context, repoPath, request);
  }

  diffPatch(repoPath: string, from: string, to: string): Promise<Buffer> {
    return compare.diffPatch(this.context, repoPath, from, to);
  }

  diffFiles(repoPath: string, from: string, to: string): Promise<DiffEntry[]> {
    return compare.diffFiles(this.context, repoPath, from, to);
  }

  mergeBase(repoPath: string, a: string, b: string): Promise<CommitSha | null> {
    return compare.mergeBase(this.context, repoPath, a, b);
  }

  isAncestor(repoPath: string, ancestor: string, descendant: string): Promise<boolean> {
    return compare.isAncestor(this.context, repoPath, ancestor, descendant);
  }

  mergeCommits(repoPath: string, ours: string, theirs: string): Promise<MergeResult> {
    return this.degrading('mergeTree', merges.mergeCommits(this.context, repoPath, ours, theirs));
  }

  createMergeCommit(repoPath: string, request: CreateMergeCommitRequest): Promise<CommitSha> {
    return this.degrading('mergeTree', merges.createMergeCommit(this.context, repoPath, request));
  }

  cherryPick(repoPath: string, request: CherryPickRequest): Promise<CommitSha> {
    return merges.cherryPick(this.context, repoPath, request);
  }

  rebase(repoPath: string, request: RebaseRequest): Promise<CommitSha> {
    return this.degrading('rebase', merges.rebase(this.context, repoPath, request));
  }

  revert(repoPath: string, request: RevertRequest): Promise<CommitSha> {
    return this.degrading('revert', merges.revert(this.context, repoPath, request));
  }

  materialize(repoPath: string, revision: string, directory: string): Promise<void> {
    return tree.materialize(this.context, repoPath, revision, directory);
  }

  /** Turns `capability` off when the server turns out not to support the operation. */
  private async degrading<T>(capability: keyof GitCapabilities, operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (error) {
      if (error instanceof GitUnsupportedError) this.context.capabilities[capability] = false;
      throw error;
    }
  }
}
