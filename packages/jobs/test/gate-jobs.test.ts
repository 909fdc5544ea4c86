import { readFileSync } from 'node:fs';
import { AppsRepository } from '@conman/db';
import { GATE_JOB_TYPES, appGateSettings, createGateHandler, runGate, type JobHandler } from '@conman/jobs';
import type { JobRecord, JobType, ValidationGate } from '@conman/core';
import { createGitFixture, type GitFixture } from './support/git-fixture';
import { startJobHarness, type JobHarness } from './support/job-harness';
import { waitFor } from '@conman/test-support';

let harness: JobHarness;
let fixture: GitFixture;
let apps: AppsRepository;
beforeAll(async () => {
  harness = await startJobHarness();
  fixture = await createGitFixture();
  apps = new AppsRepository(harness.services.db);
  // Job plumbing under test here; the sandbox has its own tests (sandbox-*.test.ts, tests/integration).
  const gateHandler = createGateHandler({
    git: fixture.git,
    settings: appGateSettings(apps),
    sandbox: { kind: 'none' },
  });
  const handlers: Partial<Record<JobType, JobHandler>> = Object.fromEntries(
    Object.values(GATE_JOB_TYPES).map((type) => [type, gateHandler]),
  );
  await harness.startWorkers({ handlers });
});
afterAll(async () => {
  await harness.stop();
  await fixture.cleanup();
});

let appCount = 0;
/** Apps share the fixture repository: the test database has only the job indexes, not apps' unique repo_path. */
async function appWithGate(
  command: string | string[] | null,
  timeoutSeconds = 60,
  settings: { name?: string; default_env_vars?: Record<string, string> } = {},
) {
  appCount += 1;
  const gate = {
    name: settings.name ?? 'msuite_submit',
    command,
    timeout_seconds: timeoutSeconds,
    profile_scope: 'temp',
  } as ValidationGate;
  return apps.create({
    name: `app-${appCount}`,
    repoPath: fixture.repoPath,
    integrationBranch: 'main',
    settings: {
      validation_gates: [gate],
      ...(settings.default_env_vars ? { default_env_vars: settings.default_env_vars } : {}),
    },
  });
}

const finished = (id: string) =>
  waitFor(async () => {
    const job = await harness.store.get(id);
    return job && ['succeeded', 'failed', 'canceled'].includes(job.state) ? job : undefined;
  }, 15_000);

async function submitGate(
  appId: string,
  files: Record<string, string>,
  changesetId = 'cs-1',
): Promise<JobRecord> {
  const commitSha = await fixture.commit(files);
  return runGate(harness.producer, {
    gate: 'submit',
    appId,
    commitSha,
    entity: { type: 'changeset', id: changesetId },
  });
}

describe('gate jobs through the workers', () => {
  it('succeed with the check and command results, idempotent per changeset commit', async () => {
    const app = await appWithGate('echo "gate $CONMAN_GATE for $CONMAN_CHANGESET_ID"');
    const commitSha = await fixture.commit({ 'a.json': '{}' });
    const request = {
      gate: 'submit' as const,
      appId: app.id,
      commitSha,
      entity: { type: 'changeset' as const, id: 'cs-9' },
    };
    const job = await runGate(harness.producer, request);
    expect((await runGate(harness.producer, request)).id).toBe(job.id);
    const done = await finished(job.id);
    expect(done).toMatchObject({
      state: 'succeeded',
      type: 'msuite_submit',
      result: { outcome: 'passed', checks: { passed: true } },
    });
    expect((done.result as { command: { outputTail: string } }).command.outputTail).toBe(
      'gate submit for cs-9\n',
    );
  });

  it('run an argv command without a shell, with the app default_env_vars', async () => {
    const app = await appWithGate(['printenv', 'GREETING'], 60, {
      default_env_vars: { GREETING: 'hi $HOME' },
    });
    const done = await finished((await submitGate(app.id, { 'a.json': '{}' }, 'cs-argv')).id);
    expect(done).toMatchObject({ state: 'succeeded', result: { command: { outputTail: 'hi $HOME\n' } } });
  });

  it('run only the built-in checks when the command is null', async () => {
    const app = await appWithGate(null);
    const done = await finished((await submitGate(app.id, { 'a.json': '{}' }, 'cs-null')).id);
    expect(done).toMatchObject({ state: 'succeeded', result: { outcome: 'passed', command: null } });
  });

  it('still read entries stored under the bare gate name (before the msuite_* names)', async () => {
    const app = await appWithGate('echo legacy', 60, { name: 'submit' });
    const done = await finished((await submitGate(app.id, {}, 'cs-legacy')).id);
    expect(done).toMatchObject({ state: 'succeeded', result: { command: { outputTail: 'legacy\n' } } });
  });

  it('fail on a broken JSON file, naming it', async () => {
    const app = await appWithGate('true');
    const done = await finished((await submitGate(app.id, { 'conf/bad.json': '{"a":' })).id);
    expect(done).toMatchObject({ state: 'failed', error: { code: 'gate_failed' } });
    expect(done.result).toMatchObject({
      checks: { failures: [expect.objectContaining({ file: 'conf/bad.json', line: 1 })] },
    });
  });

  it('fail with the output tail when the command exits 3', async () => {
    const app = await appWithGate('echo "missing key: db.host"; exit 3');
    const done = await finished((await submitGate(app.id, { 'a.yaml': 'a: 1\n' })).id);
    expect(done).toMatchObject({
      state: 'failed',
      error: { code: 'gate_failed' },
      result: { command: { exitCode: 3, outputTail: 'missing key: db.host\n' } },
    });
    const lines = await harness.logs.list(done.id);
    expect(lines.map((line) => line.message)).toContain('missing key: db.host');
  });

  it('fail with timeout and kill the process group', async () => {
    const app = await appWithGate('sleep 30 & echo "bg=$!"; wait', 1);
    const done = await finished((await submitGate(app.id, {})).id);
    expect(done).toMatchObject({ state: 'failed', error: { code: 'timeout' } });
    const pid = Number(
      (done.result as { command: { outputTail: string } }).command.outputTail.match(/bg=(\d+)/)?.[1],
    );
    expect(pid).toBeGreaterThan(0);
    expect(isLive(pid)).toBe(false);
  });

  it('cancel a running gate, killing its command', async () => {
    const app = await appWithGate('sleep 30 & echo "bg=$!"; wait');
    const job = await submitGate(app.id, {}, 'cs-cancel');
    const line = await waitFor(async () =>
      (await harness.logs.list(job.id)).find((entry) => entry.message.startsWith('bg=')),
    );
    await harness.producer.requestCancel(job.id);
    expect(await finished(job.id)).toMatchObject({ state: 'canceled' });
    expect(isLive(Number(line.message.slice(3)))).toBe(false);
  });
});

function isLive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
