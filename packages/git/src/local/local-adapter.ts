import { randomUUID } from 'node:crypto';
import { access, constants, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  ConflictError,
  type BlobContent,
  type CommitInfo,
  type CommitSha,
  type DiffEntry,
  type MergeResult,
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
import { GitNotFoundError, MergeConflictError } from '../errors';
import { CatFilePool } from './cat-file-pool';
import { ObjectWriters } from './object-writers';
import { commitFiles } from './commit-writer';
import { diffFiles, diffPatch } from './diff';
import { gitText, runGit } from './git-process';
import { materialize } from './materialize';
import { isAncestor, mergeBase, mergeTrees } from './merge';
import { ObjectStore } from './object-store';
import { listRefs, listTags, updateRefs } from './refs';
import { cherryPick, rebase, revert } from './replay';
import { resolveRepoDir } from './repo-paths';
import { listTree } from './tree-listing';
import { assertBranchName, assertObjectId } from './validation';

export interface LocalGitAdapterOptions {
  /** Directory holding every repository; created when missing. */
  storageRoot: string;
  /** cat-file processes per repository (default 2). */
  catFileProcessesPerRepository?: number;
  /** Idle time after which a long-lived cat-file or object-writing process exits (default 60 s). */
  idleProcessMs?: number;
}

const CAPABILITIES: GitCapabilities = {
  revert: true,
  rebase: true,
  cherryPick: true,
  conflictFileList: true,
  emptyRepoCommit: true,
  atomicRefTransactions: true,
  mergeTree: true,
};

/** GitAdapter over bare repositories on local disk, driven by git plumbing (GIT_BACKEND.md §2). */
export class LocalGitAdapter implements GitAdapter {
  readonly capabilities = CAPABILITIES;
  private readonly pool: CatFilePool;
  private readonly writers: ObjectWriters;
  private readonly storageReady: Promise<unknown>;

  constructor(private readonly options: LocalGitAdapterOptions) {
    const idleMs = options.idleProcessMs ?? 60_000;
    this.pool = new CatFilePool({
      processesPerRepository: options.catFileProcessesPerRepository ?? 2,
      idleMs,
    });
    this.writers = new ObjectWriters(idleMs);
    this.storageReady = mkdir(options.storageRoot, { recursive: true });
    this.storageReady.catch(() => undefined);
  }

  async checkHealth(): Promise<GitHealth> {
    try {
      await this.storageReady;
      await access(this.options.storageRoot, constants.R_OK | constants.W_OK);
      return { ok: true, backend: 'local', detail: await gitText(['--version'], { timeoutMs: 5_000 }) };
    } catch (error) {
      return { ok: false, backend: 'local', detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    this.pool.close();
    await this.writers.close();
  }

  /** Process ids of the cat-file processes serving a repository. */
  async catFilePids(repoPath: string): Promise<number[]> {
    return this.pool.pids(await this.dir(repoPath));
  }

  async createRepository(repoPath: string, options: CreateRepositoryOptions = {}): Promise<void> {
    const branch = options.defaultBranch ?? 'main';
    assertBranchName(branch);
    const dir = await this.dir(repoPath);
    const exists = () => new ConflictError('Repository already exists', { repo_path: repoPath });
    if (await this.isRepository(dir)) throw exists();
    // Initialized beside its final place and renamed into it: of two concurrent creations only one
    // rename succeeds (the target is then a non-empty directory), so only one caller owns the result.
    await mkdir(dirname(dir), { recursive: true });
    const staging = join(dirname(dir), `.creating-${randomUUID()}-${basename(dir)}`);
    try {
      await runGit(['init', '--quiet', '--bare', `--initial-branch=${branch}`, staging]);
      await rename(staging, dir);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw exists();
      throw error;
    }
  }

  async repositoryExists(repoPath: string): Promise<boolean> {
    return this.isRepository(await this.dir(repoPath));
  }

  async removeRepository(repoPath: string): Promise<void> {
    const dir = await this.dir(repoPath);
    this.pool.closeRepository(dir);
    this.writers.closeRepository(dir);
    await rm(dir, { recursive: true, force: true });
  }

  async resolveRef(repoPath: string, revision: string): Promise<CommitSha | null> {
    return (await this.store(repoPath)).resolveCommit(revision);
  }

  async listRefs(repoPath: string, prefix: string): Promise<RefInfo[]> {
    return listRefs(await this.repo(repoPath), prefix);
  }

  async updateRefs(repoPath: string, updates: RefUpdate[]): Promise<void> {
    return updateRefs(await this.repo(repoPath), updates);
  }

  async listTags(repoPath: string): Promise<TagInfo[]> {
    return listTags(await this.repo(repoPath));
  }

  async createTag(repoPath: string, name: string, target: CommitSha): Promise<void> {
    assertObjectId(target);
    await this.updateRefs(repoPath, [{ ref: `refs/tags/${name}`, newSha: target, expectedOldSha: null }]);
  }

  async readCommit(repoPath: string, revision: string): Promise<CommitInfo> {
    const { rawAuthor: _raw, ...info } = await (await this.store(repoPath)).readCommit(revision);
    return info;
  }

  async listTree(repoPath: string, revision: string, options?: ListTreeOptions): Promise<TreeEntry[]> {
    return listTree(await this.store(repoPath), revision, options);
  }

  async readBlob(repoPath: string, revision: string, path: string): Promise<BlobContent | null> {
    return (await this.store(repoPath)).readBlob(revision, path);
  }

  async readBlobs(repoPath: string, requests: BlobRequest[]): Promise<(BlobContent | null)[]> {
    const store = await this.store(repoPath);
    return Promise.all(requests.map((request) => store.readBlob(request.revision, request.path)));
  }

  async readBlobByOid(repoPath: string, oid: string): Promise<BlobContent | null> {
    assertObjectId(oid);
    return (await this.store(repoPath)).readBlobByOid(oid);
  }

  async commitFiles(repoPath: string, request: CommitFilesRequest): Promise<CommitSha> {
    return commitFiles(await this.store(repoPath), request);
  }

  async commitToBranch(repoPath: string, request: CommitToBranchRequest): Promise<CommitSha> {
    const store = await this.store(repoPath);
    const sha = await commitFiles(store, request);
    await updateRefs(store.gitDir, [
      { ref: request.ref, newSha: sha, expectedOldSha: request.expectedOldSha },
    ]);
    return sha;
  }

  async diffPatch(repoPath: string, from: string, to: string): Promise<Buffer> {
    const store = await this.store(repoPath);
    const [a, b] = await Promise.all([store.requireCommit(from), store.requireCommit(to)]);
    return diffPatch(store.gitDir, a, b);
  }

  async diffFiles(repoPath: string, from: string, to: string): Promise<DiffEntry[]> {
    const store = await this.store(repoPath);
    const [a, b] = await Promise.all([store.requireCommit(from), store.requireCommit(to)]);
    return diffFiles(store.gitDir, a, b);
  }

  async mergeBase(repoPath: string, a: string, b: string): Promise<CommitSha | null> {
    const store = await this.store(repoPath);
    const [left, right] = await Promise.all([store.requireCommit(a), store.requireCommit(b)]);
    return mergeBase(store.gitDir, left, right);
  }

  async isAncestor(repoPath: string, ancestor: string, descendant: string): Promise<boolean> {
    const store = await this.store(repoPath);
    const [a, d] = await Promise.all([store.requireCommit(ancestor), store.requireCommit(descendant)]);
    return isAncestor(store.gitDir, a, d);
  }

  async mergeCommits(repoPath: string, ours: string, theirs: string): Promise<MergeResult> {
    const store = await this.store(repoPath);
    const [o, t] = await Promise.all([store.requireCommit(ours), store.requireCommit(theirs)]);
    return mergeTrees(store.gitDir, o, t);
  }

  async createMergeCommit(repoPath: string, request: CreateMergeCommitRequest): Promise<CommitSha> {
    const store = await this.store(repoPath);
    const [ours, theirs] = await Promise.all([
      store.requireCommit(request.ours),
      store.requireCommit(request.theirs),
    ]);
    const merged = await mergeTrees(store.gitDir, ours, theirs);
    if (!merged.clean) throw new MergeConflictError(merged.conflictingPaths);
    return store.writeCommit({
      tree: merged.treeSha,
      parents: [ours, theirs],
      message: request.message,
      author: request.author,
      committer: request.committer ?? request.author,
    });
  }

  async cherryPick(repoPath: string, request: CherryPickRequest): Promise<CommitSha> {
    return cherryPick(await this.store(repoPath), request);
  }

  async rebase(repoPath: string, request: RebaseRequest): Promise<CommitSha> {
    return rebase(await this.store(repoPath), request);
  }

  async revert(repoPath: string, request: RevertRequest): Promise<CommitSha> {
    return revert(await this.store(repoPath), request);
  }

  async materialize(repoPath: string, revision: string, directory: string): Promise<void> {
    const store = await this.store(repoPath);
    return materialize(store.gitDir, await store.requireCommit(revision), directory);
  }

  private async dir(repoPath: string): Promise<string> {
    await this.storageReady;
    return resolveRepoDir(this.options.storageRoot, repoPath);
  }

  private async isRepository(dir: string): Promise<boolean> {
    const checks = ['HEAD', 'objects', 'refs'].map((name) =>
      stat(`${dir}/${name}`).then(
        () => true,
        () => false,
      ),
    );
    return (await Promise.all(checks)).every(Boolean);
  }

  /** The repository directory; `GitNotFoundError` when no repository is there. */
  private async repo(repoPath: string): Promise<string> {
    const dir = await this.dir(repoPath);
    if (!(await this.isRepository(dir)))
      throw new GitNotFoundError(`Repository not found: ${repoPath}`, { repo_path: repoPath });
    return dir;
  }

  private async store(repoPath: string): Promise<ObjectStore> {
    return new ObjectStore(this.pool, this.writers, await this.repo(repoPath));
  }
}
