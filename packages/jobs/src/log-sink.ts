import type { LogFields } from '@conman/core';

export type JobLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where a running job writes its structured log; the worker backs it with the `job_logs` store. */
export interface JobLogSink {
  append(level: JobLogLevel, message: string, fields?: LogFields): void;
}

/** Collects lines in memory: for callers that run a gate outside a job (tests, CLI checks). */
export class MemoryLogSink implements JobLogSink {
  readonly lines: Array<{ level: JobLogLevel; message: string; fields: LogFields | undefined }> = [];

  append(level: JobLogLevel, message: string, fields?: LogFields): void {
    this.lines.push({ level, message, fields });
  }
}
