import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryPathsOfPatch } from '../src/gitaly/patch-binaries';
import { unquoteGitPath } from '../src/gitaly/git-quoting';

describe('reading binary changes from a unified patch', () => {
  it('undoes git’s C quoting of paths', () => {
    expect(unquoteGitPath('plain/path.txt')).toBe('plain/path.txt');
    expect(unquoteGitPath('"b/\\303\\251 x.bin"')).toBe('b/é x.bin');
    expect(unquoteGitPath('"tab\\there \\"q\\" back\\\\slash"')).toBe('tab\there "q" back\\slash');
  });

  it('finds binary files under plain, quoted and renamed paths in a real git patch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conman-patch-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir });
    // Large enough that a one-byte change keeps the rename detectable.
    const movedContent = Buffer.concat([Buffer.from('bin\0'), Buffer.alloc(4096, 'x')]);
    try {
      git('init', '-q');
      writeFileSync(join(dir, 'é x.bin'), Buffer.from('bin\0one'));
      writeFileSync(join(dir, 'data.bin'), Buffer.from('bin\0one'));
      writeFileSync(join(dir, 'old.bin'), movedContent);
      writeFileSync(join(dir, 'text.txt'), 'text\n');
      git('add', '.');
      git('commit', '-qm', 'one');
      writeFileSync(join(dir, 'é x.bin'), Buffer.from('bin\0two'));
      writeFileSync(join(dir, 'data.bin'), Buffer.from('bin\0two'));
      git('mv', 'old.bin', 'new.bin');
      writeFileSync(join(dir, 'new.bin'), Buffer.concat([movedContent, Buffer.from('!')]));
      writeFileSync(join(dir, 'text.txt'), 'text\nmore\n');
      git('add', '.');
      git('commit', '-qm', 'two');
      const patch = git('diff-tree', '-p', '--full-index', '-M', 'HEAD~1', 'HEAD');
      expect(patch.toString()).toContain('rename to new.bin');
      expect([...binaryPathsOfPatch(patch)].sort()).toEqual(['data.bin', 'new.bin', 'é x.bin']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
