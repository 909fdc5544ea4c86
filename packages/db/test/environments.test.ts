import { ConflictError, ValidationError } from '@conman/core';
import { AppsRepository, EnvironmentsRepository, inTransaction, type EnvironmentInput } from '@conman/db';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';

let database: TestDatabase;
let environments: EnvironmentsRepository;
let apps: AppsRepository;
let counter = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  environments = new EnvironmentsRepository(database.db);
  apps = new AppsRepository(database.db);
});

afterAll(() => database.close());

async function newApp(): Promise<string> {
  counter += 1;
  return (
    await apps.create({ name: `env-${counter}`, repoPath: `env-${counter}.git`, integrationBranch: 'main' })
  ).id;
}

const env = (name: string, position: number, extra: Partial<EnvironmentInput> = {}): EnvironmentInput => ({
  name,
  position,
  isCanonical: false,
  runtimeProfileId: null,
  ...extra,
});

function replace(appId: string, desired: EnvironmentInput[]) {
  return inTransaction(database.client, (session) => environments.replaceSet(appId, desired, session));
}

describe('environments', () => {
  it('keeps ids stable when the same set is applied twice', async () => {
    const appId = await newApp();
    const first = await replace(appId, [env('dev', 0), env('prod', 1, { isCanonical: true })]);
    const second = await replace(
      appId,
      first.map((e) => ({
        id: e.id,
        name: e.name,
        position: e.position,
        isCanonical: e.isCanonical,
        runtimeProfileId: null,
      })),
    );
    expect(second.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(second.map((e) => [e.name, e.position, e.isCanonical])).toEqual([
      ['dev', 0, false],
      ['prod', 1, true],
    ]);
  });

  it('updates in place, swaps names and positions, adds and removes', async () => {
    const appId = await newApp();
    const [dev, staging, prod] = await replace(appId, [env('dev', 0), env('staging', 1), env('prod', 2)]);
    const next = await replace(appId, [
      env('staging', 0, { id: dev!.id }),
      env('dev', 1, { id: staging!.id }),
      env('qa', 2),
    ]);
    expect(next.map((e) => [e.name, e.id])).toEqual([
      ['staging', dev!.id],
      ['dev', staging!.id],
      ['qa', expect.any(String)],
    ]);
    expect(next.some((e) => e.id === prod!.id)).toBe(false);
  });

  it('refuses duplicate names, duplicate positions and two canonical environments, changing nothing', async () => {
    const appId = await newApp();
    const before = await replace(appId, [env('dev', 0)]);
    for (const desired of [
      [env('a', 0), env('a', 1)],
      [env('a', 0), env('b', 0)],
      [env('a', 0, { isCanonical: true }), env('b', 1, { isCanonical: true })],
    ]) {
      await expect(replace(appId, desired)).rejects.toThrow(ConflictError);
    }
    expect(await environments.listForApp(appId)).toEqual(before);
  });

  it('refuses ids of another app', async () => {
    const appId = await newApp();
    const [foreign] = await replace(await newApp(), [env('dev', 0)]);
    await expect(replace(appId, [env('dev', 0, { id: foreign!.id })])).rejects.toThrow(ValidationError);
  });

  it('lets different apps use the same names', async () => {
    const first = await replace(await newApp(), [env('prod', 0, { isCanonical: true })]);
    const second = await replace(await newApp(), [env('prod', 0, { isCanonical: true })]);
    expect(first[0]?.id).not.toBe(second[0]?.id);
  });
});

describe('the canonical environment', () => {
  const canonicalNames = async (appId: string) =>
    (await environments.listForApp(appId)).filter((e) => e.isCanonical).map((e) => e.name);
  const setCanonical = (appId: string, id: string | null) =>
    inTransaction(database.client, (session) => environments.setCanonical(appId, id, session));

  it('moves to the named environment, unmarking the previous one, or to none', async () => {
    const appId = await newApp();
    const [dev, prod] = await replace(appId, [env('dev', 0, { isCanonical: true }), env('prod', 1)]);
    expect(await setCanonical(appId, prod!.id)).toBe(true);
    expect(await canonicalNames(appId)).toEqual(['prod']);
    expect(await setCanonical(appId, prod!.id)).toBe(true);
    expect(await canonicalNames(appId)).toEqual(['prod']);
    expect(await setCanonical(appId, null)).toBe(true);
    expect(await canonicalNames(appId)).toEqual([]);
    expect(await setCanonical(appId, dev!.id)).toBe(true);
    expect(await canonicalNames(appId)).toEqual(['dev']);
  });

  it("refuses another app's environment and unknown ids, changing nothing", async () => {
    const appId = await newApp();
    const otherApp = await newApp();
    await replace(appId, [env('dev', 0, { isCanonical: true })]);
    const [foreign] = await replace(otherApp, [env('prod', 0)]);
    expect(await setCanonical(appId, foreign!.id)).toBe(false);
    expect(await setCanonical(appId, '0123456789abcdef01234567')).toBe(false);
    expect(await canonicalNames(appId)).toEqual(['dev']);
    expect(await canonicalNames(otherApp)).toEqual([]);
  });
});
