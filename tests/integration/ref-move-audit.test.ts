/**
 * Git ref moves are never missing from the audit log (docs/audit.md): while concurrent file writes
 * run, the server is SIGKILLed at random moments and restarted; once the worker's reconciler has
 * settled what the crashes left pending, every autosave commit on the ref has exactly one committed
 * audit event, and no committed event names a commit the ref does not contain.
 */
import { AUDIT_EVENTS, AppsRepository } from '@conman/db';
import { LocalGitAdapter } from '@conman/git';
import path from 'node:path';
import { createJobsApp, startJobsStack, type JobsApp, type JobsStack } from '../support/jobs-app';
import { spawnService, waitFor, type ServiceProcess } from '../support/stack';

jest.setTimeout(300_000);

const WRITES_PER_ROUND = 100;
const CRASH_ROUNDS = 3;
const MAX_CRASH_ROUNDS = 10;

let jobs: JobsStack;
let app: JobsApp;
const servers: ServiceProcess[] = [];

beforeAll(async () => {
  // Pending moves of a crashed server are settled 3 s after they were written, checked every second.
  jobs = await startJobsStack({
    worker: true,
    env: { CONMAN_REF_MOVE_GRACE_SECONDS: '3', CONMAN_JOB_RECONCILE_INTERVAL_SECONDS: '1' },
  });
  app = await createJobsApp(jobs, { 'seed.json': '{}' });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await jobs?.stop();
});

/** The stack's server, or the one started after the last crash. */
const currentServer = () => servers.at(-1) ?? jobs.stack.server;

async function restartServer(): Promise<void> {
  servers.push(spawnService('serve', jobs.stack.env));
  await waitFor(
    async () => (await jobs.stack.request('GET', '/api/health/ready')).status === 200,
    60_000,
    () => currentServer().output(),
  );
}

/** Starts the writes of one round; resolves each to its status, or 0 when the connection died. */
function startWrites(workspaceId: string, round: number): Promise<number>[] {
  return Array.from({ length: WRITES_PER_ROUND }, (_, index) =>
    app
      .request('PUT', `/api/apps/${app.id}/workspaces/${workspaceId}/files`, {
        path: `round-${round}/file-${index}.json`,
        content: JSON.stringify({ round, index }),
        encoding: 'utf8',
      })
      .then(
        (response) => response.status,
        () => 0,
      ),
  );
}

/** Resolves once `count` of the writes have answered (the rest are still in flight). */
function afterAnswers(writes: Promise<number>[], count: number): Promise<void> {
  let answered = 0;
  return new Promise((resolve) => {
    for (const write of writes)
      void write.then(() => {
        answered += 1;
        if (answered === count) resolve();
      });
  });
}

/** Polls without pause (the window between write-ahead and settle is milliseconds), up to a deadline. */
async function untilPendingOrDeadline(pendingNow: () => Promise<number>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (await pendingNow()) === 0);
}

/** The autosave commits from the autosave ref down to the branch head (first parents). */
async function autosaveChain(repoPath: string, workspaceId: string, headSha: string): Promise<string[]> {
  const git = new LocalGitAdapter({ storageRoot: path.join(jobs.stack.dataDir, 'repos') });
  try {
    const chain: string[] = [];
    let sha = await git.resolveRef(repoPath, `refs/conman/autosave/${workspaceId}`);
    while (sha !== null && sha !== headSha) {
      chain.push(sha);
      sha = (await git.readCommit(repoPath, sha)).parents[0] ?? null;
    }
    expect(sha).toBe(headSha);
    return chain;
  } finally {
    await git.close();
  }
}

it('every autosave commit on the ref has exactly one committed event after SIGKILLs mid-write', async () => {
  const listed = await app.request('GET', `/api/apps/${app.id}/workspaces`);
  expect(listed.status).toBe(200);
  const workspace = listed.json.data[0] as { id: string; head_sha: string };
  const statuses: number[] = [];
  const events = jobs.mongo.db.collection(AUDIT_EVENTS);
  const ofWorkspace = { entity_id: workspace.id, action: 'workspace.file_written' };
  const pendingNow = () => events.countDocuments({ ...ofWorkspace, 'ref_move.status': 'pending' });
  // Crashes that left an event pending: the case the reconciler exists for. Rounds go on until one did.
  let leftPending = 0;

  for (let round = 0; round < CRASH_ROUNDS || (leftPending === 0 && round < MAX_CRASH_ROUNDS); round += 1) {
    const writes = startWrites(workspace.id, round);
    // A random moment while writes are in flight (after 1 to 60 of the 100 have answered), then the
    // next instant a move is between its write-ahead and its settle.
    await afterAnswers(writes, 1 + Math.floor(Math.random() * 60));
    await untilPendingOrDeadline(pendingNow, 10_000);
    currentServer().child.kill('SIGKILL');
    await currentServer().stop();
    leftPending += await pendingNow();
    statuses.push(...(await Promise.all(writes)));
    await restartServer();
  }
  expect(leftPending).toBeGreaterThan(0);
  // A last round without a crash: the restarted server writes normally.
  statuses.push(...(await Promise.all(startWrites(workspace.id, CRASH_ROUNDS))));

  // Every write either succeeded or lost its connection to the crash; nothing else.
  expect(statuses.filter((status) => status !== 200 && status !== 0)).toEqual([]);
  expect(statuses.filter((status) => status === 0).length).toBeGreaterThan(0);

  await waitFor(
    async () => (await pendingNow()) === 0,
    60_000,
    () => jobs.stack.worker?.output() ?? '',
  );

  const repoPath = (await new AppsRepository(jobs.mongo.db).findById(app.id))!.repoPath;
  const chain = await autosaveChain(repoPath, workspace.id, workspace.head_sha);
  const committed = await events.find({ ...ofWorkspace, 'ref_move.status': 'committed' }).toArray();
  const aborted = await events.find({ ...ofWorkspace, 'ref_move.status': 'aborted' }).toArray();
  const countOf = (shas: unknown[]) => {
    const counts = new Map<string, number>();
    for (const sha of shas) counts.set(String(sha), (counts.get(String(sha)) ?? 0) + 1);
    return counts;
  };
  const committedCounts = countOf(committed.map((event) => event.git_sha));
  const onRef = new Set(chain);

  // Exactly one committed event per commit on the ref, and none for a commit the ref does not hold.
  expect(chain.filter((sha) => committedCounts.get(sha) !== 1)).toEqual([]);
  expect([...committedCounts.keys()].filter((sha) => !onRef.has(sha))).toEqual([]);
  expect(aborted.filter((event) => onRef.has(String(event.git_sha)))).toEqual([]);
  // Every answered write is on the ref.
  expect(chain.length).toBeGreaterThanOrEqual(statuses.filter((status) => status === 200).length);

  // The audit API shows exactly the committed moves.
  const admin = await app.newMember('audit-admin@example.com', 'app_admin');
  const page = await app.request(
    'GET',
    `/api/apps/${app.id}/audit?entity_id=${workspace.id}&action=workspace.file_written&limit=1`,
    undefined,
    admin.token,
  );
  expect(page.status).toBe(200);
  expect(page.json.pagination.total).toBe(chain.length);
});
