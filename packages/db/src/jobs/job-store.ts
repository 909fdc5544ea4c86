import { ObjectId, type Collection, type Db, type Filter, type UpdateFilter } from 'mongodb';
import {
  JOB_TYPE_DEFAULTS,
  jobStatesAllowing,
  type JobError,
  type JobEvent,
  type JobRecord,
  type JobState,
  type JobType,
} from '@conman/core';
import type { IndexSpec } from '../indexes';
import { isDuplicateKeyError } from '../identity/shared';
import { JOBS, toJobRecord, type JobDocument } from './job-document';

export const jobIndexSpecs: IndexSpec[] = [
  {
    collection: JOBS,
    key: { idempotency_key: 1 },
    options: {
      name: 'jobs_idempotency',
      unique: true,
      partialFilterExpression: { idempotency_key: { $type: 'string' } },
    },
  },
  { collection: JOBS, key: { app_id: 1, created_at: -1 }, options: { name: 'jobs_app_created' } },
  {
    collection: JOBS,
    key: { app_id: 1, entity_id: 1, created_at: -1 },
    options: { name: 'jobs_app_entity' },
  },
  { collection: JOBS, key: { state: 1, lease_expires_at: 1 }, options: { name: 'jobs_state_lease' } },
];

export interface CreateJobInput {
  type: JobType;
  appId: string | null;
  entityType?: string;
  entityId?: string;
  payload: Record<string, unknown>;
  /** Dedupe key, e.g. `msuite_submit:<changeset>:<revision>`; a second create returns the first job. */
  idempotencyKey?: string;
  createdBy?: string;
  maxAttempts?: number;
  timeoutMs?: number;
}

export interface JobListFilter {
  appId?: string;
  type?: JobType;
  state?: JobState;
  entityId?: string;
}

export interface JobListPage {
  page: number;
  limit: number;
}

function objectIdOf(id: string): ObjectId | null {
  return ObjectId.isValid(id) && id.length === 24 ? new ObjectId(id) : null;
}

/**
 * `jobs`: the source of truth for job state (docs/jobs.md "Decisions"). Every state change is one
 * `findOneAndUpdate` whose filter requires a state the core machine allows for the event, so two
 * workers (or a worker and the reconciler) can never both win a transition.
 */
export class JobStore {
  private readonly collection: Collection<JobDocument>;

  constructor(db: Db) {
    this.collection = db.collection<JobDocument>(JOBS);
  }

