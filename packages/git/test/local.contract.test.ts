import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalGitAdapter } from '../src';
import { describeGitAdapterContract } from './contract/contract';

describeGitAdapterContract('LocalGitAdapter', async () => {
  const storageRoot = await mkdtemp(join(tmpdir(), 'conman-git-contract-'));
  const adapter = new LocalGitAdapter({ storageRoot });
  let counter = 0;
  return {
    adapter,
    repoPath: () => `group/repo-${++counter}.git`,
    teardown: async () => {
      await adapter.close();
      await rm(storageRoot, { recursive: true, force: true });
    },
  };
});
