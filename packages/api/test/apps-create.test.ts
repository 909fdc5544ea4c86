import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOGIN_LIMITS } from '../src/resources/auth';
import {
  GitError,
  LocalGitAdapter,
  type CommitToBranchRequest,
  type CreateRepositoryOptions,
} from '@conman/git';
import { postJson } from './support/harness';
import { bearer, startIdentityApi, type IdentityFixture } from './support/identity-fixture';

/** A real local adapter that fails the next repository creation or commit when a test asks it to. */
class FailingGit extends LocalGitAdapter {
  failNext: 'create' | 'commit' | null = null;

  override async createRepository(repoPath: string, options?: CreateRepositoryOptions): Promise<void> {
    if (this.failNext === 'create') {
      this.failNext = null;
      throw new GitError('forced: repository creation failed');
    }
    return super.createRepository(repoPath, options);
  }

  override async commitToBranch(repoPath: string, request: CommitToBranchRequest): Promise<string> {
    if (this.failNext === 'commit') {
      this.failNext = null;
      throw new GitError('forced: commit failed');
    }
    return super.commitToBranch(repoPath, request);
  }
}

let fixture: IdentityFixture;
let git: FailingGit;
let root: { id: string; token: string };

beforeAll(async () => {
  fixture = await startIdentityApi(LOGIN_LIMITS, {
    createGit: (storageRoot) => (git = new FailingGit({ storageRoot })),
  });
  root = await fixture.newUser('root@example.com');
  await fixture.users.update(root.id, { isPlatformAdmin: true });
});

afterAll(() => fixture.close());

const appsUrl = () => `${fixture.api.url}/api/apps`;
const create = (body: unknown, headers = bearer(root.token)) => postJson(appsUrl(), body, headers);
const appCount = () => fixture.database.db.collection('apps').countDocuments();
const onDisk = (repoPath: string) => existsSync(join(fixture.storageRoot, ...repoPath.split('/'), 'HEAD'));

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}

