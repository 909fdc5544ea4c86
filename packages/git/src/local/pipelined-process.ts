import type { ChildProcess } from 'node:child_process';
import { spawnFailure, spawnGit } from './git-process';

export interface PendingRequest<Answer> {
  resolve(answer: Answer): void;
  reject(error: Error): void;
}

/**
 * A long-lived git process serving pipelined requests: git answers strictly in order, so a FIFO of
 * pending requests pairs each answer with its question. Subclasses parse stdout and settle the head
 * of the queue. The process ends itself after `idleMs` without work; when it dies, every request in
 * flight fails with `exitError()`.
 */
export abstract class PipelinedProcess<
  Answer,
  Pending extends PendingRequest<Answer> = PendingRequest<Answer>,
> {
  protected readonly child: ChildProcess;
  protected readonly pending: Pending[] = [];
  protected stderr = '';
  private exited = false;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    gitDir: string,
    args: string[],
    private readonly idleMs: number,
    private readonly onExit: (process: PipelinedProcess<Answer, Pending>) => void,
  ) {
    this.child = spawnGit(gitDir, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => this.consume(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.child.stdin?.on('error', () => undefined);
    this.child.on('error', (error) => this.terminate(spawnFailure(error)));
    this.child.on('close', () => this.terminate(this.exitError()));
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

  close(): void {
    this.clearIdleTimer();
    this.child.stdin?.end();
  }

  protected abstract consume(chunk: Buffer): void;

  protected abstract exitError(): Error;

  protected send(request: Pending, input: Buffer | string): void {
    this.clearIdleTimer();
    this.pending.push(request);
    this.child.stdin?.write(input);
  }

  /** Hands an answer to the oldest pending request. */
  protected settle(answer: Answer): void {
    this.pending.shift()?.resolve(answer);
    if (this.pending.length === 0) this.armIdleTimer();
  }

  private terminate(error: Error): void {
    if (this.exited) return;
    this.exited = true;
    this.clearIdleTimer();
    for (const request of this.pending.splice(0)) request.reject(error);
    this.onExit(this);
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
