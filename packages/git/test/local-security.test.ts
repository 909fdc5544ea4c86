import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, ValidationError } from '@conman/core';
import { LocalGitAdapter, refNameProblem } from '../src';
import { alice, seedRepository } from './contract/fixtures';

let root: string;
let storageRoot: string;
let adapter: LocalGitAdapter;
let repo: string;
let head: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'conman-git-security-'));
  storageRoot = join(root, 'storage');
  adapter = new LocalGitAdapter({ storageRoot });
  repo = 'apps/security.git';
  head = await seedRepository(adapter, repo, { '--output=x/-n': 'dash', 'plain.txt': 'plain' });
});

afterAll(async () => {
  await adapter.close();
  await rm(root, { recursive: true, force: true });
});

describe('argument injection', () => {
  const optionLike = [
    '--output=OUT',
    '-n',
    '--upload-pack=touch OUT',
    '-',
    '--',
    'HEAD~1',
    'main',
    'refs/heads/main~1',
  ];

  it.each(optionLike)('refuses %s as a revision before any git process sees it', async (raw) => {
    const revision = raw.replace('OUT', join(root, 'pwned'));
    await expect(adapter.resolveRef(repo, revision)).rejects.toBeInstanceOf(ValidationError);
    await expect(adapter.readBlob(repo, revision, 'plain.txt')).rejects.toBeInstanceOf(ValidationError);
    await expect(adapter.diffPatch(repo, revision, head)).rejects.toBeInstanceOf(ValidationError);
    await expect(adapter.listTree(repo, revision)).rejects.toBeInstanceOf(ValidationError);
    await expect(adapter.mergeBase(repo, head, revision)).rejects.toBeInstanceOf(ValidationError);
    await expect(
      adapter.updateRefs(repo, [{ ref: revision, newSha: head, expectedOldSha: null }]),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(existsSync(join(root, 'pwned'))).toBe(false);
  });

  it('treats option-like names inside full ref names and paths as plain data', async () => {
    const ref = 'refs/heads/--output=x';
    await adapter.updateRefs(repo, [{ ref, newSha: head, expectedOldSha: null }]);
    expect(await adapter.resolveRef(repo, ref)).toBe(head);
    expect((await adapter.readBlob(repo, ref, '--output=x/-n'))?.content.toString()).toBe('dash');
    expect((await adapter.listTree(repo, ref, { path: '--output=x' })).map((entry) => entry.path)).toEqual([
      '--output=x/-n',
    ]);
    expect(await adapter.createTag(repo, '-n', head)).toBeUndefined();
    expect((await adapter.listTags(repo)).map((tag) => tag.name)).toEqual(['-n']);
  });

  it('refuses odd or escaping file paths in commits', async () => {
    for (const path of [
      '/etc/passwd',
      '../x',
      'a/../b',
      'a//b',
      'a/./b',
      '.git/config',
      'A/.GIT/x',
      'line\nbreak',
      'back\\slash',
      '',
    ]) {
      const attempt = adapter.commitFiles(repo, {
        parent: head,
        changes: [{ action: 'write', path, content: Buffer.from('x') }],
        message: 'm',
        author: alice,
      });
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    }
  });

  it('refuses identities that would corrupt the commit header', async () => {
    const attempt = adapter.commitFiles(repo, {
      parent: head,
      changes: [],
      message: 'm',
      author: { name: 'Mallory <evil@example.com>\ncommitter x', email: 'm@example.com' },
    });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('ref name rules', () => {
  const names = [
    'refs/heads/main',
    'refs/heads/ws/alice/app/2',
    'refs/conman/autosave/0190a0b2-7c1d-7000-8000-000000000000',
    'refs/tags/r2024.01.01.1',
    'refs/heads/a..b',
    'refs/heads/a.lock',
    'refs/heads/.hidden',
    'refs/heads/x y',
    'refs/heads/a~1',
    'refs/heads/a^',
    'refs/heads/a:b',
    'refs/heads/a?',
    'refs/heads/a*',
    'refs/heads/a[',
    'refs/heads/a\\b',
    'refs/heads/a@{1}',
    'refs/heads/end.',
    'refs/heads/end/',
    'refs/heads//double',
    'refs/heads/tab\tname',
    'refs/heads/ünï',
    'refs/heads/@',
  ];

  it.each(names)('agrees with git check-ref-format on %j', (name) => {
    let gitAccepts = true;
    try {
      execFileSync('git', ['check-ref-format', name], { stdio: 'ignore' });
    } catch {
      gitAccepts = false;
    }
    expect(refNameProblem(name) === null).toBe(gitAccepts);
  });
});

describe('repository path confinement', () => {
  it.each(['../outside', '/absolute', 'a/../../b', 'a/./b', 'a//b', 'nul\0byte', 'back\\slash', ''])(
    'refuses %j',
    async (repoPath) => {
      await expect(adapter.createRepository(repoPath)).rejects.toBeInstanceOf(ValidationError);
      await expect(adapter.repositoryExists(repoPath)).rejects.toBeInstanceOf(ValidationError);
      await expect(adapter.removeRepository(repoPath)).rejects.toBeInstanceOf(ValidationError);
    },
  );

  it('refuses a symlink that leads outside the storage root', async () => {
    const outside = join(root, 'outside');
    await mkdir(outside);
    await symlink(outside, join(storageRoot, 'escape'));
    await expect(adapter.createRepository('escape/repo.git')).rejects.toBeInstanceOf(ValidationError);
    await expect(adapter.removeRepository('escape')).rejects.toBeInstanceOf(ValidationError);
    expect(await readdir(outside)).toEqual([]);
  });

  it('lets exactly one of concurrent creations of the same repository succeed', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => adapter.createRepository('racing/repo.git')),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((result) => result.status === 'rejected'))
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(await readdir(join(storageRoot, 'racing'))).toEqual(['repo.git']);
  });

  it('refuses a path below a file as invalid input, not as an unexpected failure', async () => {
    await writeFile(join(storageRoot, 'a-file'), 'x');
    await expect(adapter.createRepository('a-file/repo.git')).rejects.toBeInstanceOf(ValidationError);
    await expect(adapter.repositoryExists('a-file/repo.git')).rejects.toBeInstanceOf(ValidationError);
  });
});
