import {
  createJobsApp,
  finishedJob,
  startJobsStack,
  validate,
  type JobsApp,
  type JobsStack,
} from '../support/jobs-app';
import type { TestResponse } from '../support/stack';

/**
 * Limits on untrusted content (docs/security.md) on the real server and worker: hostile nesting and
 * regex-hostile text neither kill the server nor hold its event loop, and a schema with a
 * nested-quantifier pattern does not hold up another app's gate.
 */

// Real processes, multi-megabyte files and gate runs on a shared 2-core machine.
jest.setTimeout(240_000);

let jobs: JobsStack;

beforeAll(async () => {
  jobs = await startJobsStack({ env: { CONMAN_ANALYSIS_BUDGET_MS: '20000' } });
});

afterAll(() => jobs?.stop());

const NESTING = 2_000_000;

/** Files nested far past any parser's stack, and a line shaped to make a backtracking engine crawl. */
const HOSTILE_FILES: Record<string, string> = {
  'entities/deep.json': `${'['.repeat(NESTING)}${']'.repeat(NESTING)}`,
  'pages/deep.yaml': `${'- '.repeat(NESTING)}x\n`,
  'entities/objects.json': `${'{"a":'.repeat(NESTING / 3)}1${'}'.repeat(NESTING / 3)}`,
  'notes/hostile.txt': `password is ${'.'.repeat(120_000)}x\n${'a.'.repeat(60_000)}:\n`,
};

/** A submitted changeset of the member's default workspace holding `files`. */
async function changesetWith(app: JobsApp, files: Record<string, string>): Promise<string> {
  const workspaces = await app.request('GET', `/api/apps/${app.id}/workspaces`);
  expect(workspaces.status).toBe(200);
  const W = `/api/apps/${app.id}/workspaces/${workspaces.json.data[0].id}`;
  for (const [path, content] of Object.entries(files)) {
    const written = await app.request('PUT', `${W}/files`, { path, content, encoding: 'utf8' });
    expect(written.status).toBe(200);
  }
  const draft = await app.request('POST', `/api/apps/${app.id}/changesets`, {
    workspace_id: workspaces.json.data[0].id,
    title: 'Hostile content',
    description: '',
  });
  expect(draft.status).toBe(201);
  const C = `/api/apps/${app.id}/changesets/${draft.json.data.id}`;
  expect((await app.request('POST', `${C}/submit`)).status).toBe(202);
  return C;
}

/** Latencies (ms) of /api/health probes sent one after another until `work` settles. */
async function healthLatenciesDuring<T>(work: Promise<T>): Promise<{ result: T; latencies: number[] }> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  while (!done || latencies.length < 5) {
    const started = performance.now();
    const health = await jobs.stack.request('GET', '/api/health');
    latencies.push(performance.now() - started);
    expect(health.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { result: await settled, latencies };
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;
}

/** 200 with the classification, or 413 "too large" when the budget ran out: never 5xx. */
function expectBoundedOutcome(response: TestResponse): void {
  expect([200, 413]).toContain(response.status);
  if (response.status === 413) expect(response.json.error.code).toBe('payload_too_large');
}

describe('untrusted content on the real server', () => {
  it('survives hostile nesting in analyze and the semantic diff, answering health checks meanwhile', async () => {
    const app = await createJobsApp(jobs, { 'entities/a.json': '{"name": "a"}\n' });
    const C = await changesetWith(app, HOSTILE_FILES);

    const { result: diff, latencies: diffLatencies } = await healthLatenciesDuring(
      app.request('GET', `${C}/diff?mode=semantic`),
    );
    expectBoundedOutcome(diff);
    if (diff.status === 200) {
      const deep = diff.json.data.changes.find(
        (change: { filePath: string }) => change.filePath === 'entities/deep.json',
      );
      expect(deep.details.structuralLimit).toMatch(/too deep\/large to compare structurally/);
    }

    const { result: analysis, latencies: analyzeLatencies } = await healthLatenciesDuring(
      app.request('POST', `${C}/analyze`),
    );
    expectBoundedOutcome(analysis);
    if (analysis.status === 200) {
      expect(analysis.json.data.findings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            file_path: 'entities/deep.json',
            message: expect.stringMatching(/^Not compared structurally/),
          }),
        ]),
      );
    }

    const latencies = [...diffLatencies, ...analyzeLatencies];
    expect(percentile(latencies, 0.9)).toBeLessThan(200);
    expect(jobs.stack.server.child.exitCode).toBeNull();
    expect((await jobs.stack.request('GET', '/api/health')).status).toBe(200);
  });

  it('gets 413 instead of a stuck request when the analysis outlives its budget', async () => {
    const tight = await startJobsStack({ worker: false, env: { CONMAN_ANALYSIS_BUDGET_MS: '1' } });
    try {
      const app = await createJobsApp(tight, { 'entities/a.json': '{"name": "a"}\n' });
      const workspaces = await app.request('GET', `/api/apps/${app.id}/workspaces`);
      const W = `/api/apps/${app.id}/workspaces/${workspaces.json.data[0].id}`;
      await app.request('PUT', `${W}/files`, {
        path: 'entities/a.json',
        content: '{"name": "b"}',
        encoding: 'utf8',
      });
      const draft = await app.request('POST', `/api/apps/${app.id}/changesets`, {
        workspace_id: workspaces.json.data[0].id,
        title: 'Small',
        description: '',
      });
      const C = `/api/apps/${app.id}/changesets/${draft.json.data.id}`;
      await app.request('POST', `${C}/submit`);
      const diff = await app.request('GET', `${C}/diff?mode=semantic`);
      expect(diff.status).toBe(413);
      expect(diff.json.error).toMatchObject({
        code: 'payload_too_large',
        details: { reason: 'time_budget' },
      });
      expect((await tight.stack.request('GET', '/api/health')).status).toBe(200);
    } finally {
      await tight.stop();
    }
  });

  it("does not hold up another app's gate with a nested-quantifier schema pattern", async () => {
    const hostile = await createJobsApp(jobs, {
      '.conman/schemas.json': '[{"glob": "data/*.json", "schema": "schema.json"}]',
      'schema.json': JSON.stringify({ properties: { name: { type: 'string', pattern: '^(a+)+$' } } }),
      'data/a.json': JSON.stringify({ name: `${'a'.repeat(100_000)}!` }),
    });
    const other = await createJobsApp(jobs, { 'config/app.json': '{"name": "demo"}' });
    const timed = async (app: JobsApp) => {
      const started = performance.now();
      const job = await finishedJob(app, (await validate(app)).id, 60_000);
      return { job, ms: performance.now() - started };
    };
    const baseline = await timed(other);
    expect(baseline.job.state).toBe('succeeded');

    const hostileRun = timed(hostile);
    const alongside = await timed(other);
    expect(alongside.job.state).toBe('succeeded');
    expect(alongside.ms - baseline.ms).toBeLessThan(1_000);
    const hostileJob = (await hostileRun).job;
    expect(hostileJob.state).toBe('failed');
    expect(hostileJob.result.checks.failures).toEqual([
      expect.objectContaining({ check: 'schema', file: 'data/a.json', instancePath: '/name' }),
    ]);
  });
});
