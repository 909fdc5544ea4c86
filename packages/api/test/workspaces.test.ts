import { autosaveRef } from '@conman/core';
import { WorkspaceService } from '../src/resources/workspaces';
import { bearer, startIdentityApi, type IdentityFixture } from './support/identity-fixture';
import {
  SEED_FILES,
  dataOf,
  seedAppRepository,
  workspaceClient,
  type WorkspaceView,
} from './support/workspace-repo';

// Real git processes and 50 concurrent HTTP writers: slow on a loaded 2-core machine.
jest.setTimeout(60_000);

let fixture: IdentityFixture;
let appId: string;
let repoPath: string;
let seedSha: string;
let owner: { id: string; token: string };
let client: ReturnType<typeof workspaceClient>;

beforeAll(async () => {
  fixture = await startIdentityApi();
  appId = await fixture.newApp('Shop App');
  repoPath = (await fixture.apps.findById(appId))!.repoPath;
  seedSha = await seedAppRepository(fixture, appId);
  await fixture.setCommitModeDefault(appId, 'manual_checkpoint');
  owner = await fixture.newUser('alice@example.com', { appId, role: 'user' });
  client = workspaceClient(fixture, appId);
});

afterAll(() => fixture.close());

/** A fresh extra workspace of the owner, so tests do not share working states. */
async function newWorkspace(title: string, token = owner.token): Promise<WorkspaceView> {
  const response = await client.create(token, title);
  expect(response.status).toBe(201);
  return dataOf<WorkspaceView>(response);
}

async function current(wsId: string, token = owner.token): Promise<WorkspaceView> {
  const response = await client.get(token, wsId);
  expect(response.status).toBe(200);
  return dataOf<WorkspaceView>(response);
}

describe('default workspace', () => {
  it('is created exactly once under parallel first visits, from the baseline', async () => {
    const responses = await Promise.all(Array.from({ length: 6 }, () => client.list(owner.token)));
    const lists = await Promise.all(responses.map((response) => dataOf<WorkspaceView[]>(response)));
    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(200));
    const ids = new Set(lists.flatMap((list) => list.map((workspace) => workspace.id)));
    expect(ids.size).toBe(1);
    const [workspace] = lists[0]!;
    expect(workspace).toMatchObject({
      is_default: true,
      branch: 'ws/alice/shop-app',
      owner_id: owner.id,
      base_sha: seedSha,
      base_ref_type: 'integration_head',
      head_sha: seedSha,
      working_sha: null,
      dirty: false,
    });
    expect(await fixture.git.resolveRef(repoPath, 'refs/heads/ws/alice/shop-app')).toBe(seedSha);
    const created = await fixture.database.db
      .collection('audit_events')
      .countDocuments({ action: 'workspace.created', entity_id: workspace!.id });
    expect(created).toBe(1);
  });

  it('extra workspaces get numbered branches and appear in the list', async () => {
    const extra = await newWorkspace('Hotfix');
    expect(extra).toMatchObject({ title: 'Hotfix', is_default: false });
    expect(extra.branch).toMatch(/^ws\/alice\/shop-app-\d+$/);
    const listed = await dataOf<WorkspaceView[]>(await client.list(owner.token));
    expect(listed.map((workspace) => workspace.id)).toContain(extra.id);
  });

  it('PATCH changes the title and the commit mode override', async () => {
    const workspace = await newWorkspace('Settings');
    const response = await client.patch(owner.token, workspace.id, {
      title: 'Renamed',
      commit_mode: 'manual_checkpoint',
    });
    expect(response.status).toBe(200);
    expect(await dataOf<WorkspaceView>(response)).toMatchObject({
      title: 'Renamed',
      commit_mode: 'manual_checkpoint',
    });
    expect((await client.patch(owner.token, workspace.id, {})).status).toBe(400);
    expect((await client.patch(owner.token, workspace.id, { commit_mode: 'sometimes' })).status).toBe(400);
  });
});