describe('POST /apps', () => {
  it('seeds a repository under the storage root with a README on the integration branch', async () => {
    const response = await create({
      name: 'shop',
      repo_path: 'team/shop.git',
      integration_branch: 'live',
      seed: true,
    });
    expect(response.status).toBe(201);
    const { data } = (await response.json()) as { data: { id: string; repo_path: string; settings: any } };
    expect(data).toMatchObject({ name: 'shop', repo_path: 'team/shop.git', integration_branch: 'live' });
    expect(data.settings.blocked_paths).toEqual(['.git/**', '.gitignore', '.github/**']);
    expect(onDisk('team/shop.git')).toBe(true);
    const head = await fixture.git.resolveRef('team/shop.git', 'refs/heads/live');
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    const readme = await fixture.git.readBlob('team/shop.git', head!, 'README.md');
    expect(readme?.content.toString('utf8')).toContain('# shop');
    expect((await fixture.git.readCommit('team/shop.git', head!)).author.email).toBe('root@example.com');

    // The creator is the app's first app_admin, and the creation is audited with the commit.
    expect((await fixture.memberships.find(data.id, root.id))?.role).toBe('app_admin');
    const events = await fixture.database.db
      .collection('audit_events')
      .find({ action: 'app.created' })
      .toArray();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      entity_id: data.id,
      actor: { type: 'user', id: root.id },
      git_sha: head,
    });
  });

  it('registers an existing repository whose integration branch resolves', async () => {
    await fixture.git.createRepository('existing.git');
    await fixture.git.commitToBranch('existing.git', {
      ref: 'refs/heads/main',
      expectedOldSha: null,
      parent: null,
      changes: [{ action: 'write', path: 'app.json', content: Buffer.from('{}') }],
      message: 'first',
      author: { name: 'T', email: 't@example.com' },
    });
    const response = await create({ name: 'existing', repo_path: 'existing.git' });
    expect(response.status).toBe(201);
    expect(
      ((await response.json()) as { data: { integration_branch: string } }).data.integration_branch,
    ).toBe('main');
  });

  it('refuses to register a missing repository or a missing branch (400), creating nothing', async () => {
    const before = await appCount();
    const missing = await errorOf(await create({ name: 'ghost', repo_path: 'ghost.git' }));
    expect(missing).toMatchObject({ status: 400, code: 'validation_error' });
    expect(missing.message).toMatch(/seed/);
    expect(onDisk('ghost.git')).toBe(false);
    await fixture.git.createRepository('nobranch.git');
    const noBranch = await errorOf(
      await create({ name: 'nobranch', repo_path: 'nobranch.git', integration_branch: 'release' }),
    );
    expect(noBranch).toMatchObject({ status: 400, code: 'validation_error' });
    expect(await appCount()).toBe(before);
  });

  it.each(['../x.git', '/abs.git', 'a/../../b.git', 'x', 'a\\b.git', 'a//b.git', 'outer.git/inner.git'])(
    'refuses repo_path %j with 400 and touches no disk',
    async (repoPath) => {
      const entries = readdirSync(fixture.storageRoot).sort();
      const response = await create({ name: 'bad', repo_path: repoPath, seed: true });
      expect(await errorOf(response)).toMatchObject({ status: 400, code: 'validation_error' });
      expect(readdirSync(fixture.storageRoot).sort()).toEqual(entries);
    },
  );

  it('refuses a repo_path below a file and invalid branch names with 400', async () => {
    writeFileSync(join(fixture.storageRoot, 'plain-file'), 'x');
    expect((await create({ name: 'under-file', repo_path: 'plain-file/x.git', seed: true })).status).toBe(
      400,
    );
    for (const branch of ['a..b', 'with space', '-x/../y', 'refs/heads/main.lock/'])
      expect(
        (await create({ name: 'b', repo_path: 'b.git', integration_branch: branch, seed: true })).status,
      ).toBe(400);
    expect((await create({ name: 'extra', repo_path: 'extra.git', seed: true, owner: 'me' })).status).toBe(
      400,
    );
  });

  it('answers 409 for a duplicate name or repo_path and leaves the first repository intact', async () => {
    await create({ name: 'dup', repo_path: 'dup.git', seed: true });
    const head = await fixture.git.resolveRef('dup.git', 'refs/heads/main');
    const sameName = await errorOf(await create({ name: 'dup', repo_path: 'dup-two.git', seed: true }));
    expect(sameName).toMatchObject({ status: 409, code: 'conflict' });
    expect(onDisk('dup-two.git')).toBe(false);
    expect((await create({ name: 'dup-two', repo_path: 'dup.git', seed: true })).status).toBe(409);
    expect((await create({ name: 'dup-three', repo_path: 'dup.git' })).status).toBe(409);
    expect(await fixture.git.resolveRef('dup.git', 'refs/heads/main')).toBe(head);
  });

  it('answers 409 when seeding over an unregistered repository, and keeps it', async () => {
    await fixture.git.createRepository('squatter.git');
    const response = await create({ name: 'squat', repo_path: 'squatter.git', seed: true });
    expect(await errorOf(response)).toMatchObject({ status: 409, code: 'conflict' });
    expect(await fixture.git.repositoryExists('squatter.git')).toBe(true);
  });

  it('lets exactly one of two concurrent creations of the same repository win', async () => {
    const responses = await Promise.all([
      create({ name: 'race-a', repo_path: 'race.git', seed: true }),
      create({ name: 'race-b', repo_path: 'race.git', seed: true }),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await fixture.git.resolveRef('race.git', 'refs/heads/main')).toMatch(/^[0-9a-f]{40}$/);
  });

  it('leaves no app when Git fails (502), and removes a repository it created', async () => {
    const before = await appCount();
    git.failNext = 'create';
    expect(
      await errorOf(await create({ name: 'broken', repo_path: 'broken.git', seed: true })),
    ).toMatchObject({
      status: 502,
      code: 'git_error',
    });
    git.failNext = 'commit';
    expect((await create({ name: 'half', repo_path: 'half.git', seed: true })).status).toBe(502);
    expect(onDisk('half.git')).toBe(false);
    expect(await appCount()).toBe(before);
    expect(
      await fixture.database.db.collection('app_memberships').countDocuments({ role: 'app_admin' }),
    ).toBe(await fixture.database.db.collection('apps').countDocuments());
    // The names are free again: nothing of the failed attempts remains.
    expect((await create({ name: 'half', repo_path: 'half.git', seed: true })).status).toBe(201);
  });

  it('is for platform admins only: members 403, API keys 403, anonymous 401', async () => {
    const appId = await fixture.newApp('someone-elses');
    const admin = await fixture.newUser('app-admin@example.com', { appId, role: 'app_admin' });
    const key = await fixture.newApiKey(appId, 'app_admin', admin.id);
    const body = { name: 'nope', repo_path: 'nope.git', seed: true };
    expect((await create(body, bearer(admin.token))).status).toBe(403);
    expect((await create(body, { 'x-api-key': key })).status).toBe(403);
    expect((await create(body, {})).status).toBe(401);
    expect(onDisk('nope.git')).toBe(false);
  });
});
