/**
 * The lists that used to answer a bare array — apps, environments, API keys, the queue, comments and
 * revisions — take `page`/`limit` and answer the `pagination` envelope like every other list.
 */
import { startChangesetWorld, type ApiResult, type ChangesetWorld } from './support/changeset-world';

let world: ChangesetWorld;

beforeAll(async () => {
  world = await startChangesetWorld('paged');
});

afterAll(() => world.close());

/** Reads page 2 of size 2 and the default first page of a list of three. */
async function expectPagedListOfThree<T>(path: string, token: string): Promise<{ second: T[]; all: T[] }> {
  const second = await world.call<T[]>('GET', `${path}?page=2&limit=2`, token);
  expect(second.status).toBe(200);
  expect(second.pagination).toEqual({ page: 2, limit: 2, total: 3 });
  expect(second.data).toHaveLength(1);
  const first = await world.call<T[]>('GET', path, token);
  expect(first.pagination).toEqual({ page: 1, limit: 20, total: 3 });
  expect(first.data).toHaveLength(3);
  const beyond = await world.call<T[]>('GET', `${path}?page=5&limit=2`, token);
  expect({ data: beyond.data, pagination: beyond.pagination }).toEqual({
    data: [],
    pagination: { page: 5, limit: 2, total: 3 },
  });
  expect(second.data[0]).toEqual(first.data[2]);
  return { second: second.data, all: first.data };
}

function expectValidationError(result: ApiResult<unknown>): void {
  expect(result.status).toBe(400);
  expect(result.error?.code).toBe('validation_error');
}

describe('lists with the pagination envelope', () => {
  it('GET /apps pages the apps the caller belongs to', async () => {
    for (const name of ['paged-b', 'paged-c']) {
      await world.fixture.memberships.add(await world.fixture.newApp(name), world.author.id, 'user');
    }
    const { all } = await expectPagedListOfThree<{ name: string }>('/apps', world.author.token);
    expect(all.map((app) => app.name)).toEqual(['paged', 'paged-b', 'paged-c']);
    expectValidationError(await world.call('GET', '/apps?limit=101', world.author.token));
  });

  it('environments, by position', async () => {
    const environments = ['dev', 'staging', 'prod'].map((name, position) => ({ name, position }));
    const replaced = await world.call('PATCH', world.app('/environments'), world.admin.token, {
      environments,
    });
    expect(replaced.status).toBe(200);
    const { second } = await expectPagedListOfThree<{ name: string }>(
      world.app('/environments'),
      world.author.token,
    );
    expect(second.map((environment) => environment.name)).toEqual(['prod']);
    expectValidationError(await world.call('GET', world.app('/environments?page=0'), world.author.token));
  });

  it('API keys', async () => {
    for (const name of ['one', 'two', 'three']) {
      const created = await world.call('POST', world.app('/api-keys'), world.admin.token, {
        name,
        role: 'user',
      });
      expect(created.status).toBe(201);
    }
    const { all } = await expectPagedListOfThree<{ name: string; key?: string }>(
      world.app('/api-keys'),
      world.admin.token,
    );
    expect(all.every((key) => key.key === undefined)).toBe(true);
  });

  it('the queue, first position first', async () => {
    for (let index = 0; index < 3; index += 1) {
      const approved = await world.approved();
      const queued = await world.call(
        'POST',
        world.app(`/changesets/${approved.id}/queue`),
        world.manager.token,
      );
      expect(queued.status).toBe(200);
    }
    const { all } = await expectPagedListOfThree<{ queue_position: number }>(
      world.app('/queue'),
      world.author.token,
    );
    expect(all.map((changeset) => changeset.queue_position)).toEqual([1, 2, 3]);
  });

  it('comment threads (a page counts threads; replies stay inside their thread)', async () => {
    const changeset = await world.submitted();
    const comments = world.app(`/changesets/${changeset.id}/comments`);
    const threadIds: string[] = [];
    for (const body of ['first', 'second', 'third']) {
      const thread = await world.call<{ id: string }>('POST', comments, world.reviewer.token, { body });
      expect(thread.status).toBe(201);
      threadIds.push(thread.data.id);
    }
    await world.call('POST', comments, world.author.token, { body: 'reply', parent_id: threadIds[2] });
    const { second } = await expectPagedListOfThree<{ id: string; replies: { body: string }[] }>(
      comments,
      world.author.token,
    );
    expect(second[0]).toMatchObject({ id: threadIds[2], replies: [{ body: 'reply' }] });
  });

  it('revisions, oldest first', async () => {
    // Checkpoints while in review freeze the next revisions.
    await world.fixture.setCommitModeDefault(world.appId, 'manual_checkpoint');
    try {
      const changeset = await world.submitted();
      for (const version of [2, 3]) {
        await world.writeText(
          world.author,
          changeset.workspace_id,
          'pages/orders.json',
          `{"v":${version}}\n`,
        );
        const checkpoint = await world.call(
          'POST',
          world.app(`/workspaces/${changeset.workspace_id}/checkpoints`),
          world.author.token,
          { message: `v${version}` },
        );
        expect(checkpoint.status).toBe(200);
      }
      const { all } = await expectPagedListOfThree<{ number: number }>(
        world.app(`/changesets/${changeset.id}/revisions`),
        world.author.token,
      );
      expect(all.map((revision) => revision.number)).toEqual([1, 2, 3]);
    } finally {
      await world.fixture.setCommitModeDefault(world.appId, 'submit_commit');
    }
  });
});
