import { z } from 'zod';
import { NotFoundError, ValidationError, type AuditActor, type JobRecord } from '@conman/core';
import {
  type AppsRepository,
  type AuditLog,
  type JobLogStore,
  type JobStore,
  type UnitOfWork,
} from '@conman/db';
import type { GitAdapter } from '@conman/git';
import { GATE_JOB_TYPES, runGate, type GateName, type JobProducer } from '@conman/jobs';
import { objectId } from '../../platform/common-schemas';
import { accepted, ok, paginated } from '../../platform/replies';
import { dataResponse, defineRoute, pageResponse, type ApiModule } from '../../platform/route';
import type { ItemSource } from '../../platform/access';
import { resolveRevision } from './resolve-revision';
import {
  jobListQuery,
  jobLogQuery,
  jobSchema,
  jobView,
  jobWithLogsSchema,
  logLineView,
  validateBody,
} from './schemas';

export interface JobsModuleDependencies {
  unitOfWork: UnitOfWork;
  apps: AppsRepository;
  jobs: JobStore;
  jobLogs: JobLogStore;
  producer: JobProducer;
  git: GitAdapter;
  audit: AuditLog;
}

/** Log lines per response; a client keeps polling with `after` to read a longer log. */
const LOG_PAGE_LINES = 1000;

const GATE_OF_JOB_TYPE = Object.fromEntries(
  Object.entries(GATE_JOB_TYPES).map(([gate, type]) => [type, gate as GateName]),
) as Record<string, GateName>;

const jobParams = z.object({ appId: objectId, jobId: objectId });

/** The job of `:jobId` when it exists in this app; another app's job is as absent as a missing one. */
function jobItem(jobs: JobStore): ItemSource<JobRecord> {
  return {
    load: async ({ params }, app) => {
      const job = await jobs.get(params.jobId ?? '');
      if (!job || job.appId !== app.id) throw new NotFoundError('Job not found');
      return job;
    },
    // Who started the job: the user, or the API key for service accounts.
    ownerOf: (job) => job.createdBy,
  };
}

/**
 * The job itself is the durable record of the request; the audit event follows it in its own
 * transaction because the job store and the BullMQ hand-off cannot join a MongoDB transaction.
 */
async function auditJob(
  deps: JobsModuleDependencies,
  appId: string,
  actor: AuditActor,
  action: string,
  job: JobRecord,
  before: JobRecord | null,
): Promise<void> {
  await deps.unitOfWork.run({ appId, actor }, (tx) =>
    tx.audit({
      entityType: 'job',
      entityId: job.id,
      action,
      before: before ? { state: before.state } : null,
      after: { state: job.state, type: job.type, payload: job.payload },
    }),
  );
}

/** SPEC §8/§11 jobs: list, read with incremental logs, cancel; and on-demand validation of a commit. */
export function jobsModule(deps: JobsModuleDependencies): ApiModule {
  return {
    name: 'jobs',
    description: 'Background jobs of an app (msuite gates, releases, deploys) and their logs',
    routes: [
      defineRoute({
        method: 'get',
        path: '/apps/:appId/jobs',
        operationId: 'listJobs',
        access: { kind: 'app', capability: 'read_app' },
        summary: 'Jobs of an app, newest first',
        request: { params: z.object({ appId: objectId }), query: jobListQuery },
        responses: { 200: pageResponse(jobSchema, 'A page of jobs') },
        errors: ['unauthorized', 'not_found'],
        handler: async ({ params, query }) => {
          const { items, total } = await deps.jobs.list(
            {
              appId: params.appId,
              ...(query.type !== undefined && { type: query.type }),
              ...(query.state !== undefined && { state: query.state }),
              ...(query.entity_id !== undefined && { entityId: query.entity_id }),
            },
            { page: query.page, limit: query.limit },
          );
          return paginated(items.map(jobView), { page: query.page, limit: query.limit, total });
        },
      }),
      defineRoute({
        method: 'get',
        path: '/apps/:appId/jobs/:jobId',
        operationId: 'getJob',
        access: { kind: 'app', capability: 'read_app', item: jobItem(deps.jobs) },
        summary: 'A job with its log lines after `after` (all lines without it) and the next cursor',
        request: { params: jobParams, query: jobLogQuery },
        responses: { 200: dataResponse(jobWithLogsSchema, 'The job and its newer log lines') },
        errors: ['unauthorized', 'not_found'],
        handler: async ({ query, item: job }) => {
          // Logs after the job, never in parallel: a job read as finished then has all its lines, so a
          // client tailing until the end cannot miss the last ones.
          const lines = await deps.jobLogs.list(job.id, { after: query.after, limit: LOG_PAGE_LINES });
          return ok({
            job: jobView(job),
            logs: lines.map(logLineView),
            next_after: lines.at(-1)?.seq ?? query.after,
          });
        },
      }),
      defineRoute({
        method: 'post',
        path: '/apps/:appId/jobs/:jobId/cancel',
        operationId: 'cancelJob',
        access: { kind: 'app', capability: 'cancel_job', item: jobItem(deps.jobs), own: 'matrix' },
        summary: 'Cancel a queued job at once, or stop a running one (its process group is killed)',
        description:
          'Members cancel jobs they started; config_manager and app_admin cancel any job of the app. ' +
          'A running job answers with `cancel_requested: true` and ends `canceled` once its worker stopped it.',
        request: { params: jobParams },
        responses: { 200: dataResponse(jobSchema, 'The job after the request') },
        errors: ['unauthorized', 'forbidden', 'not_found', 'invalid_transition'],
        handler: async ({ params, actor, item: job }) => {
          const after = await deps.producer.requestCancel(job.id);
          await auditJob(deps, params.appId, actor, 'job.cancel_requested', after, job);
          return ok(jobView(after));
        },
      }),
      defineRoute({
        method: 'post',
        path: '/apps/:appId/validate',
        operationId: 'validateCommit',
        access: { kind: 'app', capability: 'submit_changeset' },
        summary: 'Run a validation gate (built-in checks and the msuite command) on a ref or commit',
        description:
          'Exactly one of `ref` (branch or tag name, or a full `refs/...` name) and `commit_sha`. ' +
          'A ref or commit the app repository does not have is a 404. Every request starts a new job.',
        request: { params: z.object({ appId: objectId }), body: validateBody },
        responses: { 202: dataResponse(z.object({ job: jobSchema }), 'The queued validation job') },
        errors: ['unauthorized', 'forbidden', 'not_found', 'validation_error'],
        handler: async ({ body, app, actor }) => {
          if ((body.ref === undefined) === (body.commit_sha === undefined))
            throw new ValidationError('Give exactly one of ref and commit_sha', {
              fields: ['ref', 'commit_sha'],
            });
          const commitSha = await resolveRevision(
            deps.git,
            app.repoPath,
            body.ref !== undefined ? { ref: body.ref } : { commitSha: body.commit_sha as string },
          );
          const job = await runGate(deps.producer, {
            gate: GATE_OF_JOB_TYPE[body.gate] as GateName,
            appId: app.id,
            commitSha,
            entity: { type: 'app', id: app.id },
            createdBy: actor.id,
            oneOff: true,
          });
          await auditJob(deps, app.id, actor, 'job.validation_requested', job, null);
          return accepted({ job: jobView(job) });
        },
      }),
    ],
  };
}
