import { PipelinedProcess, type PendingRequest } from './pipelined-process';

export type CatFileAnswer =
  { found: true; oid: string; type: string; size: number; content: Buffer | null } | { found: false };

interface CatFileRequest extends PendingRequest<CatFileAnswer> {
  wantsContent: boolean;
}

/** Raised for requests in flight when the process dies; the pool retries them on a fresh process. */
export class CatFileDiedError extends Error {}

const NEWLINE = 0x0a;

/**
 * One long-lived `git cat-file --batch-command` process. Binary content is read by its announced
 * size, never by delimiter.
 */
export class CatFileProcess extends PipelinedProcess<CatFileAnswer, CatFileRequest> {
  private header = Buffer.alloc(0);
  private body: { buffer: Buffer; filled: number; answer: CatFileAnswer & { found: true } } | null = null;
  private skipNewline = false;

  constructor(gitDir: string, idleMs: number, onExit: (process: CatFileProcess) => void) {
    super(gitDir, ['cat-file', '--batch-command'], idleMs, (process) => onExit(process as CatFileProcess));
  }

  /** `contents <object>` (with content) or `info <object>` (type and size only). */
  request(object: string, wantsContent: boolean): Promise<CatFileAnswer> {
    if (!this.alive) return Promise.reject(this.exitError());
    return new Promise((resolve, reject) => {
      this.send({ wantsContent, resolve, reject }, `${wantsContent ? 'contents' : 'info'} ${object}\n`);
    });
  }

  protected exitError(): Error {
    return new CatFileDiedError('git cat-file exited');
  }

  protected consume(chunk: Buffer): void {
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
    // Otherwise `<object> missing` or `<object> ambiguous`: the object name itself may contain spaces.
    if (!match) return this.settle({ found: false });
    const answer = {
      found: true as const,
      oid: match[1] as string,
      type: match[2] as string,
      size: Number(match[3]),
    };
    if (!request.wantsContent) return this.settle({ ...answer, content: null });
    this.body = { buffer: Buffer.allocUnsafe(answer.size), filled: 0, answer: { ...answer, content: null } };
    if (answer.size === 0) this.skipNewline = true;
  }

  private settleBody(): void {
    const body = this.body;
    this.body = null;
    if (body) this.settle({ ...body.answer, content: body.buffer });
  }
}
