import type { ChildProcess } from 'node:child_process';
import { GitError } from '../errors';
import { spawnFailure, spawnGit } from './git-process';

export interface MktreeEntry {
  name: string;
  mode: string;
  type: string;
  oid: string;
}

/**
 * One `git mktree -z --batch` process writing several trees: each tree is sent as NUL-terminated
 * entries closed by an empty record, and git answers its oid on a line before the next is sent, so
 * parents can reference the children written just before them.
 */
export class MktreeSession {
  private readonly child: ChildProcess;
  private output = '';
  private waiting: { resolve(oid: string): void; reject(error: Error): void } | null = null;
  private failure: Error | null = null;
  private readonly exited: Promise<number | null>;

  constructor(gitDir: string) {
    this.child = spawnGit(gitDir, ['mktree', '-z', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString('latin1');
      this.deliver();
    });
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.fail(spawnFailure(error));
        resolve(null);
      });
      this.child.on('close', (code) => {
        if (code !== 0) this.fail(new GitError(`git mktree failed: ${stderr.trim()}`));
        resolve(code);
      });
    });
  }

  writeTree(entries: MktreeEntry[]): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    const records = entries
      .map((entry) => `${entry.mode} ${entry.type} ${entry.oid}\t${entry.name}\0`)
      .join('');
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child.stdin?.write(Buffer.from(`${records}\0`, 'utf8'));
      this.deliver();
    });
  }

  async finish(): Promise<void> {
    this.child.stdin?.end();
    const code = await this.exited;
    if (code !== 0) throw this.failure ?? new GitError('git mktree failed');
  }

  /** Ends the process without waiting, after a failure elsewhere. */
  abort(): void {
    this.child.kill('SIGKILL');
  }

  private deliver(): void {
    const newline = this.output.indexOf('\n');
    if (newline === -1 || !this.waiting) return;
    const oid = this.output.slice(0, newline);
    this.output = this.output.slice(newline + 1);
    const waiting = this.waiting;
    this.waiting = null;
    waiting.resolve(oid);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(this.failure);
  }
}
