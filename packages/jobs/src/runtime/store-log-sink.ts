import type { LogFields, Logger } from '@conman/core';
import type { JobLogEntry, JobLogStore } from '@conman/db';
import type { JobLogLevel, JobLogSink } from '../log-sink';

/**
 * Buffers a running job's log lines and writes them in order, one batch at a time, so readers can
 * tail the job while it runs without one MongoDB round trip per output line.
 */
export class StoreLogSink implements JobLogSink {
  private buffer: JobLogEntry[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: JobLogStore,
    private readonly jobId: string,
    private readonly logger: Logger,
    flushIntervalMs = 200,
  ) {
    this.timer = setInterval(() => void this.flush(), flushIntervalMs);
  }

  append(level: JobLogLevel, message: string, fields?: LogFields): void {
    this.buffer.push({ level, message, at: new Date(), ...(fields ? { fields } : {}) });
  }

  /** Writes what is buffered after every earlier batch; failures are logged, never thrown into the job. */
  flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return this.writing;
    this.writing = this.writing.then(() =>
      this.store.append(this.jobId, batch).then(
        () => undefined,
        (error: unknown) =>
          this.logger.warn('job log write failed', { job_id: this.jobId, error: String(error) }),
      ),
    );
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
