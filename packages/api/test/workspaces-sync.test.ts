import { startIdentityApi, type IdentityFixture } from './support/identity-fixture';
import {
  SEED_FILES,
  commitToMain,
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
let owner: { id: string; token: string };
let client: ReturnType<typeof workspaceClient>;

beforeAll(async () => {
  fixture = await startIdentityApi();
  appId = await fixture.newApp('sync-app');
  repoPath = (await fixture.apps.findById(appId))!.repoPath;
  await seedAppRepository(fixture, appId);
  // The sync tests make branch commits with checkpoints, which only this commit mode allows.
  await fixture.setCommitModeDefault(appId, 'manual_checkpoint');
  owner = await fixture.newUser('sam@example.com', { appId, role: 'reviewer' });
  client = workspaceClient(fixture, appId);
});

afterAll(() => fixture.close());

async function newWorkspace(title: string): Promise<WorkspaceView> {
  return dataOf<WorkspaceView>(await client.create(owner.token, title));
}

async function text(wsId: string, path: string): Promise<string> {
  return (await dataOf<{ content: string }>(await client.read(owner.token, wsId, path))).content;
}

describe('sync-integration', () => {
  it('rebases branch commits onto the new integration head and carries the working state over', async () => {
    const moves: string[] = [];
    const listener = jest
      .spyOn(fixture.services.workspaceListeners, 'headMoved')
      .mockImplementation(async (_workspace, head) => {
        moves.push(head);
      });
    try {
      const workspace = await newWorkspace('Rebase');
      expect((await client.sync(owner.token, workspace.id)).status).toBe(200);
      await client.writeText(owner.token, workspace.id, 'entities/customer.json', '{"committed":true}\n');
      await client.checkpoint(owner.token, workspace.id, 'customer');
      await client.writeText(owner.token, workspace.id, 'pages/home.json', '{"working":true}\n');
      const before = await dataOf<WorkspaceView>(await client.get(owner.token, workspace.id));
      expect(moves).toEqual([before.head_sha]); // the checkpoint
      const main = await commitToMain(fixture.git, repoPath, [
        {
          action: 'write',
          path: 'config/tenant.yml',
          content: Buffer.from('tenant: acme\nregion: us\nlocale: en\n'),
        },
      ]);

      const response = await client.sync(owner.token, workspace.id);
      expect(response.status).toBe(200);
      const result = await dataOf<{ workspace: WorkspaceView; strategy: string }>(response);
      expect(result.strategy).toBe('rebase');
      expect(result.workspace).toMatchObject({
        base_sha: main,
        base_ref_type: 'integration_head',
        dirty: true,
      });
      const head = await fixture.git.readCommit(repoPath, result.workspace.head_sha);
      expect(head.parents).toEqual([main]);
      expect(head.message).toBe('customer');
      expect((await fixture.git.readCommit(repoPath, result.workspace.working_sha!)).parents).toEqual([
        result.workspace.head_sha,
      ]);
      expect(await text(workspace.id, 'config/tenant.yml')).toContain('region: us');
      expect(await text(workspace.id, 'entities/customer.json')).toBe('{"committed":true}\n');
      expect(await text(workspace.id, 'pages/home.json')).toBe('{"working":true}\n');
      expect(moves).toEqual([before.head_sha, result.workspace.head_sha]);
      const event = await fixture.database.db
        .collection('audit_events')
        .findOne({ action: 'workspace.synced', entity_id: workspace.id });
      expect(event?.before).toMatchObject({ head_sha: before.head_sha, working_sha: before.working_sha });

      const again = await dataOf<{ strategy: string }>(await client.sync(owner.token, workspace.id));
      expect(again.strategy).toBe('up_to_date');
      expect(moves).toHaveLength(2);
    } finally {
      listener.mockRestore();
    }
  });

  it('answers 409 with conflicting_paths and moves nothing when rebase and merge both conflict', async () => {
    const workspace = await newWorkspace('Conflict');
    await client.writeText(owner.token, workspace.id, 'entities/product.json', '{"name":"mine"}\n');
    await client.checkpoint(owner.token, workspace.id, 'mine');
    await client.writeText(owner.token, workspace.id, 'pages/home.json', '{"working":1}\n');
    const before = await dataOf<WorkspaceView>(await client.get(owner.token, workspace.id));
    await commitToMain(fixture.git, repoPath, [
      { action: 'write', path: 'entities/product.json', content: Buffer.from('{"name":"theirs"}\n') },
    ]);

    const response = await client.sync(owner.token, workspace.id);
    expect(response.status).toBe(409);
    const body = (await response.json()) as {
      error: { code: string; details: { conflicting_paths: string[] } };
    };
    expect(body.error.code).toBe('conflict');
    expect(body.error.details.conflicting_paths).toEqual(['entities/product.json']);
    const after = await dataOf<WorkspaceView>(await client.get(owner.token, workspace.id));
    expect(after).toMatchObject({
      head_sha: before.head_sha,
      working_sha: before.working_sha,
      base_sha: before.base_sha,
    });
  });

  it('a working state that conflicts with the integration head also refuses the sync', async () => {
    const workspace = await newWorkspace('Working conflict');
    await client.writeText(owner.token, workspace.id, 'entities/order.json', '{"name":"working"}\n');
    const before = await dataOf<WorkspaceView>(await client.get(owner.token, workspace.id));
    await commitToMain(fixture.git, repoPath, [
      { action: 'write', path: 'entities/order.json', content: Buffer.from('{"name":"published"}\n') },
    ]);
    const response = await client.sync(owner.token, workspace.id);
    expect(response.status).toBe(409);
    expect(await dataOf<WorkspaceView>(await client.get(owner.token, workspace.id))).toMatchObject({
      head_sha: before.head_sha,
      working_sha: before.working_sha,
    });
    expect(await text(workspace.id, 'entities/order.json')).toBe('{"name":"working"}\n');
    expect(SEED_FILES['entities/order.json']).toBeDefined();
  });
});
