import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, NotFoundError, type FileChange } from '@conman/core';
import { GitNotFoundError } from '../../src';
import type { ContractContext } from './contract';
import { alice, commitOn, filePaths, readText, seedRepository } from './fixtures';

export function repositoryCases({ adapter, repoPath }: ContractContext): void {
  describe('repositories', () => {
    it('creates, detects and removes a repository', async () => {
      const repo = repoPath();
      expect(await adapter().repositoryExists(repo)).toBe(false);
      await adapter().createRepository(repo);
      expect(await adapter().repositoryExists(repo)).toBe(true);
      await expect(adapter().createRepository(repo)).rejects.toBeInstanceOf(ConflictError);
      await adapter().removeRepository(repo);
      expect(await adapter().repositoryExists(repo)).toBe(false);
      await adapter().removeRepository(repo);
    });

    it('reports a missing repository as not found', async () => {
      const error = await adapter()
        .listRefs(repoPath(), 'refs/heads/')
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GitNotFoundError);
      expect(error).toBeInstanceOf(NotFoundError);
    });

    it('is ready', async () => {
      expect(await adapter().checkHealth()).toMatchObject({ ok: true });
    });
  });

  describe('commits', () => {
    it('makes the first commit into an empty repository', async () => {
      const repo = repoPath();
      await adapter().createRepository(repo);
      expect(await adapter().resolveRef(repo, 'refs/heads/main')).toBeNull();
      const sha = await adapter().commitToBranch(repo, {
        ref: 'refs/heads/main',
        expectedOldSha: null,
        parent: null,
        changes: [{ action: 'write', path: 'README.md', content: Buffer.from('hello\n') }],
        message: 'first',
        author: alice,
      });
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      expect(await adapter().resolveRef(repo, 'refs/heads/main')).toBe(sha);
      const commit = await adapter().readCommit(repo, sha);
      expect(commit).toMatchObject({ sha, parents: [], message: 'first' });
      expect(commit.author).toMatchObject({ name: alice.name, email: alice.email });
      expect(await readText(adapter(), repo, sha, 'README.md')).toBe('hello\n');
    });

    it('applies creates, updates, deletes and moves in nested directories', async () => {
      const repo = repoPath();
      const base = await seedRepository(adapter(), repo, {
        'a/b/c.txt': 'c',
        'a/b/d.txt': 'd',
        'a/e.txt': 'e',
        'gone/only.txt': 'only',
        'top.txt': 'top',
      });
      const sha = await commitOn(adapter(), repo, 'refs/heads/main', [
        { action: 'write', path: 'a/b/new/deep/x.txt', content: Buffer.from('x') },
        { action: 'write', path: 'a/e.txt', content: Buffer.from('e2') },
        { action: 'delete', path: 'a/b/d.txt' },
        { action: 'delete', path: 'gone/only.txt' },
        { action: 'move', from: 'a/b/c.txt', to: 'z/moved.txt' },
      ]);
      expect((await adapter().readCommit(repo, sha)).parents).toEqual([base]);
      expect(await filePaths(adapter(), repo, sha)).toEqual([
        'a/b/new/deep/x.txt',
        'a/e.txt',
        'top.txt',
        'z/moved.txt',
      ]);
      expect(await readText(adapter(), repo, sha, 'a/e.txt')).toBe('e2');
      expect(await readText(adapter(), repo, sha, 'z/moved.txt')).toBe('c');
      expect(await readText(adapter(), repo, base, 'a/b/d.txt')).toBe('d');
    });

    it('refuses file/directory clashes and changes to missing files', async () => {
      const repo = repoPath();
      const base = await seedRepository(adapter(), repo, { 'top.txt': 'top', 'dir/file.txt': 'f' });
      const attempt = (changes: FileChange[]) =>
        adapter().commitFiles(repo, { parent: base, changes, message: 'm', author: alice });
      await expect(
        attempt([{ action: 'write', path: 'top.txt/inner.txt', content: Buffer.from('x') }]),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        attempt([{ action: 'write', path: 'dir', content: Buffer.from('x') }]),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(attempt([{ action: 'delete', path: 'missing.txt' }])).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(attempt([{ action: 'move', from: 'missing.txt', to: 'x.txt' }])).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });

  describe('materialize', () => {
    it('writes the files of a commit into a directory', async () => {
      const repo = repoPath();
      const sha = await seedRepository(adapter(), repo, { 'app/config.yaml': 'a: 1\n', 'root.txt': 'root' });
      await commitOn(adapter(), repo, 'refs/heads/main', [
        { action: 'write', path: 'bin/run.sh', content: Buffer.from('#!/bin/sh\n'), executable: true },
      ]);
      const directory = await mkdtemp(join(tmpdir(), 'conman-materialize-'));
      try {
        const target = join(directory, 'checkout');
        await adapter().materialize(repo, sha, target);
        expect(await readFile(join(target, 'app/config.yaml'), 'utf8')).toBe('a: 1\n');
        expect(await readFile(join(target, 'root.txt'), 'utf8')).toBe('root');
        await expect(stat(join(target, 'bin/run.sh'))).rejects.toThrow();

        const head = join(directory, 'head');
        await adapter().materialize(repo, 'refs/heads/main', head);
        expect((await stat(join(head, 'bin/run.sh'))).mode & 0o111).not.toBe(0);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });
  });
}
