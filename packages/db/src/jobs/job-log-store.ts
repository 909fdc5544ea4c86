import { ObjectId, type Collection, type Db } from 'mongodb';
import type { LogFields } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { JOBS, JOB_LOGS, type JobDocument } from './job-document';

export type JobLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface JobLogEntry {
  level: JobLogLevel;
  message: string;
  fields?: LogFields;
  at?: Date;
}

export interface JobLogLine {
  /** Per-job, strictly increasing from 1: the `?after=` cursor. */
  seq: number;
  level: JobLogLevel;
  message: string;
  fields: LogFields;
  at: Date;
}

interface JobLogDocument {
  _id: ObjectId;
  job_id: ObjectId;
  seq: number;
  level: JobLogLevel;
  message: string;
  fields: LogFields;
  at: Date;
}

export const jobLogIndexSpecs: IndexSpec[] = [
  { collection: JOB_LOGS, key: { job_id: 1, seq: 1 }, options: { name: 'job_logs_job_seq', unique: true } },
];

export const DEFAULT_MAX_LOG_LINES_PER_JOB = 5000;
const MAX_MESSAGE_CHARS = 4000;
export const LOG_LIMIT_MESSAGE = 'log limit reached; later lines of this job are dropped';

/**
 * `job_logs`: append-only lines per job. Sequence numbers are reserved with one atomic `$inc` on the
 * job document, so concurrent appenders never collide and readers can tail with `after`. At most
 * `maxLinesPerJob` lines are kept; the last one is a marker saying that later lines were dropped.
 */
export class JobLogStore {
  private readonly logs: Collection<JobLogDocument>;
  private readonly jobs: Collection<JobDocument>;

  constructor(
    db: Db,
    private readonly maxLinesPerJob = DEFAULT_MAX_LOG_LINES_PER_JOB,
  ) {
    this.logs = db.collection<JobLogDocument>(JOB_LOGS);
    this.jobs = db.collection<JobDocument>(JOBS);
  }

  /** Appends lines in order; returns how many were stored (0 once the job's budget is spent). */
  async append(jobId: string, entries: readonly JobLogEntry[]): Promise<number> {
    if (entries.length === 0 || !ObjectId.isValid(jobId)) return 0;
    const jobObjectId = new ObjectId(jobId);
    const reserved = await this.jobs.findOneAndUpdate(
      { _id: jobObjectId, log_seq: { $lt: this.maxLinesPerJob } },
      { $inc: { log_seq: entries.length } },
      { returnDocument: 'after', projection: { log_seq: 1 } },
    );
    if (!reserved) return 0;
    const first = reserved.log_seq - entries.length + 1;
    const docs: JobLogDocument[] = [];
    entries.forEach((entry, index) => {
      const seq = first + index;
      if (seq > this.maxLinesPerJob) return;
      // The last slot is always the marker, so a reader can tell a complete log from a cut one.
      const overflow = seq === this.maxLinesPerJob;
      docs.push({
        _id: new ObjectId(),
        job_id: jobObjectId,
        seq,
        level: overflow ? 'warn' : entry.level,
        message: overflow ? LOG_LIMIT_MESSAGE : entry.message.slice(0, MAX_MESSAGE_CHARS),
        fields: overflow ? {} : (entry.fields ?? {}),
        at: entry.at ?? new Date(),
      });
    });
    if (docs.length > 0) await this.logs.insertMany(docs, { ordered: true });
    return docs.length;
  }

  /** Lines with `seq > after`, oldest first. */
  async list(jobId: string, options: { after?: number; limit?: number } = {}): Promise<JobLogLine[]> {
    if (!ObjectId.isValid(jobId)) return [];
    const docs = await this.logs
      .find({ job_id: new ObjectId(jobId), seq: { $gt: options.after ?? 0 } })
      .sort({ seq: 1 })
      .limit(options.limit ?? 1000)
      .toArray();
    return docs.map((doc) => ({
      seq: doc.seq,
      level: doc.level,
      message: doc.message,
      fields: doc.fields,
      at: doc.at,
    }));
  }
}
