import { ObjectId } from 'mongodb';
import { ChangesetsRepository, QueueCounters, inTransaction } from '@conman/db';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';

let database: TestDatabase;
let changesets: ChangesetsRepository;
let counters: QueueCounters;

beforeAll(async () => {
  database = await openTestDatabase();
  changesets = new ChangesetsRepository(database.db);
  counters = new QueueCounters(database.db);
});

afterAll(() => database.close());

const ids = () => ({
  appId: new ObjectId().toHexString(),
  workspaceId: new ObjectId().toHexString(),
  authorId: new ObjectId().toHexString(),
});

describe('ChangesetsRepository', () => {
  it('allows a new open changeset on a workspace once the previous one is closed', async () => {
    const base = ids();
    const first = await changesets.create({ ...base, title: 'one', description: '' });
    await expect(changesets.create({ ...base, title: 'two', description: '' })).rejects.toMatchObject({
      code: 'conflict',
    });
    const submitted = await changesets.moveTo(first, 'submitted', {
      revision: 1,
      headSha: 'h',
      baseSha: 'b',
    });
    const rejected = await changesets.moveTo(submitted, 'rejected');
    expect(rejected).toMatchObject({ state: 'rejected', revision: 1, headSha: 'h' });
    const second = await changesets.create({ ...base, title: 'two', description: '' });
    expect(second.state).toBe('draft');
    expect(await changesets.findOpenForWorkspace(base.workspaceId)).toMatchObject({ id: second.id });
  });

  it('a transition decided on a stale view is a 409 conflict and changes nothing', async () => {
    const changeset = await changesets.create({ ...ids(), title: 't', description: '' });
    await changesets.moveTo(changeset, 'submitted', { revision: 1, headSha: 'h', baseSha: 'b' });
    await expect(
      changesets.moveTo(changeset, 'submitted', { revision: 1, headSha: 'x', baseSha: 'y' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await changesets.findById(changeset.appId, changeset.id)).toMatchObject({
      state: 'submitted',
      headSha: 'h',
    });
  });

  it('cross-app lookups find nothing', async () => {
    const changeset = await changesets.create({ ...ids(), title: 't', description: '' });
    expect(await changesets.findById(new ObjectId().toHexString(), changeset.id)).toBeNull();
    expect(await changesets.findById(changeset.appId, 'not-an-id')).toBeNull();
  });

  it('queue positions are unique per app and leave with the queue', async () => {
    const appId = new ObjectId().toHexString();
    const approved = async () => {
      let changeset = await changesets.create({ ...ids(), appId, title: 'q', description: '' });
      changeset = await changesets.moveTo(changeset, 'submitted', {
        revision: 1,
        headSha: 'h',
        baseSha: 'b',
      });
      return changesets.moveTo(changeset, 'approved');
    };
    const [first, second] = [await approved(), await approved()];
    const queuedFirst = await inTransaction(database.client, async (session) =>
      changesets.moveTo(first, 'queued', { queuePosition: await counters.next(appId, session) }, session),
    );
    expect(queuedFirst.queuePosition).toBe(1);
    await expect(
      inTransaction(database.client, (session) =>
        changesets.moveTo(second, 'queued', { queuePosition: 1 }, session),
      ),
    ).rejects.toMatchObject({ code: 11000 });
    const released = await changesets.moveTo(queuedFirst, 'released');
    expect(released.queuePosition).toBeNull();
    const queuedSecond = await inTransaction(database.client, (session) =>
      changesets.moveTo(second, 'queued', { queuePosition: 1 }, session),
    );
    expect(queuedSecond.queuePosition).toBe(1);
    expect((await changesets.listQueued(appId)).map((changeset) => changeset.id)).toEqual([second.id]);
  });
});
