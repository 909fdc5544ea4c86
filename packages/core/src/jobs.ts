import type { JobFamily } from './config';
import { InvalidTransitionError } from './errors';

/** SPEC §8 job types plus the internal ones (validate-on-demand, notification delivery, scans, reconciler). */
export const JOB_TYPES = [
  'msuite_submit',
  'msuite_merge',
  'msuite_deploy',
  'msuite_validate',
  'revalidate_queued_changeset',
  'release_assemble',
  'deploy_release',
  'runtime_profile_drift_check',
  'temp_env_provision',
  'temp_env_expire',
  'notification_delivery',
  'temp_env_expiry_scan',
  'jobs_reconcile',
] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const TERMINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'canceled'];

/** Why a job ended `failed` (or, for `canceled`, that it was asked to stop). */
export const JOB_ERROR_CODES = [
  'timeout',
  'worker_lost',
  'canceled',
  'infrastructure',
  'gate_failed',
  'handler_error',
  'no_handler',
  // The worker's command sandbox does not work and the operator did not opt out (docs/security.md).
  'sandbox_unavailable',
] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

export interface JobTypeDefaults {
  family: JobFamily;
  maxAttempts: number;
  timeoutMs: number;
}

const MINUTE = 60_000;

/** Attempt limits and timeouts per type; a gate run may take minutes, bookkeeping jobs only seconds. */
export const JOB_TYPE_DEFAULTS: Readonly<Record<JobType, JobTypeDefaults>> = {
  msuite_submit: { family: 'validation', maxAttempts: 3, timeoutMs: 10 * MINUTE },
  msuite_merge: { family: 'validation', maxAttempts: 3, timeoutMs: 10 * MINUTE },
  msuite_deploy: { family: 'validation', maxAttempts: 3, timeoutMs: 10 * MINUTE },
  msuite_validate: { family: 'validation', maxAttempts: 3, timeoutMs: 10 * MINUTE },
  revalidate_queued_changeset: { family: 'validation', maxAttempts: 3, timeoutMs: 10 * MINUTE },
  release_assemble: { family: 'release', maxAttempts: 3, timeoutMs: 15 * MINUTE },
  deploy_release: { family: 'deploy', maxAttempts: 3, timeoutMs: 15 * MINUTE },
  runtime_profile_drift_check: { family: 'environment', maxAttempts: 3, timeoutMs: 2 * MINUTE },
  temp_env_provision: { family: 'environment', maxAttempts: 3, timeoutMs: 10 * MINUTE },
  temp_env_expire: { family: 'environment', maxAttempts: 5, timeoutMs: 5 * MINUTE },
  notification_delivery: { family: 'notification', maxAttempts: 8, timeoutMs: MINUTE },
  temp_env_expiry_scan: { family: 'maintenance', maxAttempts: 1, timeoutMs: 2 * MINUTE },
  jobs_reconcile: { family: 'maintenance', maxAttempts: 1, timeoutMs: 2 * MINUTE },
};

export function isJobType(value: string): value is JobType {
  return (JOB_TYPES as readonly string[]).includes(value);
}

export function jobFamilyOf(type: JobType): JobFamily {
  return JOB_TYPE_DEFAULTS[type].family;
}

export interface JobError {
  code: JobErrorCode;
  message: string;
}

/** The `jobs` document as the application sees it (SPEC §8); `id` is the ObjectId as 24-char hex. */
export interface JobRecord {
  id: string;
  type: JobType;
  family: JobFamily;
  state: JobState;
  appId: string | null;
  entityType: string | null;
  entityId: string | null;
  payload: Record<string, unknown>;
  /** 1-based number of the attempt that is running or will run next. */
  attempt: number;
  maxAttempts: number;
  timeoutMs: number;
  result: Record<string, unknown> | null;
  error: JobError | null;
  /** Set once per (type, entity, revision) when duplicates would be wasteful; unique in the store. */
  idempotencyKey: string | null;
  cancelRequested: boolean;
  /** Worker holding a running job and until when its lease is valid (crash detection). */
  workerId: string | null;
  leaseExpiresAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What the state machine looks at. */
export interface JobProgress {
  state: JobState;
  attempt: number;
  maxAttempts: number;
}

export type JobEvent =
  { type: 'start' } | { type: 'succeed' } | { type: 'fail' } | { type: 'retry' } | { type: 'cancel' };

/** Which state each event may leave; `retry` additionally needs an attempt left. */
const ALLOWED_FROM: Readonly<Record<JobEvent['type'], readonly JobState[]>> = {
  start: ['queued'],
  succeed: ['running'],
  fail: ['running'],
  retry: ['running'],
  cancel: ['queued', 'running'],
};

const TARGET: Readonly<Record<JobEvent['type'], JobState>> = {
  start: 'running',
  succeed: 'succeeded',
  fail: 'failed',
  retry: 'queued',
  cancel: 'canceled',
};

/** States from which `event` is allowed; the store uses it to guard its atomic updates. */
export function jobStatesAllowing(event: JobEvent['type']): readonly JobState[] {
  return ALLOWED_FROM[event];
}

/**
 * SPEC §7 job machine: `queued → running → succeeded | failed | canceled`, `queued → canceled`, and a
 * retryable failure `running → queued` with `attempt + 1` while attempts remain. Anything else throws.
 */
export function transitionJob(current: JobProgress, event: JobEvent): JobProgress {
  if (!ALLOWED_FROM[event.type].includes(current.state)) {
    throw new InvalidTransitionError(`A ${current.state} job cannot ${event.type}`, {
      from: current.state,
      event: event.type,
    });
  }
  if (event.type === 'retry') {
    if (current.attempt >= current.maxAttempts) {
      throw new InvalidTransitionError('The job has no attempts left', {
        from: current.state,
        event: event.type,
        attempt: current.attempt,
        max_attempts: current.maxAttempts,
      });
    }
    return { ...current, state: 'queued', attempt: current.attempt + 1 };
  }
  return { ...current, state: TARGET[event.type] };
}

export function canRetry(progress: JobProgress): boolean {
  return progress.state === 'running' && progress.attempt < progress.maxAttempts;
}
