import type { JobLogSink } from '../log-sink';

export interface OutputCaptureOptions {
  /** Most bytes of command output written to the job log; later output is counted, not stored. */
  maxLogBytes: number;
  /** Bytes of the most recent output kept for the job result. */
  tailBytes: number;
}

/**
 * Splits a command's stdout/stderr into log lines for the job log, stops logging at a byte budget
 * (one marker line says so) and keeps the last bytes for the result, so a chatty command cannot flood
 * MongoDB yet its failure reason stays visible.
 */
export class OutputCapture {
  private readonly partial = { stdout: '', stderr: '' };
  private tail = '';
  private loggedBytes = 0;
  private droppedBytes = 0;

  constructor(
    private readonly sink: JobLogSink,
    private readonly options: OutputCaptureOptions,
  ) {}

  write(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const text = chunk.toString('utf8');
    this.tail = (this.tail + text).slice(-this.options.tailBytes);
    const lines = (this.partial[stream] + text).split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.logLine(stream, line);
  }

  /** Flushes unterminated last lines; call once the process has closed its pipes. */
  finish(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') this.logLine(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
    if (this.droppedBytes > 0) {
      this.sink.append('warn', 'command output exceeded the log budget; only the tail is kept', {
        dropped_bytes: this.droppedBytes,
      });
    }
  }

  outputTail(): string {
    return this.tail;
  }

  private logLine(stream: 'stdout' | 'stderr', line: string): void {
    const size = Buffer.byteLength(line) + 1;
    if (this.loggedBytes + size > this.options.maxLogBytes) {
      this.droppedBytes += size;
      return;
    }
    this.loggedBytes += size;
    this.sink.append(stream === 'stderr' ? 'warn' : 'info', line, { stream });
  }
}
