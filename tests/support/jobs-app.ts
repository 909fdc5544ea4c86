import path from 'node:path';
import type { AppSettings, Role } from '@conman/core';
import { hashPassword } from '@conman/auth';
import {
  AppsRepository,
  MembershipsRepository,
  UsersRepository,
  connectMongo,
  type MongoConnection,
} from '@conman/db';
import { LocalGitAdapter } from '@conman/git';
import { startPrivateRedis, type PrivateRedis } from '@conman/test-support';
import { TEST_ENV } from './services';
import { startStack, waitFor, type Stack, type TestResponse } from './stack';

/**
 * Setup for the jobs acceptance tests: a stack on a private redis-server (the tests FLUSHALL it and
 * must not share BullMQ queues with other test files), and an app with a repository and a member.
 * Apps are created through the repositories for now; this is the one place to switch to
 * `POST /api/apps` and `PATCH /api/apps/:appId/settings` once they exist.
 */
export interface JobsStack {
  stack: Stack;
  redis: PrivateRedis;
  mongo: MongoConnection;
  stop(): Promise<void>;
}

export async function startJobsStack(
  options: { worker?: boolean; env?: Record<string, string> } = {},
): Promise<JobsStack> {
  const redis = await startPrivateRedis();
  let stack: Stack;
  try {
    stack = await startStack({
      worker: options.worker ?? true,
      env: {
        CONMAN_REDIS_URL: redis.url,
        // Short leases and a fast reconciler so crash and Redis-loss recovery fit a test's time.
        CONMAN_JOB_LEASE_SECONDS: '3',
        CONMAN_JOB_RECONCILE_INTERVAL_SECONDS: '1',
        ...options.env,
      },
    });
  } catch (error) {
    await redis.stop();
    throw error;
  }
  const mongo = await connectMongo({
    uri: process.env[TEST_ENV.mongoUri] as string,
    dbName: stack.dbName,
    appName: 'conman-jobs-test',
  });
  return {
    stack,
    redis,
    mongo,
    stop: async () => {
      await stack.stop();
      await mongo.close();
      await redis.stop();
    },
  };
}

export interface GateConfig {
  name?: 'msuite_validate' | 'msuite_submit' | 'msuite_merge' | 'msuite_deploy';
  command: string | string[] | null;
  timeoutSeconds?: number;
  /** The gate's `network` setting (absent: the msuite default, offline). */
  network?: boolean;
}

export interface JobsApp {
  id: string;
  token: string;
  userId: string;
  /** Commits `files` on top of main (moving it) and returns the new commit. */
  commit(files: Record<string, string>): Promise<string>;
  setGate(gate: GateConfig, defaultEnvVars?: Record<string, string>): Promise<void>;
  request(method: string, route: string, body?: unknown, token?: string): Promise<TestResponse>;
  /** Signs in another member with the given role. */
  newMember(email: string, role: Role): Promise<{ id: string; token: string }>;
}

const PASSWORD = 'saffron kettle meadow 77';
const AUTHOR = { name: 'Jobs Test', email: 'jobs@example.com' };
let appCount = 0;

export async function createJobsApp(jobs: JobsStack, files: Record<string, string>): Promise<JobsApp> {
  appCount += 1;
  const { db } = jobs.mongo;
  const apps = new AppsRepository(db);
  const repoPath = `jobs-${process.pid}-${appCount}.git`;
  const git = new LocalGitAdapter({ storageRoot: path.join(jobs.stack.dataDir, 'repos') });
  let head: string;
  try {
    await git.createRepository(repoPath);
    head = await git.commitToBranch(repoPath, {
      ref: 'refs/heads/main',
      expectedOldSha: null,
      parent: null,
      changes: Object.entries(files).map(([file, content]) => ({
        action: 'write' as const,
        path: file,
        content: Buffer.from(content),
      })),
      message: 'initial',
      author: AUTHOR,
    });
  } finally {
    await git.close();
  }
  const app = await apps.create({ name: `jobs-app-${appCount}`, repoPath, integrationBranch: 'main' });
  const newMember = async (email: string, role: Role) => {
    const user = await new UsersRepository(db).create({
      email,
      name: email.split('@')[0] as string,
      passwordHash: await hashPassword(PASSWORD),
    });
    await new MembershipsRepository(db).add(app.id, user.id, role);
    const login = await jobs.stack.request('POST', '/api/auth/login', {
      body: { email, password: PASSWORD },
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.text}`);
    return { id: user.id, token: login.json.data.token as string };
  };
  const owner = await newMember(`member-${appCount}@example.com`, 'user');
  return {
    id: app.id,
    token: owner.token,
    userId: owner.id,
    newMember,
    request: (method, route, body, token = owner.token) =>
      jobs.stack.request(method, route, {
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { body }),
      }),
    commit: async (changed) => {
      const writer = new LocalGitAdapter({ storageRoot: path.join(jobs.stack.dataDir, 'repos') });
      try {
        head = await writer.commitToBranch(repoPath, {
          ref: 'refs/heads/main',
          expectedOldSha: head,
          parent: head,
          changes: Object.entries(changed).map(([file, content]) => ({
            action: 'write' as const,
            path: file,
            content: Buffer.from(content),
          })),
          message: 'change',
          author: AUTHOR,
        });
        return head;
      } finally {
        await writer.close();
      }
    },
    setGate: async (gate, defaultEnvVars = {}) => {
      const current = await apps.findById(app.id);
      const settings = {
        ...current!.settings,
        validation_gates: [
          {
            name: gate.name ?? 'msuite_validate',
            command: gate.command,
            timeout_seconds: gate.timeoutSeconds ?? 60,
            profile_scope: 'temp',
            ...(gate.network === undefined ? {} : { network: gate.network }),
          },
        ],
        default_env_vars: defaultEnvVars,
      };
      await apps.updateSettings(app.id, settings as unknown as AppSettings);
    },
  };
}

export type JobView = {
  id: string;
  state: string;
  attempt: number;
  error: { code: string; message: string } | null;
  result: any;
};

/** Starts a validation of main (or a commit) and returns its job. */
export async function validate(
  app: JobsApp,
  body: Record<string, unknown> = { ref: 'main' },
): Promise<JobView> {
  const response = await app.request('POST', `/api/apps/${app.id}/validate`, body);
  if (response.status !== 202) throw new Error(`validate answered ${response.status}: ${response.text}`);
  return response.json.data.job as JobView;
}

export async function jobOf(app: JobsApp, jobId: string, after = 0) {
  const response = await app.request('GET', `/api/apps/${app.id}/jobs/${jobId}?after=${after}`);
  if (response.status !== 200) throw new Error(`get job answered ${response.status}: ${response.text}`);
  return response.json.data as {
    job: JobView;
    logs: { seq: number; message: string }[];
    next_after: number;
  };
}

const FINISHED = ['succeeded', 'failed', 'canceled'];

export async function finishedJob(app: JobsApp, jobId: string, timeoutMs = 30_000): Promise<JobView> {
  let job: JobView | undefined;
  await waitFor(
    async () => {
      job = (await jobOf(app, jobId)).job;
      return FINISHED.includes(job.state);
    },
    timeoutMs,
    () => JSON.stringify(job),
  );
  return job as JobView;
}
