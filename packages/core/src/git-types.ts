/**
 * Domain types of the Git layer (docs/git-layer.md). Transport-neutral: the local git CLI adapter and the
 * Gitaly gRPC adapter both speak them, so nothing here mentions command-line or protobuf specifics.
 */

/** A full 40-hex lowercase SHA-1 object name of a commit. */
export type CommitSha = string;

/** A full 40-hex object name of any object (blob, tree, commit). */
export type ObjectId = string;

/** A full reference name such as `refs/heads/main` or `refs/tags/r2026.01.01.1` (never abbreviated). */
export type RefName = string;

/** The all-zero object name git uses for "no object". */
export const ZERO_SHA = '0000000000000000000000000000000000000000';

const FULL_SHA = /^[0-9a-f]{40}$/;

export function isCommitSha(value: string): value is CommitSha {
  return FULL_SHA.test(value);
}

/** Author or committer identity. `date` defaults to now; `timezone` is `+HHMM`/`-HHMM` (default `+0000`). */
export interface GitSignature {
  name: string;
  email: string;
  date?: Date;
  timezone?: string;
}

/** A signature as read back from a commit: every field is known. */
export interface CommitSignature {
  name: string;
  email: string;
  date: Date;
  timezone: string;
}

export interface CommitInfo {
  sha: CommitSha;
  tree: ObjectId;
  parents: CommitSha[];
  author: CommitSignature;
  committer: CommitSignature;
  /** The full message (subject, blank line, body), without a trailing newline. */
  message: string;
}

export type TreeEntryType = 'blob' | 'tree' | 'commit';

export interface TreeEntry {
  /** Path from the repository root, `/`-separated. */
  path: string;
  type: TreeEntryType;
  /** Octal file mode as git prints it: `100644`, `100755`, `120000`, `040000`, `160000`. */
  mode: string;
  oid: ObjectId;
  /** Size in bytes; only for blobs. */
  size?: number;
}

/** One change of a commit built without a working tree. Paths are repository-relative, `/`-separated. */
export type FileChange =
  | { action: 'write'; path: string; content: Buffer; executable?: boolean }
  | { action: 'delete'; path: string }
  /** Renames `from` to `to`, keeping the content unless `content` is given. */
  | { action: 'move'; from: string; to: string; content?: Buffer };

export type DiffStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type_changed';

/** One changed file between two commits: name-status (with rename detection) joined with numstat. */
export interface DiffEntry {
  path: string;
  /** Source path of a rename or copy. */
  oldPath?: string;
  status: DiffStatus;
  /** Changed line counts; both 0 for binary files. */
  additions: number;
  deletions: number;
  binary: boolean;
}

/** Outcome of a three-way merge computed without a working tree. */
export type MergeResult =
  | { clean: true; treeSha: ObjectId; conflictingPaths: [] }
  /** `treeSha` is the tree with conflict markers when the backend produces one; paths may be empty when unknown. */
  | { clean: false; treeSha: ObjectId | null; conflictingPaths: string[] };

/**
 * One ref move inside a compare-and-swap transaction.
 * `newSha: null` deletes the ref; `expectedOldSha: null` means the ref must not exist yet.
 */
export interface RefUpdate {
  ref: RefName;
  newSha: CommitSha | null;
  expectedOldSha: CommitSha | null;
}

export interface RefInfo {
  ref: RefName;
  sha: CommitSha;
}

export interface TagInfo {
  /** Short tag name without `refs/tags/`. */
  name: string;
  /** The commit the tag points to (peeled for annotated tags). */
  sha: CommitSha;
}

export interface BlobContent {
  oid: ObjectId;
  size: number;
  content: Buffer;
}
