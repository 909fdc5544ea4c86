import { z } from 'zod';
import { JOB_STATES, JOB_TYPES, VALIDATION_GATE_NAMES, type JobRecord } from '@conman/core';
import type { JobLogLine } from '@conman/db';
import { paginationQuery } from '../../platform/pagination';

/**
 * A job as its `jobs` record names the fields (snake_case, docs/jobs.md "HTTP API"); worker bookkeeping stays
 * internal.
 */
export const jobSchema = z
  .object({
    id: z.string(),
    app_id: z.string().nullable(),
    type: z.enum(JOB_TYPES),
    state: z.enum(JOB_STATES),
    entity_type: z.string().nullable(),
    entity_id: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
    attempt: z.number().int(),
    max_attempts: z.number().int(),
    timeout_ms: z.number().int(),
    result: z.record(z.string(), z.unknown()).nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    cancel_requested: z.boolean(),
    created_by: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'Job' });

export const jobLogLineSchema = z
  .object({
    seq: z.number().int().meta({ description: 'Per-job sequence number; pass the last one as `after`' }),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: z.string(),
    fields: z.record(z.string(), z.unknown()),
    at: z.string(),
  })
  .meta({ id: 'JobLogLine' });

export const jobWithLogsSchema = z
  .object({
    job: jobSchema,
    logs: z.array(jobLogLineSchema),
    next_after: z
      .number()
      .int()
      .meta({ description: 'Cursor for the next poll: `?after=` returns only lines after it' }),
  })
  .meta({ id: 'JobWithLogs' });

export const jobListQuery = paginationQuery.extend({
  type: z.enum(JOB_TYPES).optional(),
  state: z.enum(JOB_STATES).optional(),
  entity_id: z.string().min(1).max(200).optional(),
});

export const jobLogQuery = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .meta({ description: 'Return only log lines with a larger `seq` (the previous `next_after`)' }),
});

export const validateBody = z.strictObject({
  ref: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({ description: 'Branch or tag name (`main`, `refs/tags/r1`); exactly one of ref and commit_sha' }),
  commit_sha: z
    .string()
    .regex(/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/, 'Must be a full 40- or 64-character hexadecimal sha')
    .optional(),
  // Named like their job types, as in the `validation_gates` setting.
  gate: z.enum(VALIDATION_GATE_NAMES).default('msuite_validate'),
});

export function jobView(job: JobRecord): z.output<typeof jobSchema> {
  return {
    id: job.id,
    app_id: job.appId,
    type: job.type,
    state: job.state,
    entity_type: job.entityType,
    entity_id: job.entityId,
    payload: job.payload,
    attempt: job.attempt,
    max_attempts: job.maxAttempts,
    timeout_ms: job.timeoutMs,
    result: job.result,
    error: job.error,
    cancel_requested: job.cancelRequested,
    created_by: job.createdBy,
    created_at: job.createdAt.toISOString(),
    updated_at: job.updatedAt.toISOString(),
    started_at: job.startedAt?.toISOString() ?? null,
    finished_at: job.finishedAt?.toISOString() ?? null,
  };
}

export function logLineView(line: JobLogLine): z.output<typeof jobLogLineSchema> {
  return {
    seq: line.seq,
    level: line.level,
    message: line.message,
    fields: line.fields as Record<string, unknown>,
    at: line.at.toISOString(),
  };
}
