import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitUnavailableError } from '../errors';
import { LineProcess } from './line-process';

export interface TreeRecord {
  name: string;
  mode: string;
  type: string;
  oid: string;
}

type WriterKind = 'trees' | 'blobs' | 'commits';

const WRITER_ARGS: Record<WriterKind, string[]> = {
  // One tree per request: NUL-terminated entries closed by an empty record; answers the tree oid.
  trees: ['mktree', '-z', '--batch'],
  // One file path per line; answers the oid of the object written from that file.
  blobs: ['hash-object', '-w', '--no-filters', '--stdin-paths'],
  commits: ['hash-object', '-t', 'commit', '-w', '--stdin-paths'],
};

/**
 * Long-lived object-writing processes per repository, so a commit costs pipe round trips instead of
 * process starts. git validates and stores every object; `hash-object --stdin-paths` reads contents
 * from short-lived temporary files because it has no content-on-stdin batch mode.
 */
export class ObjectWriters {
  private readonly processes = new Map<string, LineProcess>();
  private scratchDir: Promise<string> | null = null;
  private closed = false;

  constructor(private readonly idleMs: number) {}

  writeTree(gitDir: string, entries: TreeRecord[]): Promise<string> {
    const records = entries
      .map((entry) => `${entry.mode} ${entry.type} ${entry.oid}\t${entry.name}\0`)
      .join('');
    return this.process(gitDir, 'trees').request(Buffer.from(`${records}\0`, 'utf8'));
  }

  writeBlob(gitDir: string, content: Buffer): Promise<string> {
    return this.viaFile(gitDir, 'blobs', content);
  }

  writeCommit(gitDir: string, content: Buffer): Promise<string> {
    return this.viaFile(gitDir, 'commits', content);
  }

  closeRepository(gitDir: string): void {
    for (const kind of Object.keys(WRITER_ARGS) as WriterKind[])
      this.processes.get(`${kind}:${gitDir}`)?.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const process of this.processes.values()) process.close();
    this.processes.clear();
    if (this.scratchDir) await rm(await this.scratchDir, { recursive: true, force: true });
  }

  private async viaFile(gitDir: string, kind: WriterKind, content: Buffer): Promise<string> {
    this.scratchDir ??= mkdtemp(join(tmpdir(), 'conman-git-objects-'));
    const file = join(await this.scratchDir, randomUUID());
    await writeFile(file, content);
    try {
      return await this.process(gitDir, kind).request(`${file}\n`);
    } finally {
      await unlink(file);
    }
  }

  private process(gitDir: string, kind: WriterKind): LineProcess {
    if (this.closed) throw new GitUnavailableError('git adapter is closed');
    const key = `${kind}:${gitDir}`;
    const existing = this.processes.get(key);
    if (existing?.alive) return existing;
    const created = new LineProcess(gitDir, WRITER_ARGS[kind], this.idleMs, (dead) => {
      if (this.processes.get(key) === dead) this.processes.delete(key);
    });
    this.processes.set(key, created);
    return created;
  }
}
