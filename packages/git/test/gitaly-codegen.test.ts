import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');
const committedDir = join(repoRoot, 'packages', 'git', 'src', 'gitaly', 'gen');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('generated Gitaly TypeScript', () => {
  let freshDir: string;

  beforeAll(() => {
    freshDir = mkdtempSync(join(tmpdir(), 'conman-gitaly-gen-'));
    execFileSync(join(repoRoot, 'proto', 'generate.sh'), [freshDir], { stdio: 'pipe' });
  });

  afterAll(() => rmSync(freshDir, { recursive: true, force: true }));

  it('has the same files as a fresh run of proto/generate.sh', () => {
    expect(listFiles(committedDir)).toEqual(listFiles(freshDir));
  });

  it('is byte-identical to a fresh run of proto/generate.sh', () => {
    const stale = listFiles(freshDir).filter(
      (file) => !readFileSync(join(freshDir, file)).equals(readFileSync(join(committedDir, file))),
    );
    expect(stale).toEqual([]);
  });
});
