import { JobLogStore, JobStore } from '@conman/db';
import { bearer, startIdentityApi, type IdentityFixture } from './support/identity-fixture';

let fixture: IdentityFixture;
let appId: string;
let otherAppId: string;
let repoPath: string;
let mainSha: string;
let tagSha: string;
let store: JobStore;
let logs: JobLogStore;
let member: { id: string; token: string };
let colleague: { id: string; token: string };
let manager: { id: string; token: string };
let outsider: { id: string; token: string };

const author = { name: 'Test', email: 'test@example.com' };

beforeAll(async () => {
  fixture = await startIdentityApi();
  appId = await fixture.newApp('jobs-app');
  otherAppId = await fixture.newApp('jobs-other');
  repoPath = (await fixture.apps.findById(appId))!.repoPath;
  await fixture.git.createRepository(repoPath);
  mainSha = await fixture.git.commitToBranch(repoPath, {
    ref: 'refs/heads/main',
    expectedOldSha: null,
    parent: null,
    changes: [{ action: 'write', path: 'a.json', content: Buffer.from('{}') }],
    message: 'first',
    author,
  });
  tagSha = await fixture.git.commitFiles(repoPath, {
    parent: mainSha,
    changes: [{ action: 'write', path: 'b.json', content: Buffer.from('[]') }],
    message: 'tagged',
    author,
  });
  await fixture.git.createTag(repoPath, 'r1', tagSha);
  store = new JobStore(fixture.database.db);
  logs = new JobLogStore(fixture.database.db);
  member = await fixture.newUser('member@example.com', { appId, role: 'user' });
  colleague = await fixture.newUser('colleague@example.com', { appId, role: 'reviewer' });
  manager = await fixture.newUser('manager@example.com', { appId, role: 'config_manager' });
  outsider = await fixture.newUser('outsider@example.com', { appId: otherAppId, role: 'app_admin' });
});

afterAll(() => fixture.close());

const api = (route: string) => `${fixture.api.url}/api${route}`;

