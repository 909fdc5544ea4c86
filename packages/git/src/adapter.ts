import type {
  BlobContent,
  CommitInfo,
  CommitSha,
  DiffEntry,
  FileChange,
  GitSignature,
  MergeResult,
  ObjectId,
  RefInfo,
  RefName,
  RefUpdate,
  TagInfo,
  TreeEntry,
} from '@conman/core';

/**
 * What a backend can do. Callers check a flag before using an operation a remote server may lack and
 * degrade cleanly instead of failing mid-workflow.
 */
export interface GitCapabilities {
  /** `revert` produces a commit. */
  revert: boolean;
  /** `rebase` replays a range onto another commit. */
  rebase: boolean;
  /** `cherryPick` replays one commit. */
  cherryPick: boolean;
  /** Merge conflicts report the exact conflicting paths. */
  conflictFileList: boolean;
  /** `commitFiles` accepts `parent: null` (first commit into an empty repository). */
  emptyRepoCommit: boolean;
  /** `updateRefs` applies several updates atomically. */
  atomicRefTransactions: boolean;
  /** `mergeCommits` returns the tree of a clean merge (and of a conflicting one when available). */
  mergeTree: boolean;
}

export interface GitHealth {
  ok: boolean;
  backend: 'local' | 'gitaly';
  /** Version or address on success, the reason on failure. */
  detail: string;
}

export interface CreateRepositoryOptions {
  /** Branch HEAD points to (default `main`). */
  defaultBranch?: string;
}

export interface ListTreeOptions {
  /** Directory to list, repository-relative; default the root. Entry paths stay root-relative. */
  path?: string;
  /** List every level below `path`, including the tree entries themselves. */
  recursive?: boolean;
}

export interface BlobRequest {
  /** Commit sha or full ref name. */
  revision: string;
  path: string;
}

export interface CommitFilesRequest {
  /** The parent commit; `null` creates a root commit (first commit into an empty repository). */
  parent: CommitSha | null;
  changes: FileChange[];
  message: string;
  author: GitSignature;
  /** Defaults to the author. */
  committer?: GitSignature;
}

export interface CommitToBranchRequest extends CommitFilesRequest {
  /** Full ref name to move, e.g. `refs/conman/autosave/<id>`. */
  ref: RefName;
  /** Current value of `ref` (CAS); `null` when the ref must not exist yet. */
  expectedOldSha: CommitSha | null;
}

export interface CreateMergeCommitRequest {
  /** First parent (the branch merged into). */
  ours: CommitSha;
  /** Second parent (the branch merged in). */
  theirs: CommitSha;
  message: string;
  author: GitSignature;
  committer?: GitSignature;
}

export interface CherryPickRequest {
  commit: CommitSha;
  onto: CommitSha;
  /** Committer of the new commit; the original author, date and message are kept. */
  committer: GitSignature;
}

export interface RebaseRequest {
  /** Tip of the branch to replay: the commits `mergeBase(onto, head)..head` (merges skipped). */
  head: CommitSha;
  onto: CommitSha;
  /** Committer of the replayed commits; authors, dates and messages are kept. */
  committer: GitSignature;
}

export interface RevertRequest {
  /** The commit to undo (must have exactly one parent). */
  commit: CommitSha;
  /** The tip the revert commit is created on. */
  onto: CommitSha;
  /** Default `Revert "<subject>"` with a `This reverts commit <sha>.` body. */
  message?: string;
  author: GitSignature;
  committer?: GitSignature;
}

/**
 * The only way Conman talks to Git (docs/git-layer.md).
 *
 * Repositories are addressed by a relative `repoPath` confined under the backend's storage.
 * Revisions are commit shas or full ref names; nothing is ever parsed as a command option.
 * Operations that create commits write objects only and never move a ref; refs move through
 * `updateRefs` (compare-and-swap, atomic across refs) or `commitToBranch`.
 *
 * Errors: `GitNotFoundError` (missing repository/revision/path), `RefConflictError` (CAS lost),
 * `MergeConflictError` (does not apply cleanly), `GitUnavailableError` (backend down),
 * `GitError` (anything else), core `ValidationError` (malformed input such as a bad ref name).
 */
