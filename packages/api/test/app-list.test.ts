import { AppsRepository } from '@conman/db';
import { openTestDatabase, waitFor, type TestDatabase } from '@conman/test-support';
import { invalidationBuses } from '../../auth/test/support/invalidation-bus';
import { AppListCache } from '../src/resources/apps';

let database: TestDatabase;
let apps: AppsRepository;

beforeAll(async () => {
  database = await openTestDatabase();
  apps = new AppsRepository(database.db);
  await apps.create({ name: 'b-app', repoPath: 'b.git', integrationBranch: 'main' });
  await apps.create({ name: 'a-app', repoPath: 'a.git', integrationBranch: 'main' });
});

afterAll(() => database.close());

const names = (list: Array<{ name: string }>) => list.map((app) => app.name);

describe('app list cache', () => {
  it('lists all apps or the given ones by name, kept until the TTL or `forget`', async () => {
    let clock = 0;
    const cache = new AppListCache({ apps, ttlMs: 1000, now: () => clock });
    const all = await cache.list();
    expect(names(all)).toEqual(['a-app', 'b-app']);
    expect(names(await cache.list([all[1]!.id, 'ffffffffffffffffffffffff']))).toEqual(['b-app']);
    const late = await apps.create({ name: 'c-app', repoPath: 'c.git', integrationBranch: 'main' });
    expect(names(await cache.list())).toEqual(['a-app', 'b-app']);
    await cache.forget(late.id);
    expect(names(await cache.list())).toEqual(['a-app', 'b-app', 'c-app']);
    await apps.create({ name: 'd-app', repoPath: 'd.git', integrationBranch: 'main' });
    clock += 1000;
    expect(names(await cache.list())).toContain('d-app');
  });

  describe('between processes', () => {
    const buses = invalidationBuses();

    it('drops the list in the other process when one process forgets it', async () => {
      const channel = buses.newChannel();
      const a = new AppListCache({ apps, ttlMs: 60_000, bus: await buses.processBus(channel) });
      const b = new AppListCache({ apps, ttlMs: 60_000, bus: await buses.processBus(channel) });
      const before = (await b.list()).length;
      const created = await apps.create({ name: 'e-app', repoPath: 'e.git', integrationBranch: 'main' });
      await a.forget(created.id);
      // B learns through Redis; its 60 s TTL alone would keep the old list for the whole test.
      await waitFor(async () => (await b.list()).length === before + 1, 5_000);
    });
  });
});
