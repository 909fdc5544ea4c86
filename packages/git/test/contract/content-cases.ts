import { NotFoundError } from '@conman/core';
import type { ContractContext } from './contract';
import { commitOn, readText, seedRepository } from './fixtures';

const ODD_PATHS = [
  'dir with spaces/file name.txt',
  'ünïcødé/文件.yaml',
  '-n',
  '--output=x',
  'odd/a:b#c!$&\'"(x).txt',
  'odd/ key ',
];
const BINARY = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0, 10, 0x1a, 128]);

export function contentCases({ adapter, repoPath }: ContractContext): void {
  describe('blobs', () => {
    it('reads a file at a commit, and null for a missing path', async () => {
      const repo = repoPath();
      const sha = await seedRepository(adapter(), repo, { 'config/app.yaml': 'key: value\n' });
      const blob = await adapter().readBlob(repo, sha, 'config/app.yaml');
      expect(blob?.content.toString()).toBe('key: value\n');
      expect(blob?.size).toBe(11);
      expect(await adapter().readBlob(repo, 'refs/heads/main', 'config/app.yaml')).toEqual(blob);
      expect(await adapter().readBlob(repo, sha, 'config/missing.yaml')).toBeNull();
      expect(await adapter().readBlob(repo, sha, 'config')).toBeNull();
      await expect(adapter().readBlob(repo, 'refs/heads/nope', 'config/app.yaml')).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect((await adapter().readBlobByOid(repo, blob?.oid as string))?.content.toString()).toBe(
        'key: value\n',
      );
    });

    it('round-trips binary content and a 5 MiB file byte for byte', async () => {
      const repo = repoPath();
      const big = Buffer.alloc(5 * 1024 * 1024);
      for (let index = 0; index < big.length; index += 4096) big.writeUInt32LE(index, index);
      const sha = await seedRepository(adapter(), repo, { 'bin/blob.dat': BINARY, 'big.bin': big });
      expect((await adapter().readBlob(repo, sha, 'bin/blob.dat'))?.content.equals(BINARY)).toBe(true);
      const read = await adapter().readBlob(repo, sha, 'big.bin');
      expect(read?.size).toBe(big.length);
      expect(read?.content.equals(big)).toBe(true);
    });

    it('handles paths with spaces, unicode and option-like or punctuation characters', async () => {
      const repo = repoPath();
      const files = Object.fromEntries(ODD_PATHS.map((path) => [path, `content of ${path}`]));
      const sha = await seedRepository(adapter(), repo, files);
      for (const path of ODD_PATHS)
        expect(await readText(adapter(), repo, sha, path)).toBe(`content of ${path}`);
      const tree = await adapter().listTree(repo, sha, { recursive: true });
      expect(tree.filter((entry) => entry.type === 'blob').map((entry) => entry.path)).toEqual(
        expect.arrayContaining(ODD_PATHS),
      );
    });

    it('reads a batch in request order', async () => {
      const repo = repoPath();
      const sha = await seedRepository(adapter(), repo, { 'a.txt': 'A', 'b/c.txt': 'C' });
      const blobs = await adapter().readBlobs(repo, [
        { revision: sha, path: 'b/c.txt' },
        { revision: sha, path: 'missing' },
        { revision: 'refs/heads/main', path: 'a.txt' },
      ]);
      expect(blobs.map((blob) => blob?.content.toString() ?? null)).toEqual(['C', null, 'A']);
    });
  });

  describe('trees', () => {
    it('lists recursively with types, modes and sizes', async () => {
      const repo = repoPath();
      await seedRepository(adapter(), repo, { 'a.txt': 'abc', 'dir/sub/b.txt': 'hello' });
      const sha = await commitOn(adapter(), repo, 'refs/heads/main', [
        { action: 'write', path: 'dir/run.sh', content: Buffer.from('#!/bin/sh\n'), executable: true },
      ]);
      const tree = await adapter().listTree(repo, sha, { recursive: true });
      const byPath = Object.fromEntries(tree.map((entry) => [entry.path, entry]));
      expect(Object.keys(byPath).sort()).toEqual(['a.txt', 'dir', 'dir/run.sh', 'dir/sub', 'dir/sub/b.txt']);
      expect(byPath['a.txt']).toMatchObject({ type: 'blob', mode: '100644', size: 3 });
      expect(byPath['dir/run.sh']).toMatchObject({ type: 'blob', mode: '100755', size: 10 });
      expect(byPath['dir']).toMatchObject({ type: 'tree', mode: '040000' });
      expect(byPath['dir']?.size).toBeUndefined();
      expect(byPath['a.txt']?.oid).toMatch(/^[0-9a-f]{40}$/);

      const top = await adapter().listTree(repo, sha);
      expect(top.map((entry) => entry.path).sort()).toEqual(['a.txt', 'dir']);
      const sub = await adapter().listTree(repo, sha, { path: 'dir' });
      expect(sub.map((entry) => entry.path).sort()).toEqual(['dir/run.sh', 'dir/sub']);
      await expect(adapter().listTree(repo, sha, { path: 'nope' })).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('diffs', () => {
    it('reports patch, name-status and numstat including a rename and a binary file', async () => {
      const repo = repoPath();
      const lines = Array.from({ length: 20 }, (_, index) => `line ${index}`).join('\n');
      const before = await seedRepository(adapter(), repo, {
        'old/name.txt': `${lines}\n`,
        'data.bin': BINARY,
        'edit.txt': 'one\ntwo\n',
        'delete.txt': 'bye\n',
      });
      const after = await commitOn(adapter(), repo, 'refs/heads/main', [
        {
          action: 'move',
          from: 'old/name.txt',
          to: 'new/name.txt',
          content: Buffer.from(`${lines}\nline 20\n`),
        },
        { action: 'write', path: 'data.bin', content: Buffer.concat([BINARY, BINARY]) },
        { action: 'write', path: 'edit.txt', content: Buffer.from('one\n2\nthree\n') },
        { action: 'delete', path: 'delete.txt' },
        { action: 'write', path: 'added.txt', content: Buffer.from('new\n') },
      ]);
      const entries = await adapter().diffFiles(repo, before, after);
      const sorted = [...entries].sort((a, b) => a.path.localeCompare(b.path));
      expect(sorted).toEqual([
        { path: 'added.txt', status: 'added', additions: 1, deletions: 0, binary: false },
        { path: 'data.bin', status: 'modified', additions: 0, deletions: 0, binary: true },
        { path: 'delete.txt', status: 'deleted', additions: 0, deletions: 1, binary: false },
        { path: 'edit.txt', status: 'modified', additions: 2, deletions: 1, binary: false },
        {
          path: 'new/name.txt',
          oldPath: 'old/name.txt',
          status: 'renamed',
          additions: 1,
          deletions: 0,
          binary: false,
        },
      ]);

      const patch = (await adapter().diffPatch(repo, before, after)).toString('utf8');
      expect(patch).toContain('diff --git a/edit.txt b/edit.txt');
      expect(patch).toContain('+three');
      expect(patch).toContain('rename from old/name.txt');
      expect(patch).toContain('rename to new/name.txt');
      expect(patch).toMatch(/Binary files a\/data.bin and b\/data.bin differ/);
    });
  });
}
