import type { BlobContent, CommitSha } from '@conman/core';
import { GitError, GitNotFoundError } from '../errors';
import type { CatFilePool } from './cat-file-pool';
import {
  formatCommit,
  parseCommit,
  parseTree,
  type CommitObject,
  type ParsedCommit,
  type RawTreeEntry,
} from './object-format';
import type { ObjectWriters, TreeRecord } from './object-writers';
import { assertRevision, assertTreePath } from './validation';

/**
 * Objects of one repository: reads through the cat-file pool, writes through the long-lived writers
 * (no process start per object).
 */
export class ObjectStore {
  constructor(
    private readonly pool: CatFilePool,
    private readonly writers: ObjectWriters,
    readonly gitDir: string,
  ) {}

  writeBlob(content: Buffer): Promise<string> {
    return this.writers.writeBlob(this.gitDir, content);
  }

  writeTree(entries: TreeRecord[]): Promise<string> {
    return this.writers.writeTree(this.gitDir, entries);
  }

  /** Writes a commit object; `tree` and `parents` must exist (they come from this store). */
  writeCommit(commit: CommitObject): Promise<CommitSha> {
    return this.writers.writeCommit(this.gitDir, formatCommit(commit));
  }

  /** The commit a sha or full ref name points to (tags peeled), or null. */
  async resolveCommit(revision: string): Promise<CommitSha | null> {
    assertRevision(revision);
    const answer = await this.pool.read(this.gitDir, `${revision}^{commit}`, false);
    return answer.found ? answer.oid : null;
  }

  async requireCommit(revision: string): Promise<CommitSha> {
    const sha = await this.resolveCommit(revision);
    if (!sha) throw new GitNotFoundError(`Revision not found: ${revision}`, { revision });
    return sha;
  }

  async readCommit(revision: string): Promise<ParsedCommit> {
    const sha = await this.requireCommit(revision);
    const answer = await this.pool.read(this.gitDir, sha, true);
    if (!answer.found || !answer.content) throw new GitError(`Commit vanished: ${sha}`);
    return parseCommit(sha, answer.content);
  }

  async readTree(oid: string): Promise<RawTreeEntry[]> {
    const answer = await this.pool.read(this.gitDir, oid, true);
    if (!answer.found || answer.type !== 'tree' || !answer.content) throw new GitError(`Not a tree: ${oid}`);
    return parseTree(answer.content);
  }

  /** Type and oid of `path` inside a commit (`''` = root tree), or null when absent. */
  async lookupPath(
    commit: CommitSha,
    path: string,
  ): Promise<{ oid: string; type: string; size: number } | null> {
    if (path !== '') assertTreePath(path);
    const answer = await this.pool.read(
      this.gitDir,
      path === '' ? `${commit}^{tree}` : `${commit}:${path}`,
      false,
    );
    return answer.found ? answer : null;
  }

  async readBlob(revision: string, path: string): Promise<BlobContent | null> {
    assertRevision(revision);
    assertTreePath(path);
    const answer = await this.pool.read(this.gitDir, `${revision}:${path}`, true);
    if (!answer.found) {
      // One round trip on the hot path; only a miss pays for telling a missing path from a missing revision.
      await this.requireCommit(revision);
      return null;
    }
    if (answer.type !== 'blob' || !answer.content) return null;
    return { oid: answer.oid, size: answer.size, content: answer.content };
  }

  async readBlobByOid(oid: string): Promise<BlobContent | null> {
    const answer = await this.pool.read(this.gitDir, oid, true);
    if (!answer.found || answer.type !== 'blob' || !answer.content) return null;
    return { oid: answer.oid, size: answer.size, content: answer.content };
  }
}