describe('editing files', () => {
  it('autosaves each edit, reads the working state and marks changed tree entries', async () => {
    const workspace = await newWorkspace('Edits');
    const writes = [
      client.writeText(owner.token, workspace.id, 'entities/customer.json', '{"name":"customer","v":2}\n'),
      client.write(owner.token, workspace.id, {
        path: 'entities/invoice.json',
        content: Buffer.from('{"name":"invoice"}\n').toString('base64'),
      }),
      client.writeText(owner.token, workspace.id, 'pages/home.json', '{"title":"Welcome"}\n'),
    ];
    for (const response of await Promise.all(writes)) expect(response.status).toBe(200);
    const deleted = await client.remove(owner.token, workspace.id, 'pages/orders.json');
    expect(deleted.status).toBe(200);
    const after = await dataOf<{ head_sha: string; working_sha: string; dirty: boolean }>(deleted);
    expect(after).toMatchObject({ head_sha: seedSha, dirty: true });

    const read = await dataOf<{ content: string; size: number; oid: string }>(
      await client.read(owner.token, workspace.id, 'pages/home.json'),
    );
    expect(read.content).toBe('{"title":"Welcome"}\n');
    const base64 = await dataOf<{ content: string; encoding: string }>(
      await client.read(owner.token, workspace.id, 'entities/invoice.json', 'base64'),
    );
    expect(Buffer.from(base64.content, 'base64').toString()).toBe('{"name":"invoice"}\n');
    expect((await client.read(owner.token, workspace.id, 'pages/orders.json')).status).toBe(404);

    const tree = await dataOf<{
      entries: { path: string; type: string; changed: boolean; size: number | null; oid: string }[];
      removed_paths: string[];
    }>(await client.tree(owner.token, workspace.id));
    const changed = Object.fromEntries(tree.entries.map((entry) => [entry.path, entry.changed]));
    expect(changed).toMatchObject({
      'entities/customer.json': true,
      'entities/invoice.json': true,
      'pages/home.json': true,
      entities: true,
      pages: true,
      'entities/order.json': false,
      'config/tenant.yml': false,
      config: false,
    });
    expect(changed['pages/orders.json']).toBeUndefined();
    expect(tree.removed_paths).toEqual(['pages/orders.json']);
    const home = tree.entries.find((entry) => entry.path === 'pages/home.json');
    expect(home).toMatchObject({ type: 'blob', size: 20, oid: read.oid });

    const top = await dataOf<{ entries: { path: string }[] }>(
      await client.tree(owner.token, workspace.id, 'path=entities'),
    );
    expect(top.entries.map((entry) => entry.path).sort()).toEqual([
      'entities/customer.json',
      'entities/invoice.json',
      'entities/order.json',
      'entities/product.json',
    ]);

    // Four edits, four autosave commits chained onto the branch head; the branch did not move.
    let sha = after.working_sha;
    let commits = 0;
    while (sha !== seedSha) {
      const commit = await fixture.git.readCommit(repoPath, sha);
      expect(commit.message).toMatch(/^autosave: /);
      sha = commit.parents[0]!;
      commits += 1;
    }
    expect(commits).toBe(4);
    const audit = await fixture.database.db
      .collection('audit_events')
      .find({ entity_id: workspace.id, action: /^workspace\.file_/ })
      .toArray();
    expect(audit).toHaveLength(4);
    expect(JSON.stringify(audit)).not.toContain('Welcome');
  });

  it('moves files, 409 onto an existing file, 404 from a missing one', async () => {
    const workspace = await newWorkspace('Moves');
    const moved = await client.move(owner.token, workspace.id, {
      from: 'entities/order.json',
      to: 'entities/orders.json',
    });
    expect(moved.status).toBe(200);
    expect((await client.read(owner.token, workspace.id, 'entities/orders.json')).status).toBe(200);
    expect((await client.read(owner.token, workspace.id, 'entities/order.json')).status).toBe(404);
    const clash = await client.move(owner.token, workspace.id, {
      from: 'entities/orders.json',
      to: 'entities/product.json',
    });
    expect(clash.status).toBe(409);
    const missing = await client.move(owner.token, workspace.id, { from: 'nope.json', to: 'other.json' });
    expect(missing.status).toBe(404);
    expect((await client.remove(owner.token, workspace.id, 'nope.json')).status).toBe(404);
  });

  it('refuses bad paths (400), blocked paths (403), oversize (413) and bad base64 without moving the working state', async () => {
    const workspace = await newWorkspace('Guardrails');
    expect((await client.writeText(owner.token, workspace.id, 'entities/a.json', '{}')).status).toBe(200);
    const before = (await current(workspace.id)).working_sha;
    expect(before).not.toBeNull();
    const expectStatus = async (response: Promise<Response>, status: number) => {
      const settled = await response;
      expect({
        status: settled.status,
        code: ((await settled.json()) as { error?: { code: string } }).error?.code,
      }).toEqual(expect.objectContaining({ status }));
      expect((await current(workspace.id)).working_sha).toBe(before);
    };
    for (const path of [
      '../x',
      'a/../../b',
      '/etc/passwd',
      'a\\b',
      'a\u0000b',
      '.git/config',
      'x/.git/y',
      'x/.GIT/y',
    ]) {
      await expectStatus(client.writeText(owner.token, workspace.id, path, 'x'), 400);
      await expectStatus(client.remove(owner.token, workspace.id, path), 400);
    }
    await expectStatus(
      client.move(owner.token, workspace.id, { from: 'entities/a.json', to: '../a.json' }),
      400,
    );
    await expectStatus(client.read(owner.token, workspace.id, '.git/HEAD'), 400);
    for (const path of ['.gitignore', '.github/workflows/ci.yml']) {
      await expectStatus(client.writeText(owner.token, workspace.id, path, 'x'), 403);
    }
    await expectStatus(client.remove(owner.token, workspace.id, '.gitignore'), 403);
    await expectStatus(client.move(owner.token, workspace.id, { from: '.gitignore', to: 'gitignore' }), 403);
    await expectStatus(
      client.write(owner.token, workspace.id, { path: 'a.bin', content: 'not base64!' }),
      400,
    );
    await expectStatus(
      client.write(owner.token, workspace.id, { path: 'a.bin', content: 'x', encoding: 'hex' }),
      400,
    );

    const app = (await fixture.apps.findById(appId))!;
    await fixture.apps.updateSettings(appId, { ...app.settings, file_size_limit_bytes: 100 });
    try {
      await expectStatus(client.writeText(owner.token, workspace.id, 'big.txt', 'x'.repeat(101)), 413);
      expect((await client.writeText(owner.token, workspace.id, 'fits.txt', 'x'.repeat(100))).status).toBe(
        200,
      );
    } finally {
      await fixture.apps.updateSettings(appId, app.settings);
    }
  });

  it('keeps every accepted write under 50 concurrent writers; only stale expected_working_sha gets 409', async () => {
    const workspace = await newWorkspace('Concurrency');
    const stale = await dataOf<{ working_sha: string }>(
      await client.writeText(owner.token, workspace.id, 'bulk/start.json', '0'),
    );
    const requests = Array.from({ length: 50 }, (_, index) => {
      const path = `bulk/file-${index}.json`;
      const extra = index % 2 === 0 ? { expected_working_sha: stale.working_sha } : {};
      return client
        .writeText(owner.token, workspace.id, path, `{"n":${index}}`, extra)
        .then(async (response) => ({
          index,
          path,
          withExpected: index % 2 === 0,
          status: response.status,
          body: (await response.json()) as { data?: { working_sha: string } },
        }));
    });
    const results = await Promise.all(requests);
    for (const result of results) {
      if (result.status !== 200) {
        expect(result.status).toBe(409);
        expect(result.withExpected).toBe(true);
      }
    }
    const accepted = results.filter((result) => result.status === 200);
    expect(accepted.filter((result) => !result.withExpected)).toHaveLength(25);
    // At most the first writer to run can still match the expectation.
    expect(accepted.filter((result) => result.withExpected).length).toBeLessThanOrEqual(1);

    const final = await current(workspace.id);
    const chain = new Set<string>();
    for (let sha = final.working_sha!; sha !== seedSha;) {
      chain.add(sha);
      sha = (await fixture.git.readCommit(repoPath, sha)).parents[0]!;
    }
    expect(chain.size).toBe(accepted.length + 1);
    for (const result of accepted) {
      expect(chain.has(result.body.data!.working_sha)).toBe(true);
      const read = await dataOf<{ content: string }>(
        await client.read(owner.token, workspace.id, result.path),
      );
      expect(read.content).toBe(`{"n":${result.index}}`);
    }
    expect(await fixture.git.resolveRef(repoPath, autosaveRef(workspace.id))).toBe(final.working_sha);
  });

  it('two server processes writing one workspace are serialized by the autosave CAS (retries, no loss)', async () => {
    const workspace = await newWorkspace('Two processes');
    const app = (await fixture.apps.findById(appId))!;
    // A second service instance has its own in-process queue: only the ref CAS orders the two.
    const services = [
      fixture.services.workspaceService,
      new WorkspaceService({
        unitOfWork: fixture.services.unitOfWork,
        git: fixture.git,
        workspaces: fixture.services.workspaces,
        users: fixture.users,
        apps: fixture.apps,
      }),
    ];
    const record = await fixture.services.workspaceService.get(appId, workspace.id);
    const actor = {
      audit: { type: 'user' as const, id: owner.id },
      ownerId: owner.id,
      ownerSlug: 'alice',
      signature: { name: 'alice', email: 'alice@example.com' },
    };
    const paths = Array.from({ length: 20 }, (_, index) => `two/file-${index}.json`);
    await Promise.all(
      paths.map((path, index) =>
        services[index % 2]!.edit(app, record, actor, {
          action: 'write',
          changes: [{ action: 'write', path, content: Buffer.from(String(index)) }],
          paths: [path],
        }),
      ),
    );
    for (const [index, path] of paths.entries()) {
      expect(
        (await dataOf<{ content: string }>(await client.read(owner.token, workspace.id, path))).content,
      ).toBe(String(index));
    }
  });

  it('409 for a single stale expected_working_sha, 200 for a matching one', async () => {
    const workspace = await newWorkspace('Expectations');
    const clean = await client.writeText(owner.token, workspace.id, 'a.json', '1', {
      expected_working_sha: null,
    });
    expect(clean.status).toBe(200);
    const first = await dataOf<{ working_sha: string }>(clean);
    const second = await client.writeText(owner.token, workspace.id, 'a.json', '2', {
      expected_working_sha: first.working_sha,
    });
    expect(second.status).toBe(200);
    const stale = await client.writeText(owner.token, workspace.id, 'a.json', '3', {
      expected_working_sha: first.working_sha,
    });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { details: unknown } }).error.details).toMatchObject({
      expected_working_sha: first.working_sha,
    });
    expect(
      (await client.writeText(owner.token, workspace.id, 'a.json', '4', { expected_working_sha: null }))
        .status,
    ).toBe(409);
  });
});

