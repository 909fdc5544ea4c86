import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalGitAdapter } from '@conman/git';

export interface GitFixture {
  git: LocalGitAdapter;
  repoPath: string;
  /** Commits these files (path → content) as a new root commit and returns its sha. */
  commit(files: Record<string, string>): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createGitFixture(): Promise<GitFixture> {
  const storageRoot = mkdtempSync(path.join(os.tmpdir(), 'conman-jobs-git-'));
  const git = new LocalGitAdapter({ storageRoot });
  const repoPath = 'app.git';
  await git.createRepository(repoPath);
  return {
    git,
    repoPath,
    commit: (files) =>
      git.commitFiles(repoPath, {
        parent: null,
        message: 'fixture',
        author: { name: 'Test', email: 'test@example.com' },
        changes: Object.entries(files).map(([file, content]) => ({
          action: 'write' as const,
          path: file,
          content: Buffer.from(content),
          executable: file.endsWith('.sh'),
        })),
      }),
    cleanup: async () => {
      await git.close();
      rmSync(storageRoot, { recursive: true, force: true });
    },
  };
}
