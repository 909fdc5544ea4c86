import type { JobRecord, JobType } from '@conman/core';
import type { GitAdapter } from '@conman/git';
import type { JobHandler, JobHandlerOutcome } from '../runtime/handler';
import type { JobProducer } from '../runtime/producer';
import type { GateContext, GateName } from '../msuite/environment';
import type { CommandSpec } from '../msuite/process-group';
import type { CommandSandbox } from '../sandbox/command-sandbox';
import { sandboxRefusal } from '../sandbox/command-sandbox';
import { executeGate } from './execute-gate';

export const GATE_JOB_TYPES: Readonly<Record<GateName, JobType>> = {
  submit: 'msuite_submit',
  merge: 'msuite_merge',
  deploy: 'msuite_deploy',
  manual: 'msuite_validate',
};

export interface GateEntity {
  type: 'changeset' | 'release' | 'environment' | 'app';
  id: string;
}

export interface RunGateRequest {
  gate: GateName;
  appId: string;
  commitSha: string;
  baseSha?: string;
  entity: GateEntity;
  createdBy?: string;
  /** A one-off request (on-demand validation): no idempotency key even for an automatic gate. */
  oneOff?: boolean;
}

/** The payload a gate job carries; ids become `CONMAN_*` variables of the command. */
interface GatePayload {
  gate: GateName;
  commit_sha: string;
  base_sha?: string;
  entity_type: GateEntity['type'];
  entity_id: string;
}

/**
 * Enqueues a gate run and returns its job. Automatic gates are idempotent per (type, entity, commit):
 * asking twice for the same commit returns the first job; manual validations always run.
 */
export function runGate(producer: JobProducer, request: RunGateRequest): Promise<JobRecord> {
  const type = GATE_JOB_TYPES[request.gate];
  const payload: GatePayload = {
    gate: request.gate,
    commit_sha: request.commitSha,
    ...(request.baseSha ? { base_sha: request.baseSha } : {}),
    entity_type: request.entity.type,
    entity_id: request.entity.id,
  };
  return producer.enqueue({
    type,
    appId: request.appId,
    entityType: request.entity.type,
    entityId: request.entity.id,
    payload: { ...payload },
    ...(request.gate === 'manual' || request.oneOff
      ? {}
      : { idempotencyKey: `${type}:${request.entity.type}:${request.entity.id}:${request.commitSha}` }),
    ...(request.createdBy ? { createdBy: request.createdBy } : {}),
  });
}

/** Where the app's repository is and what its gate runs (settings `validation_gates`, scope env vars). */
export interface GateSettings {
  repoPath: string;
  command?: CommandSpec;
  scopeEnv: Record<string, string>;
  /** The gate's own timeout (`timeout_seconds`); the job's timeout still bounds it. */
  timeoutMs?: number;
  /** The gate's `network` setting; absent = the msuite default (offline). */
  network?: boolean;
}

export type GateSettingsResolver = (job: JobRecord, gate: GateName) => Promise<GateSettings>;

export interface GateHandlerOptions {
  git: GitAdapter;
  settings: GateSettingsResolver;
  /** The worker's resolved command sandbox (`CONMAN_COMMAND_SANDBOX`). */
  sandbox: CommandSandbox;
  tmpRoot?: string;
}

function contextOf(job: JobRecord, payload: GatePayload): GateContext {
  const entityVariable =
    payload.entity_type === 'changeset'
      ? { changesetId: payload.entity_id }
      : payload.entity_type === 'release'
        ? { releaseId: payload.entity_id }
        : payload.entity_type === 'environment'
          ? { environmentId: payload.entity_id }
          : {};
  return {
    jobId: job.id,
    appId: job.appId ?? '',
    gate: payload.gate,
    commitSha: payload.commit_sha,
    ...(payload.base_sha ? { baseSha: payload.base_sha } : {}),
    ...entityVariable,
  };
}

/** The worker-side handler of every msuite job type: one gate run, its result stored on the job. */
export function createGateHandler(options: GateHandlerOptions): JobHandler {
  return async ({ job, log, signal }): Promise<JobHandlerOutcome> => {
    const payload = job.payload as unknown as GatePayload;
    const settings = await options.settings(job, payload.gate);
    const refusal = settings.command === undefined ? undefined : sandboxRefusal(options.sandbox);
    if (refusal !== undefined) {
      log.append('error', refusal);
      return { state: 'failed', error: { code: 'sandbox_unavailable', message: refusal } };
    }
    // An unreachable git backend throws `unavailable`, which the retry policy retries; a missing commit
    // (any other error) fails the job.
    const gate = await executeGate({
      git: options.git,
      repoPath: settings.repoPath,
      context: contextOf(job, payload),
      scopeEnv: settings.scopeEnv,
      sandbox: options.sandbox,
      ...(settings.network === undefined ? {} : { network: settings.network }),
      timeoutMs: Math.min(settings.timeoutMs ?? job.timeoutMs, job.timeoutMs),
      signal,
      log,
      ...(settings.command === undefined ? {} : { command: settings.command }),
      ...(options.tmpRoot ? { tmpRoot: options.tmpRoot } : {}),
    });
    const result = { ...gate } as unknown as Record<string, unknown>;
    if (gate.outcome === 'passed') return { state: 'succeeded', result };
    if (gate.outcome === 'timeout')
      return {
        state: 'failed',
        result,
        error: { code: 'timeout', message: `msuite exceeded ${job.timeoutMs} ms` },
      };
    const reason = gate.checks.passed
      ? `msuite command ${gate.outcome}`
      : `${gate.checks.failures.length} built-in check failure(s)`;
    return { state: 'failed', result, error: { code: 'gate_failed', message: reason } };
  };
}