describe('access', () => {
  it('members read, only the owner or an app_admin modifies, others get 404', async () => {
    const workspace = await newWorkspace('Access');
    const reviewer = await fixture.newUser('rita@example.com', { appId, role: 'config_manager' });
    const admin = await fixture.newUser('adam@example.com', { appId, role: 'app_admin' });
    const outsider = await fixture.newUser('olga@example.com');

    expect((await client.get(reviewer.token, workspace.id)).status).toBe(200);
    expect((await client.read(reviewer.token, workspace.id, 'pages/home.json')).status).toBe(200);
    expect((await client.tree(reviewer.token, workspace.id)).status).toBe(200);
    for (const response of [
      client.writeText(reviewer.token, workspace.id, 'x.json', '{}'),
      client.remove(reviewer.token, workspace.id, 'pages/home.json'),
      client.reset(reviewer.token, workspace.id),
      client.sync(reviewer.token, workspace.id),
      client.checkpoint(reviewer.token, workspace.id, 'x'),
      client.patch(reviewer.token, workspace.id, { title: 'mine' }),
    ]) {
      expect((await response).status).toBe(403);
    }
    expect((await client.writeText(admin.token, workspace.id, 'x.json', '{}')).status).toBe(200);

    expect((await client.get(outsider.token, workspace.id)).status).toBe(404);
    expect((await client.writeText(outsider.token, workspace.id, 'x.json', '{}')).status).toBe(404);
    expect((await client.list(outsider.token)).status).toBe(404);

    // The id of this app's workspace under another app the caller belongs to: 404, not 403.
    const otherApp = await fixture.newApp('other-app');
    await seedAppRepository(fixture, otherApp);
    await fixture.memberships.add(otherApp, reviewer.id, 'app_admin');
    const other = workspaceClient(fixture, otherApp);
    expect((await other.get(reviewer.token, workspace.id)).status).toBe(404);
    expect((await other.writeText(reviewer.token, workspace.id, 'x.json', '{}')).status).toBe(404);
    expect((await other.read(reviewer.token, workspace.id, 'pages/home.json')).status).toBe(404);
    expect((await client.get(owner.token, 'ffffffffffffffffffffffff')).status).toBe(404);
    expect((await client.tree(owner.token, workspace.id, 'path=../x')).status).toBe(400);
    expect((await client.get(owner.token, 'not-an-id')).status).toBe(400);
  });
});