async function call(method: string, route: string, token: string, body?: unknown) {
  const response = await fetch(api(route), {
    method,
    headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

const validate = (body: unknown, token = member.token) =>
  call('POST', `/apps/${appId}/validate`, token, body);

describe('POST /apps/:appId/validate', () => {
  it('queues a manual gate on a branch, a tag, a full ref or a commit, recording who asked', async () => {
    const branch = await validate({ ref: 'main' });
    expect(branch.status).toBe(202);
    expect(branch.body.data.job).toMatchObject({
      type: 'msuite_validate',
      state: 'queued',
      app_id: appId,
      entity_type: 'app',
      entity_id: appId,
      created_by: member.id,
      payload: { gate: 'manual', commit_sha: mainSha },
      attempt: 1,
      error: null,
      started_at: null,
    });
    expect((await validate({ ref: 'r1' })).body.data.job.payload.commit_sha).toBe(tagSha);
    expect((await validate({ ref: 'refs/tags/r1' })).body.data.job.payload.commit_sha).toBe(tagSha);
    const byCommit = await validate({ commit_sha: tagSha.toUpperCase(), gate: 'msuite_submit' });
    expect(byCommit.status).toBe(202);
    expect(byCommit.body.data.job).toMatchObject({ type: 'msuite_submit', payload: { gate: 'submit' } });
    // A one-off request never returns an earlier job, even for an automatic gate's type.
    const again = await validate({ commit_sha: tagSha, gate: 'msuite_submit' });
    expect(again.body.data.job.id).not.toBe(byCommit.body.data.job.id);
    const audited = await fixture.database.db
      .collection('audit_events')
      .countDocuments({ action: 'job.validation_requested', entity_id: byCommit.body.data.job.id });
    expect(audited).toBe(1);
  });

  it('refuses malformed requests with validation_error', async () => {
    for (const body of [
      {},
      { ref: 'main', commit_sha: mainSha },
      { ref: '-x' },
      { ref: '--upload-pack=evil' },
      { ref: 'main~1' },
      { ref: 'HEAD@{1}' },
      { ref: 'a..b' },
      { ref: 'refs/heads/' },
      { commit_sha: mainSha.slice(0, 12) },
      { commit_sha: 'g'.repeat(40) },
      { ref: 'main', gate: 'deploy_release' },
      { ref: 'main', extra: true },
    ]) {
      const response = await validate(body);
      expect({ body, status: response.status, code: response.body.error.code }).toEqual({
        body,
        status: 400,
        code: 'validation_error',
      });
    }
  });

  it('answers 404 for refs and commits the repository does not have', async () => {
    expect((await validate({ ref: 'nope' })).status).toBe(404);
    expect((await validate({ ref: 'refs/heads/nope' })).status).toBe(404);
    expect((await validate({ commit_sha: 'a'.repeat(40) })).status).toBe(404);
    expect((await validate({ commit_sha: 'a'.repeat(64) })).status).toBe(404);
  });

  it('hides the app from non-members and needs credentials', async () => {
    expect((await validate({ ref: 'main' }, outsider.token)).status).toBe(404);
    const anonymous = await fetch(api(`/apps/${appId}/validate`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'main' }),
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('GET /apps/:appId/jobs', () => {
  it('lists the app jobs newest first with filters and pagination', async () => {
    const first = (await validate({ ref: 'main' })).body.data.job;
    const second = (await validate({ ref: 'r1' })).body.data.job;
    const page = await call('GET', `/apps/${appId}/jobs?limit=2`, colleague.token);
    expect(page.status).toBe(200);
    expect(page.body.data.map((job: { id: string }) => job.id)).toEqual([second.id, first.id]);
    expect(page.body.pagination).toMatchObject({ page: 1, limit: 2 });
    expect(page.body.pagination.total).toBeGreaterThanOrEqual(2);

    const submits = await call('GET', `/apps/${appId}/jobs?type=msuite_submit&limit=100`, member.token);
    expect(submits.body.data.length).toBeGreaterThan(0);
    expect(submits.body.data.every((job: { type: string }) => job.type === 'msuite_submit')).toBe(true);
    const byEntity = await call('GET', `/apps/${appId}/jobs?entity_id=${appId}&state=queued`, member.token);
    expect(byEntity.body.pagination.total).toBe(page.body.pagination.total);
    expect((await call('GET', `/apps/${appId}/jobs?entity_id=elsewhere`, member.token)).body.data).toEqual(
      [],
    );
    // Another app's list holds none of them.
    expect((await call('GET', `/apps/${otherAppId}/jobs`, outsider.token)).body.data).toEqual([]);
  });

  it('rejects unknown filter values and hides the list from non-members', async () => {
    expect((await call('GET', `/apps/${appId}/jobs?state=stuck`, member.token)).status).toBe(400);
    expect((await call('GET', `/apps/${appId}/jobs?type=nope`, member.token)).status).toBe(400);
    expect((await call('GET', `/apps/${appId}/jobs?limit=101`, member.token)).status).toBe(400);
    expect((await call('GET', `/apps/${appId}/jobs`, outsider.token)).status).toBe(404);
  });
});

describe('GET /apps/:appId/jobs/:jobId', () => {
  it('returns the job with its log and tails it with ?after=', async () => {
    const job = (await validate({ ref: 'main' })).body.data.job;
    await logs.append(job.id, [
      { level: 'info', message: 'one' },
      { level: 'warn', message: 'two', fields: { file: 'a.json' } },
    ]);
    const full = await call('GET', `/apps/${appId}/jobs/${job.id}`, member.token);
    expect(full.status).toBe(200);
    expect(full.body.data.job.id).toBe(job.id);
    expect(full.body.data.logs.map((line: { message: string }) => line.message)).toEqual(['one', 'two']);
    expect(full.body.data.logs[1]).toMatchObject({ seq: 2, level: 'warn', fields: { file: 'a.json' } });
    expect(full.body.data.next_after).toBe(2);

    const nothingNew = await call('GET', `/apps/${appId}/jobs/${job.id}?after=2`, member.token);
    expect(nothingNew.body.data).toMatchObject({ logs: [], next_after: 2 });
    await logs.append(job.id, [{ level: 'info', message: 'three' }]);
    const tail = await call('GET', `/apps/${appId}/jobs/${job.id}?after=2`, member.token);
    expect(tail.body.data.logs.map((line: { message: string }) => line.message)).toEqual(['three']);
    expect(tail.body.data.next_after).toBe(3);
  });

  it('answers 404 for another app job or a missing one, 400 for a malformed id or cursor', async () => {
    const job = (await validate({ ref: 'main' })).body.data.job;
    expect((await call('GET', `/apps/${otherAppId}/jobs/${job.id}`, outsider.token)).status).toBe(404);
    const created = await store.create({ type: 'msuite_validate', appId: otherAppId, payload: {} });
    expect((await call('GET', `/apps/${appId}/jobs/${created.job.id}`, member.token)).status).toBe(404);
    expect((await call('GET', `/apps/${appId}/jobs/${'0'.repeat(24)}`, member.token)).status).toBe(404);
    expect((await call('GET', `/apps/${appId}/jobs/xyz`, member.token)).status).toBe(400);
    expect((await call('GET', `/apps/${appId}/jobs/${job.id}?after=-1`, member.token)).status).toBe(400);
  });
});

describe('POST /apps/:appId/jobs/:jobId/cancel', () => {
  it('lets the creator cancel a queued job, once', async () => {
    const job = (await validate({ ref: 'main' })).body.data.job;
    const canceled = await call('POST', `/apps/${appId}/jobs/${job.id}/cancel`, member.token);
    expect(canceled.status).toBe(200);
    expect(canceled.body.data).toMatchObject({ id: job.id, state: 'canceled', error: { code: 'canceled' } });
    const again = await call('POST', `/apps/${appId}/jobs/${job.id}/cancel`, member.token);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');
    const audited = await fixture.database.db
      .collection('audit_events')
      .countDocuments({ action: 'job.cancel_requested', entity_id: job.id });
    expect(audited).toBe(1);
  });

  it("refuses a user or reviewer canceling someone else's job; config_manager may", async () => {
    const job = (await validate({ ref: 'main' }, member.token)).body.data.job;
    const refused = await call('POST', `/apps/${appId}/jobs/${job.id}/cancel`, colleague.token);
    expect(refused.status).toBe(403);
    expect((await store.get(job.id))!.state).toBe('queued');
    const done = await call('POST', `/apps/${appId}/jobs/${job.id}/cancel`, manager.token);
    expect(done.status).toBe(200);
    expect(done.body.data.state).toBe('canceled');
  });

  it('flags a running job for its worker', async () => {
    const job = (await validate({ ref: 'main' })).body.data.job;
    await store.start(job.id, 'worker-x', 30_000);
    const flagged = await call('POST', `/apps/${appId}/jobs/${job.id}/cancel`, member.token);
    expect(flagged.status).toBe(200);
    expect(flagged.body.data).toMatchObject({ state: 'running', cancel_requested: true });
  });

  it('answers 404 across apps and for non-members', async () => {
    const job = (await validate({ ref: 'main' })).body.data.job;
    expect((await call('POST', `/apps/${otherAppId}/jobs/${job.id}/cancel`, outsider.token)).status).toBe(
      404,
    );
    expect((await call('POST', `/apps/${appId}/jobs/${job.id}/cancel`, outsider.token)).status).toBe(404);
    expect((await store.get(job.id))!.state).toBe('queued');
  });
});
