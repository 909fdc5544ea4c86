import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitAdapter, GitalyAdapter, LocalGitAdapter } from '../src';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'conman-git-factory-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createGitAdapter', () => {
  it('uses local bare repositories when no Gitaly address is configured', async () => {
    const adapter = createGitAdapter({ storageRoot: join(root, 'repos') });
    try {
      expect(adapter).toBeInstanceOf(LocalGitAdapter);
      expect(Object.values(adapter.capabilities).every(Boolean)).toBe(true);
      const health = await adapter.checkHealth();
      expect(health).toMatchObject({ ok: true, backend: 'local' });
      expect(health.detail).toMatch(/^git version \d+\.\d+/);
    } finally {
      await adapter.close();
    }
  });

  it('uses Gitaly when an address is configured', async () => {
    const adapter = createGitAdapter({
      storageRoot: join(root, 'unused'),
      gitalyAddress: '127.0.0.1:1',
      gitalyToken: 'secret',
      gitalyTokenMode: 'raw',
    });
    try {
      expect(adapter).toBeInstanceOf(GitalyAdapter);
    } finally {
      await adapter.close();
    }
  });

  it('reports an unusable storage root as not ready', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'not a directory');
    const adapter = createGitAdapter({ storageRoot: join(file, 'repos') });
    try {
      expect(await adapter.checkHealth()).toMatchObject({ ok: false, backend: 'local' });
    } finally {
      await adapter.close();
    }
  });
});