describe('API keys', () => {
  it('own their workspaces like users do (service accounts for CI)', async () => {
    const key = await fixture.newApiKey(appId, 'user', owner.id);
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    const list = await fetch(client.base(), { headers });
    expect(list.status).toBe(200);
    const [workspace] = await dataOf<WorkspaceView[]>(list);
    expect(workspace!.branch).toMatch(/^ws\/key-[0-9a-f]{8}\/shop-app$/);
    const write = await fetch(`${client.base()}/${workspace!.id}/files`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ path: 'ci/result.json', content: '{}', encoding: 'utf8' }),
    });
    expect(write.status).toBe(200);
    const commit = await fixture.git.readCommit(
      repoPath,
      (await dataOf<{ working_sha: string }>(write)).working_sha,
    );
    expect(commit.author.email).toMatch(/@conman\.invalid$/);
    // The key does not own the user's workspaces.
    const mine = (await dataOf<WorkspaceView[]>(await client.list(owner.token)))[0]!;
    const denied = await fetch(`${client.base()}/${mine.id}/files`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ path: 'x.json', content: '{}', encoding: 'utf8' }),
    });
    expect(denied.status).toBe(403);
  });
});

describe('commit modes', () => {
  async function checkpointAfterAnEdit(workspace: WorkspaceView, token = owner.token): Promise<Response> {
    await client.writeText(token, workspace.id, 'entities/mode.json', `{"at":${Date.now()}}`);
    return client.checkpoint(token, workspace.id, 'mode check');
  }
  async function setPreference(token: string, commitMode: string | null): Promise<void> {
    const response = await fetch(`${fixture.api.url}/api/me/notification-preferences`, {
      method: 'PATCH',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ commit_mode: commitMode }),
    });
    expect(response.status).toBe(200);
  }

  it('refuse a checkpoint in submit_commit mode with 409 naming the mode, and keep the edits', async () => {
    const workspace = await newWorkspace('Submit commit');
    await client.patch(owner.token, workspace.id, { commit_mode: 'submit_commit' });
    const response = await checkpointAfterAnEdit(workspace);
    expect(response.status).toBe(409);
    const { error } = (await response.json()) as {
      error: { code: string; message: string; details: unknown };
    };
    expect(error).toMatchObject({ code: 'conflict', details: { commit_mode: 'submit_commit' } });
    expect(error.message).toContain('submit_commit');
    expect(await current(workspace.id)).toMatchObject({ head_sha: seedSha, dirty: true });
  });

  it("take the workspace override, else the owner's preference, else the app default", async () => {
    const bob = await fixture.newUser('bob-modes@example.com', { appId, role: 'user' });
    const workspace = await newWorkspace('Modes', bob.token);
    // App default manual_checkpoint (this file's app), no preference: allowed.
    expect((await checkpointAfterAnEdit(workspace, bob.token)).status).toBe(200);
    await setPreference(bob.token, 'submit_commit');
    expect((await checkpointAfterAnEdit(workspace, bob.token)).status).toBe(409);
    await client.patch(bob.token, workspace.id, { commit_mode: 'manual_checkpoint' });
    expect((await checkpointAfterAnEdit(workspace, bob.token)).status).toBe(200);
    await client.patch(bob.token, workspace.id, { commit_mode: null });
    await setPreference(bob.token, null);
    await fixture.setCommitModeDefault(appId, 'submit_commit');
    try {
      expect((await checkpointAfterAnEdit(workspace, bob.token)).status).toBe(409);
    } finally {
      await fixture.setCommitModeDefault(appId, 'manual_checkpoint');
    }
  });
});

