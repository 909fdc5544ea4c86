import {
  changesetWorldOn,
  startChangesetWorld,
  type ChangesetBody,
  type ChangesetWorld,
} from './support/changeset-world';

let world: ChangesetWorld;

beforeAll(async () => {
  world = await startChangesetWorld('cs-queue');
});

afterAll(() => world.close());

const path = (id: string, suffix = '') => world.app(`/changesets/${id}${suffix}`);

describe('POST …/queue', () => {
  it('needs config_manager+, approval and a passed submit gate of the current revision', async () => {
    const changeset = await world.submitted();
    await world.call('POST', path(changeset.id, '/review'), world.reviewer.token, { action: 'approve' });
    expect((await world.call('POST', path(changeset.id, '/queue'), world.reviewer.token)).status).toBe(403);
    expect((await world.call('POST', path(changeset.id, '/queue'), world.author.token)).status).toBe(403);
    expect((await world.call('POST', path(changeset.id, '/queue'), world.outsider.token)).status).toBe(404);

    const pending = await world.call('POST', path(changeset.id, '/queue'), world.manager.token);
    expect(pending.status).toBe(409);
    expect(pending.error?.code).toBe('conflict');
    expect(pending.error?.details?.gate).toMatchObject({
      name: 'msuite_submit',
      revision: 1,
      state: 'queued',
    });

    const detail = await world.call<ChangesetBody>('GET', path(changeset.id), world.manager.token);
    await world.finishJob(detail.data.gate!.job_id!, 'failed');
    const failed = await world.call('POST', path(changeset.id, '/queue'), world.manager.token);
    expect(failed.error?.details?.gate).toMatchObject({ state: 'failed' });
  });

  it('queues at the next position and audits it', async () => {
    const approved = await world.approved();
    const queued = await world.call<ChangesetBody>('POST', path(approved.id, '/queue'), world.manager.token);
    expect(queued.status).toBe(200);
    expect(queued.data.state).toBe('queued');
    expect(queued.data.queue_position).toEqual(expect.any(Number));
    const audit = await world.fixture.database.db
      .collection('audit_events')
      .findOne({ action: 'changeset.queued', entity_id: approved.id });
    expect(audit?.after).toMatchObject({ queue_position: queued.data.queue_position });
  });
});

describe('the queue of an app', () => {
  it('20 parallel queue requests get positions 1..20 without gaps or duplicates', async () => {
    const fresh = await changesetWorldOn(world.fixture, 'cs-queue-parallel');
    const approved: ChangesetBody[] = [];
    for (let batch = 0; batch < 4; batch += 1) {
      approved.push(...(await Promise.all(Array.from({ length: 5 }, () => fresh.approved()))));
    }
    const results = await Promise.all(
      approved.map((changeset) =>
        fresh.call<ChangesetBody>(
          'POST',
          fresh.app(`/changesets/${changeset.id}/queue`),
          fresh.manager.token,
        ),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(Array(20).fill(200));
    const positions = results.map((result) => result.data.queue_position).sort((a, b) => a! - b!);
    expect(positions).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));

    const queue = await fresh.call<ChangesetBody[]>('GET', fresh.app('/queue'), fresh.author.token);
    expect(queue.data.map((changeset) => changeset.queue_position)).toEqual(positions);
  }, 120_000);

  it('reorder takes exactly a permutation of the queue (config_manager+, audited)', async () => {
    const fresh = await changesetWorldOn(world.fixture, 'cs-queue-reorder');
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const approved = await fresh.approved();
      await fresh.call('POST', fresh.app(`/changesets/${approved.id}/queue`), fresh.manager.token);
      ids.push(approved.id);
    }
    const reorder = (token: string, changeset_ids: string[]) =>
      fresh.call<ChangesetBody[]>('POST', fresh.app('/queue/reorder'), token, { changeset_ids });
    const reversed = [...ids].reverse();
    expect((await reorder(fresh.reviewer.token, reversed)).status).toBe(403);
    expect((await reorder(fresh.outsider.token, reversed)).status).toBe(404);
    expect((await reorder(fresh.manager.token, [ids[0]!, ids[0]!, ids[1]!])).status).toBe(400);
    const partial = await reorder(fresh.manager.token, ids.slice(1));
    expect(partial.status).toBe(409);
    expect(partial.error?.details?.queue).toEqual(ids);
    const stranger = await reorder(fresh.manager.token, [...ids.slice(1), 'b'.repeat(24)]);
    expect(stranger.status).toBe(409);

    const done = await reorder(fresh.admin.token, reversed);
    expect(done.status).toBe(200);
    expect(done.data.map((changeset) => [changeset.id, changeset.queue_position])).toEqual([
      [reversed[0], 1],
      [reversed[1], 2],
      [reversed[2], 3],
    ]);
    const audit = await fresh.fixture.database.db
      .collection('audit_events')
      .findOne({ action: 'queue.reordered', entity_id: fresh.appId });
    expect(audit).toMatchObject({ before: ids, after: reversed });

    // The next queued changeset lands after the renumbered queue.
    const next = await fresh.approved();
    const queued = await fresh.call<ChangesetBody>(
      'POST',
      fresh.app(`/changesets/${next.id}/queue`),
      fresh.manager.token,
    );
    expect(queued.data.queue_position).toBe(4);
  }, 60_000);
});