  /** Inserts the job; with an idempotency key that already exists, returns the existing job instead. */
  async create(input: CreateJobInput, now = new Date()): Promise<{ job: JobRecord; created: boolean }> {
    const defaults = JOB_TYPE_DEFAULTS[input.type];
    const doc: JobDocument = {
      _id: new ObjectId(),
      type: input.type,
      family: defaults.family,
      state: 'queued',
      app_id: input.appId,
      entity_type: input.entityType ?? null,
      entity_id: input.entityId ?? null,
      payload: input.payload,
      attempt: 1,
      max_attempts: input.maxAttempts ?? defaults.maxAttempts,
      timeout_ms: input.timeoutMs ?? defaults.timeoutMs,
      result: null,
      error: null,
      ...(input.idempotencyKey === undefined ? {} : { idempotency_key: input.idempotencyKey }),
      cancel_requested: false,
      worker_id: null,
      lease_expires_at: null,
      log_seq: 0,
      created_by: input.createdBy ?? null,
      created_at: now,
      updated_at: now,
      started_at: null,
      finished_at: null,
    };
    try {
      await this.collection.insertOne(doc);
      return { job: toJobRecord(doc), created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error) || input.idempotencyKey === undefined) throw error;
      const existing = await this.collection.findOne({ idempotency_key: input.idempotencyKey });
      if (!existing) throw error;
      return { job: toJobRecord(existing), created: false };
    }
  }

  async get(id: string): Promise<JobRecord | null> {
    const _id = objectIdOf(id);
    const doc = _id ? await this.collection.findOne({ _id }) : null;
    return doc ? toJobRecord(doc) : null;
  }

  /** `queued → running` for this worker with a lease; null when someone else got it or it was canceled. */
  async start(id: string, workerId: string, leaseMs: number, now = new Date()): Promise<JobRecord | null> {
    return this.apply(
      id,
      'start',
      { cancel_requested: false },
      {
        $set: {
          state: 'running',
          worker_id: workerId,
          lease_expires_at: new Date(now.getTime() + leaseMs),
          started_at: now,
          updated_at: now,
        },
      },
    );
  }

  /** Extends the lease of a job this worker runs; returns the job (to see `cancelRequested`) or null if lost. */
  async heartbeat(
    id: string,
    workerId: string,
    leaseMs: number,
    now = new Date(),
  ): Promise<JobRecord | null> {
    const _id = objectIdOf(id);
    if (!_id) return null;
    const doc = await this.collection.findOneAndUpdate(
      { _id, state: 'running', worker_id: workerId },
      { $set: { lease_expires_at: new Date(now.getTime() + leaseMs), updated_at: now } },
      { returnDocument: 'after' },
    );
    return doc ? toJobRecord(doc) : null;
  }

  /** `running → succeeded | failed | canceled`; `workerId` null lets the reconciler end any holder's job. */
  async finish(
    id: string,
    workerId: string | null,
    outcome: {
      state: 'succeeded' | 'failed' | 'canceled';
      result?: Record<string, unknown>;
      error?: JobError;
    },
    now = new Date(),
  ): Promise<JobRecord | null> {
    const event: JobEvent['type'] =
      outcome.state === 'succeeded' ? 'succeed' : outcome.state === 'failed' ? 'fail' : 'cancel';
    return this.apply(
      id,
      event,
      { state: 'running', ...(workerId === null ? {} : { worker_id: workerId }) },
      {
        $set: {
          state: outcome.state,
          result: outcome.result ?? null,
          error: outcome.error ?? null,
          worker_id: null,
          lease_expires_at: null,
          finished_at: now,
          updated_at: now,
        },
      },
    );
  }

  /**
   * `running → queued` with `attempt + 1`. Guarded by the attempt the caller saw, so a retry is counted
   * once even when a worker and the reconciler race; the caller checks the limit with the core machine.
   */
  async retry(
    id: string,
    workerId: string | null,
    seenAttempt: number,
    error: JobError,
    now = new Date(),
  ): Promise<JobRecord | null> {
    return this.apply(
      id,
      'retry',
      { state: 'running', attempt: seenAttempt, ...(workerId === null ? {} : { worker_id: workerId }) },
      {
        $set: { state: 'queued', error, worker_id: null, lease_expires_at: null, updated_at: now },
        $inc: { attempt: 1 },
      },
    );
  }

  /** `queued → canceled` at once; null when the job is not queued any more. */
  async cancelQueued(id: string, now = new Date()): Promise<JobRecord | null> {
    return this.apply(
      id,
      'cancel',
      { state: 'queued' },
      {
        $set: {
          state: 'canceled',
          cancel_requested: true,
          error: { code: 'canceled', message: 'Canceled before it started' },
          finished_at: now,
          updated_at: now,
        },
      },
    );
  }

  /** Flags a running job; its worker sees the flag (signal or heartbeat) and stops the handler. */
  async flagCancel(id: string, now = new Date()): Promise<JobRecord | null> {
    return this.apply(
      id,
      'cancel',
      { state: 'running' },
      { $set: { cancel_requested: true, updated_at: now } },
    );
  }

  /** Running jobs whose holder stopped renewing its lease (crashed or partitioned worker). */
  async findExpiredLeases(now = new Date(), limit = 100): Promise<JobRecord[]> {
    const docs = await this.collection
      .find({ state: 'running', lease_expires_at: { $lt: now } })
      .limit(limit)
      .toArray();
    return docs.map(toJobRecord);
  }

  /** Queued jobs not touched since `unchangedSince`, oldest first (candidates for re-enqueueing). */
  async findQueued(unchangedSince: Date, limit = 500): Promise<JobRecord[]> {
    const docs = await this.collection
      .find({ state: 'queued', updated_at: { $lt: unchangedSince } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toJobRecord);
  }

  async list(filter: JobListFilter, page: JobListPage): Promise<{ items: JobRecord[]; total: number }> {
    const query: Filter<JobDocument> = {};
    if (filter.appId !== undefined) query.app_id = filter.appId;
    if (filter.type !== undefined) query.type = filter.type;
    if (filter.state !== undefined) query.state = filter.state;
    if (filter.entityId !== undefined) query.entity_id = filter.entityId;
    const [docs, total] = await Promise.all([
      this.collection
        .find(query)
        .sort({ created_at: -1, _id: -1 })
        .skip((page.page - 1) * page.limit)
        .limit(page.limit)
        .toArray(),
      this.collection.countDocuments(query),
    ]);
    return { items: docs.map(toJobRecord), total };
  }

  private async apply(
    id: string,
    event: JobEvent['type'],
    guard: Filter<JobDocument>,
    update: UpdateFilter<JobDocument>,
  ): Promise<JobRecord | null> {
    const _id = objectIdOf(id);
    if (!_id) return null;
    const allowed = jobStatesAllowing(event).filter(
      (state) => guard.state === undefined || guard.state === state,
    );
    const doc = await this.collection.findOneAndUpdate(
      { ...guard, _id, state: { $in: [...allowed] } },
      update,
      { returnDocument: 'after' },
    );
    return doc ? toJobRecord(doc) : null;
  }
}
