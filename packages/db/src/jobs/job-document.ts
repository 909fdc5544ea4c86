import type { ObjectId } from 'mongodb';
import type { JobError, JobFamily, JobRecord, JobState, JobType } from '@conman/core';

export const JOBS = 'jobs';
export const JOB_LOGS = 'job_logs';

export interface JobDocument {
  _id: ObjectId;
  type: JobType;
  family: JobFamily;
  state: JobState;
  app_id: string | null;
  entity_type: string | null;
  entity_id: string | null;
  payload: Record<string, unknown>;
  attempt: number;
  max_attempts: number;
  timeout_ms: number;
  result: Record<string, unknown> | null;
  error: JobError | null;
  /** Absent (not null) when the job has none, so the partial unique index skips it. */
  idempotency_key?: string;
  cancel_requested: boolean;
  worker_id: string | null;
  lease_expires_at: Date | null;
  /** Log sequence numbers handed out so far (the next line gets `log_seq + 1`). */
  log_seq: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export function toJobRecord(doc: JobDocument): JobRecord {
  return {
    id: doc._id.toHexString(),
    type: doc.type,
    family: doc.family,
    state: doc.state,
    appId: doc.app_id,
    entityType: doc.entity_type,
    entityId: doc.entity_id,
    payload: doc.payload,
    attempt: doc.attempt,
    maxAttempts: doc.max_attempts,
    timeoutMs: doc.timeout_ms,
    result: doc.result,
    error: doc.error,
    idempotencyKey: doc.idempotency_key ?? null,
    cancelRequested: doc.cancel_requested,
    workerId: doc.worker_id,
    leaseExpiresAt: doc.lease_expires_at,
    createdBy: doc.created_by,
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
    startedAt: doc.started_at,
    finishedAt: doc.finished_at,
  };
}
