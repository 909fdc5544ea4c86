import { Writable } from 'node:stream';

/** What the batch is written to: stdout, or a stand-in in tests. */
export interface LineSink {
  write(text: string): unknown;
}

/**
 * A stream that writes everything written to it during one event-loop turn in one `write` to the
 * sink (stdout): under load the server logs a line per request, and writing each to a pipe or file
 * is a system call of its own. Lines still pending when the process exits are written then (stdout
 * writes to pipes and files are synchronous), so an exit does not lose them.
 */
export class BatchedLineStream extends Writable {
  private pending: string[] = [];
  private scheduled = false;
  private readonly flushAtExit = () => this.flush();

  constructor(private readonly sink: LineSink = process.stdout) {
    super({ decodeStrings: false });
    process.once('exit', this.flushAtExit);
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.pending.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    callback();
  }

  override _final(callback: () => void): void {
    this.flush();
    process.off('exit', this.flushAtExit);
    callback();
  }

  /** Writes what is pending now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.sink.write(text);
  }
}
