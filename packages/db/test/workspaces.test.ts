import { ObjectId } from 'mongodb';
import { WorkspacesRepository, type NewWorkspace } from '@conman/db';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';

let database: TestDatabase;
let workspaces: WorkspacesRepository;

beforeAll(async () => {
  database = await openTestDatabase();
  workspaces = new WorkspacesRepository(database.db);
});

afterAll(() => database.close());

const SHA = 'a'.repeat(40);

function input(appId: string, ownerId: string, branch: string, isDefault: boolean): NewWorkspace {
  return {
    appId,
    ownerId,
    title: branch,
    isDefault,
    branch,
    baseRefType: 'integration_head',
    baseRefValue: 'main',
    baseSha: SHA,
  };
}

describe('WorkspacesRepository', () => {
  it('allows one default workspace per (app, owner) and unique branches per app, by index', async () => {
    const app = new ObjectId().toHexString();
    const otherApp = new ObjectId().toHexString();
    const alice = new ObjectId().toHexString();
    const bob = new ObjectId().toHexString();
    const first = await workspaces.create(input(app, alice, 'ws/alice/shop', true));
    expect(first).toMatchObject({ isDefault: true, headSha: SHA, workingSha: null, commitMode: null });
    expect(await workspaces.create(input(app, alice, 'ws/alice/shop-x', true))).toEqual({ clash: 'default' });
    expect(await workspaces.create(input(app, bob, 'ws/alice/shop', true))).toEqual({ clash: 'branch' });
    expect(await workspaces.create(input(app, bob, 'ws/bob/shop', true))).toMatchObject({ isDefault: true });
    expect(await workspaces.create(input(app, alice, 'ws/alice/shop-2', false))).toMatchObject({
      isDefault: false,
    });
    expect(await workspaces.create(input(app, alice, 'ws/alice/shop-3', false))).toMatchObject({
      isDefault: false,
    });
    // Other apps have their own repositories: the same branch name is free there.
    expect(await workspaces.create(input(otherApp, alice, 'ws/alice/shop', true))).toMatchObject({
      isDefault: true,
    });

    expect((await workspaces.listForOwner(app, alice)).map((ws) => ws.branch)).toEqual([
      'ws/alice/shop',
      'ws/alice/shop-2',
      'ws/alice/shop-3',
    ]);
    expect(await workspaces.countForOwner(app, alice)).toBe(3);
    const id = (first as { id: string }).id;
    expect(await workspaces.findInApp(otherApp, id)).toBeNull();
    expect(await workspaces.findInApp(app, 'not-an-id')).toBeNull();
    expect((await workspaces.findDefault(app, alice))?.id).toBe(id);
  });

  it('updates only the given fields and can clear the commit mode override', async () => {
    const app = new ObjectId().toHexString();
    const created = await workspaces.create(input(app, new ObjectId().toHexString(), 'ws/u/a', true));
    const id = (created as { id: string }).id;
    const moved = await workspaces.update(id, { headSha: 'b'.repeat(40), commitMode: 'manual_checkpoint' });
    expect(moved).toMatchObject({
      headSha: 'b'.repeat(40),
      commitMode: 'manual_checkpoint',
      title: 'ws/u/a',
    });
    expect(await workspaces.update(id, { commitMode: null })).toMatchObject({ commitMode: null });
  });
});
