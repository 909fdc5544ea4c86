import { GitError } from '../errors';
import { PipelinedProcess } from './pipelined-process';

/**
 * A long-lived git process that answers each request with one line (`mktree --batch`,
 * `hash-object --stdin-paths`). Every request is self-contained, so requests of concurrent callers
 * may interleave.
 */
export class LineProcess extends PipelinedProcess<string> {
  private output = '';

  constructor(
    gitDir: string,
    private readonly args: string[],
    idleMs: number,
    onExit: (process: LineProcess) => void,
  ) {
    super(gitDir, args, idleMs, (process) => onExit(process as LineProcess));
  }

  request(input: Buffer | string): Promise<string> {
    if (!this.alive) return Promise.reject(this.exitError());
    return new Promise((resolve, reject) => this.send({ resolve, reject }, input));
  }

  protected exitError(): Error {
    return new GitError(`git ${this.args[0]} exited: ${this.stderr.trim()}`);
  }

  protected consume(chunk: Buffer): void {
    this.output += chunk.toString('utf8');
    for (let newline = this.output.indexOf('\n'); newline !== -1; newline = this.output.indexOf('\n')) {
      const line = this.output.slice(0, newline);
      this.output = this.output.slice(newline + 1);
      this.settle(line);
    }
  }
}