export interface GitAdapter {
  readonly capabilities: GitCapabilities;

  /** Readiness probe; never throws. */
  checkHealth(): Promise<GitHealth>;
  /** Releases processes and connections. The adapter is unusable afterwards. */
  close(): Promise<void>;

  // --- repositories
  /** Creates an empty repository; core `ConflictError` when it already exists. */
  createRepository(repoPath: string, options?: CreateRepositoryOptions): Promise<void>;
  repositoryExists(repoPath: string): Promise<boolean>;
  /** Removes the repository; a missing repository is not an error. */
  removeRepository(repoPath: string): Promise<void>;

  // --- refs
  /** The commit a revision (sha or full ref name) points to, or `null` when it does not exist. */
  resolveRef(repoPath: string, revision: string): Promise<CommitSha | null>;
  /** Refs whose full name starts with `prefix` (e.g. `refs/heads/`), sorted by name. */
  listRefs(repoPath: string, prefix: string): Promise<RefInfo[]>;
  /** Applies every update or none (`RefConflictError` naming the refs whose expected value was wrong). */
  updateRefs(repoPath: string, updates: RefUpdate[]): Promise<void>;
  listTags(repoPath: string): Promise<TagInfo[]>;
  /** Creates a lightweight tag; `RefConflictError` when it already exists (tags are immutable). */
  createTag(repoPath: string, name: string, target: CommitSha): Promise<void>;

  // --- reading
  readCommit(repoPath: string, revision: string): Promise<CommitInfo>;
  listTree(repoPath: string, revision: string, options?: ListTreeOptions): Promise<TreeEntry[]>;
  /**
   * The blob at `path` in `revision`, or `null` when the path does not exist or is not a blob.
   * A revision that does not exist is `GitNotFoundError`, not `null`.
   */
  readBlob(repoPath: string, revision: string, path: string): Promise<BlobContent | null>;
  /** Batch form of `readBlob` (same null/not-found rules); results are in request order. */
  readBlobs(repoPath: string, requests: BlobRequest[]): Promise<(BlobContent | null)[]>;
  readBlobByOid(repoPath: string, oid: ObjectId): Promise<BlobContent | null>;

  // --- writing
  /** Writes a commit from `parent` plus `changes`; moves no ref. */
  commitFiles(repoPath: string, request: CommitFilesRequest): Promise<CommitSha>;
  /** `commitFiles` followed by a CAS move of `ref` from `expectedOldSha` to the new commit. */
  commitToBranch(repoPath: string, request: CommitToBranchRequest): Promise<CommitSha>;

  // --- comparing
  /** Unified patch between two commits (full index lines, renames detected). */
  diffPatch(repoPath: string, from: string, to: string): Promise<Buffer>;
  /** Changed files with status (renames detected) and line counts. */
  diffFiles(repoPath: string, from: string, to: string): Promise<DiffEntry[]>;
  mergeBase(repoPath: string, a: string, b: string): Promise<CommitSha | null>;
  isAncestor(repoPath: string, ancestor: string, descendant: string): Promise<boolean>;

  // --- merging and replaying (commits only; no ref moves)
  mergeCommits(repoPath: string, ours: string, theirs: string): Promise<MergeResult>;
  /** A two-parent merge commit; `MergeConflictError` when the merge is not clean. */
  createMergeCommit(repoPath: string, request: CreateMergeCommitRequest): Promise<CommitSha>;
  /** The picked commit on top of `onto`, or `onto` itself when the change is already contained in it. */
  cherryPick(repoPath: string, request: CherryPickRequest): Promise<CommitSha>;
  /** Replays the range onto `onto` and returns the new tip (`onto` itself when the range is empty). */
  rebase(repoPath: string, request: RebaseRequest): Promise<CommitSha>;
  revert(repoPath: string, request: RevertRequest): Promise<CommitSha>;

  /** Writes the files of a commit into `directory` (created when missing). */
  materialize(repoPath: string, revision: string, directory: string): Promise<void>;
}