describe('checkpoints and reset', () => {
  it('a checkpoint turns the working state into one branch commit and notifies the listener', async () => {
    const moves: { id: string; head: string }[] = [];
    const listener = jest
      .spyOn(fixture.services.workspaceListeners, 'headMoved')
      .mockImplementation(async (workspace, head) => {
        moves.push({ id: workspace.id, head });
      });
    try {
      const workspace = await newWorkspace('Checkpoint');
      await client.writeText(owner.token, workspace.id, 'entities/customer.json', '{"v":3}');
      await client.remove(owner.token, workspace.id, 'pages/orders.json');
      const working = (await current(workspace.id)).working_sha!;
      const response = await client.checkpoint(owner.token, workspace.id, 'Customer v3');
      expect(response.status).toBe(200);
      const result = await dataOf<{ workspace: WorkspaceView; committed: boolean }>(response);
      expect(result.committed).toBe(true);
      expect(result.workspace).toMatchObject({ working_sha: null, dirty: false });
      const head = await fixture.git.readCommit(repoPath, result.workspace.head_sha);
      expect(head.parents).toEqual([seedSha]);
      expect(head.message).toBe('Customer v3');
      expect(head.tree).toBe((await fixture.git.readCommit(repoPath, working)).tree);
      expect(moves).toEqual([{ id: workspace.id, head: result.workspace.head_sha }]);

      const again = await dataOf<{ committed: boolean }>(
        await client.checkpoint(owner.token, workspace.id, 'noop'),
      );
      expect(again.committed).toBe(false);
      expect(moves).toHaveLength(1);
      expect((await client.checkpoint(owner.token, workspace.id, '')).status).toBe(400);
    } finally {
      listener.mockRestore();
    }
  });

  it('commitWorkingState reports committed=false when the edits cancel out', async () => {
    const workspace = await newWorkspace('Cancel');
    await client.writeText(owner.token, workspace.id, 'pages/home.json', 'changed');
    await client.writeText(owner.token, workspace.id, 'pages/home.json', SEED_FILES['pages/home.json']!);
    const app = (await fixture.apps.findById(appId))!;
    const service = fixture.services.workspaceService;
    const result = await service.commitWorkingState(app, await service.get(appId, workspace.id), 'nothing', {
      type: 'user',
      id: owner.id,
    });
    expect(result).toEqual({ headSha: seedSha, committed: false });
    expect(await current(workspace.id)).toMatchObject({ head_sha: seedSha, working_sha: null });
  });

  it('reset brings branch and working state back to the baseline; the audit keeps the old heads', async () => {
    const workspace = await newWorkspace('Reset');
    await client.writeText(owner.token, workspace.id, 'a.json', '1');
    await client.checkpoint(owner.token, workspace.id, 'one');
    await client.writeText(owner.token, workspace.id, 'b.json', '2');
    const before = await current(workspace.id);
    const response = await client.reset(owner.token, workspace.id);
    expect(response.status).toBe(200);
    expect(await dataOf<WorkspaceView>(response)).toMatchObject({
      head_sha: seedSha,
      working_sha: null,
      base_sha: seedSha,
    });
    expect((await client.read(owner.token, workspace.id, 'a.json')).status).toBe(404);
    const event = await fixture.database.db
      .collection('audit_events')
      .findOne({ action: 'workspace.reset', entity_id: workspace.id });
    expect(event?.before).toMatchObject({ head_sha: before.head_sha, working_sha: before.working_sha });
    expect((await fixture.git.readCommit(repoPath, before.working_sha!)).sha).toBe(before.working_sha);
  });
});
