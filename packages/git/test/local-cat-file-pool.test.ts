import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalGitAdapter } from '../src';
import { readText, seedRepository } from './contract/fixtures';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'conman-git-pool-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('cat-file pool', () => {
  it('keeps serving reads after its process is killed', async () => {
    const adapter = new LocalGitAdapter({ storageRoot: join(root, 'killed') });
    try {
      const sha = await seedRepository(adapter, 'repo.git', { 'a.txt': 'A', 'b.txt': 'B' });
      expect(await readText(adapter, 'repo.git', sha, 'a.txt')).toBe('A');
      const [pid] = await adapter.catFilePids('repo.git');
      expect(pid).toBeDefined();

      process.kill(pid as number, 'SIGKILL');
      // Reads issued right after the kill reach the dying process and are retried on a fresh one.
      const reads = await Promise.all(
        ['a.txt', 'b.txt', 'a.txt'].map((path) => readText(adapter, 'repo.git', sha, path)),
      );
      expect(reads).toEqual(['A', 'B', 'A']);
      expect(await adapter.catFilePids('repo.git')).not.toContain(pid);
      await until(async () => !isRunning(pid as number));
    } finally {
      await adapter.close();
    }
  });

  it('serves concurrent reads of one repository from a bounded set of processes', async () => {
    const adapter = new LocalGitAdapter({
      storageRoot: join(root, 'bounded'),
      catFileProcessesPerRepository: 2,
    });
    try {
      const files = Object.fromEntries(
        Array.from({ length: 40 }, (_, index) => [`f/${index}.txt`, `content ${index}`]),
      );
      const sha = await seedRepository(adapter, 'repo.git', files);
      const reads = await Promise.all(
        Object.keys(files).map((path) => readText(adapter, 'repo.git', sha, path)),
      );
      expect(reads).toEqual(Object.values(files));
      expect((await adapter.catFilePids('repo.git')).length).toBeLessThanOrEqual(2);
    } finally {
      await adapter.close();
    }
  });

  it('closes idle processes and starts a new one on demand', async () => {
    const adapter = new LocalGitAdapter({ storageRoot: join(root, 'idle'), idleProcessMs: 20 });
    try {
      const sha = await seedRepository(adapter, 'repo.git', { 'a.txt': 'A' });
      expect(await readText(adapter, 'repo.git', sha, 'a.txt')).toBe('A');
      await until(async () => (await adapter.catFilePids('repo.git')).length === 0);
      expect(await readText(adapter, 'repo.git', sha, 'a.txt')).toBe('A');
    } finally {
      await adapter.close();
    }
  });
});
