import type { ChildProcess } from 'node:child_process';
import { spawnFailure, spawnGit } from './git-process';

export type CatFileAnswer =
  { found: true; oid: string; type: string; size: number; content: Buffer | null } | { found: false };

interface PendingRequest {
  wantsContent: boolean;
  resolve(answer: CatFileAnswer): void;
  reject(error: Error): void;
}

/** Raised for requests in flight when the process dies; the pool retries them on a fresh process. */
export class CatFileDiedError extends Error {}

const NEWLINE = 0x0a;

/**
 * One long-lived `git cat-file --batch-command` process. Requests are pipelined: git answers strictly
 * in order, so a FIFO of pending requests pairs each answer with its question. Binary content is read
 * by its announced size, never by delimiter.
 */
export class CatFileProcess {
  private readonly child: ChildProcess;
  private readonly pending: PendingRequest[] = [];
  private header = Buffer.alloc(0);
  private body: { buffer: Buffer; filled: number; answer: CatFileAnswer & { found: true } } | null = null;
  private skipNewline = false;
  private exited = false;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    gitDir: string,
    private readonly idleMs: number,
    private readonly onExit: (process: CatFileProcess) => void,
  ) {
    this.child = spawnGit(gitDir, ['cat-file', '--batch-command'], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout?.on('data', (chunk: Buffer) => this.consume(chunk));
    this.child.stdin?.on('error', () => undefined);
    this.child.on('error', (error) => this.terminate(spawnFailure(error)));
    this.child.on('exit', () => this.terminate(new CatFileDiedError('git cat-file exited')));
    this.armIdleTimer();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get load(): number {
    return this.pending.length;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** `contents <object>` (with content) or `info <object>` (type and size only). */
  request(object: string, wantsContent: boolean): Promise<CatFileAnswer> {
    if (this.exited) return Promise.reject(new CatFileDiedError('git cat-file exited'));
    this.clearIdleTimer();
    return new Promise((resolve, reject) => {
      this.pending.push({ wantsContent, resolve, reject });
      this.child.stdin?.write(`${wantsContent ? 'contents' : 'info'} ${object}\n`);
    });
  }

  close(): void {
    this.clearIdleTimer();
    this.child.stdin?.end();
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  private consume(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.skipNewline) {
        this.skipNewline = false;
        offset += 1;
        this.settleBody();
        continue;
      }
      if (this.body) {
        const take = Math.min(chunk.length - offset, this.body.buffer.length - this.body.filled);
        chunk.copy(this.body.buffer, this.body.filled, offset, offset + take);
        this.body.filled += take;
        offset += take;
        if (this.body.filled === this.body.buffer.length) this.skipNewline = true;
        continue;
      }
      const end = chunk.indexOf(NEWLINE, offset);
      if (end === -1) {
        this.header = Buffer.concat([this.header, chunk.subarray(offset)]);
        return;
      }
      const line = Buffer.concat([this.header, chunk.subarray(offset, end)]).toString('utf8');
      this.header = Buffer.alloc(0);
      offset = end + 1;
      this.handleHeader(line);
    }
  }

  private handleHeader(line: string): void {
    const request = this.pending[0];
    if (!request) return;
    const match = /^([0-9a-f]{40}) (\S+) (\d+)$/.exec(line);
    if (!match) {
      // `<object> missing` or `<object> ambiguous`: the object name itself may contain spaces.
      this.pending.shift();
      request.resolve({ found: false });
      this.armIdleTimerIfIdle();
      return;
    }
    const answer = {
      found: true as const,
      oid: match[1] as string,
      type: match[2] as string,
      size: Number(match[3]),
      content: null,
    };
    if (!request.wantsContent) {
      this.pending.shift();
      request.resolve(answer);
      this.armIdleTimerIfIdle();
      return;
    }
    this.body = { buffer: Buffer.allocUnsafe(answer.size), filled: 0, answer };
    if (answer.size === 0) this.skipNewline = true;
  }

  private settleBody(): void {
    const body = this.body;
    const request = this.pending.shift();
    this.body = null;
    if (body && request) request.resolve({ ...body.answer, content: body.buffer });
    this.armIdleTimerIfIdle();
  }

  private terminate(error: Error): void {
    if (this.exited) return;
    this.exited = true;
    this.clearIdleTimer();
    for (const request of this.pending.splice(0)) request.reject(error);
    this.onExit(this);
  }

  private armIdleTimerIfIdle(): void {
    if (this.pending.length === 0) this.armIdleTimer();
  }

  private armIdleTimer(): void {
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => this.close(), this.idleMs);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
