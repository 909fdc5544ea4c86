import { ConflictError, type CommitSha } from '@conman/core';
import { RefConflictError, type GitAdapter } from '../../src';
import type { ContractContext } from './contract';
import { alice, commitOn, filePaths, seedRepository } from './fixtures';

const MAIN = 'refs/heads/main';

/** Commits `path` onto `ref`, re-reading the head and retrying whenever the CAS is lost. */
async function commitWithRetry(
  adapter: GitAdapter,
  repo: string,
  ref: string,
  path: string,
): Promise<{ sha: CommitSha; attempts: number }> {
  for (let attempts = 1; ; attempts++) {
    const head = await adapter.resolveRef(repo, ref);
    try {
      const sha = await adapter.commitToBranch(repo, {
        ref,
        expectedOldSha: head,
        parent: head,
        changes: [{ action: 'write', path, content: Buffer.from(path) }],
        message: `write ${path}`,
        author: alice,
      });
      return { sha, attempts };
    } catch (error) {
      if (!(error instanceof RefConflictError)) throw error;
      // Jittered exponential backoff, as a real client would do, so 50 writers do not all rebuild after every win.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2000, 10 * 2 ** attempts)));
    }
  }
}

export function refCases({ adapter, repoPath }: ContractContext): void {
  describe('refs', () => {
    it('refuses a move from a stale expected sha and leaves the ref alone', async () => {
      const repo = repoPath();
      const first = await seedRepository(adapter(), repo, { 'a.txt': '1' });
      const second = await commitOn(adapter(), repo, MAIN, { 'a.txt': '2' });
      const third = await adapter().commitFiles(repo, {
        parent: second,
        changes: [],
        message: 'empty',
        author: alice,
      });

      const error = await adapter()
        .updateRefs(repo, [{ ref: MAIN, newSha: third, expectedOldSha: first }])
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RefConflictError);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as RefConflictError).status).toBe(409);
      expect(await adapter().resolveRef(repo, MAIN)).toBe(second);

      await expect(
        adapter().updateRefs(repo, [{ ref: MAIN, newSha: third, expectedOldSha: null }]),
      ).rejects.toBeInstanceOf(RefConflictError);
      await adapter().updateRefs(repo, [{ ref: MAIN, newSha: third, expectedOldSha: second }]);
      expect(await adapter().resolveRef(repo, MAIN)).toBe(third);
    });

    it('applies a multi-ref transaction atomically', async () => {
      const repo = repoPath();
      const first = await seedRepository(adapter(), repo, { 'a.txt': '1' });
      const second = await commitOn(adapter(), repo, MAIN, { 'a.txt': '2' });
      await adapter().updateRefs(repo, [
        { ref: 'refs/heads/x', newSha: first, expectedOldSha: null },
        { ref: 'refs/heads/y', newSha: first, expectedOldSha: null },
      ]);

      const stale = adapter().updateRefs(repo, [
        { ref: 'refs/heads/x', newSha: second, expectedOldSha: first },
        { ref: 'refs/heads/y', newSha: second, expectedOldSha: second },
      ]);
      await expect(stale).rejects.toBeInstanceOf(RefConflictError);
      expect(await adapter().resolveRef(repo, 'refs/heads/x')).toBe(first);
      expect(await adapter().resolveRef(repo, 'refs/heads/y')).toBe(first);

      await adapter().updateRefs(repo, [
        { ref: 'refs/heads/x', newSha: second, expectedOldSha: first },
        { ref: 'refs/heads/y', newSha: null, expectedOldSha: first },
      ]);
      expect(await adapter().listRefs(repo, 'refs/heads/')).toEqual([
        { ref: MAIN, sha: second },
        { ref: 'refs/heads/x', sha: second },
      ]);
    });

    it('resolves missing refs and unknown shas to null', async () => {
      const repo = repoPath();
      await seedRepository(adapter(), repo, { 'a.txt': '1' });
      expect(await adapter().resolveRef(repo, 'refs/heads/nope')).toBeNull();
      expect(await adapter().resolveRef(repo, '1234567890123456789012345678901234567890')).toBeNull();
    });
  });

  describe('tags', () => {
    it('creates and lists lightweight tags, which are immutable', async () => {
      const repo = repoPath();
      const first = await seedRepository(adapter(), repo, { 'a.txt': '1' });
      const second = await commitOn(adapter(), repo, MAIN, { 'a.txt': '2' });
      await adapter().createTag(repo, 'r2024.01.01.1', first);
      await expect(adapter().createTag(repo, 'r2024.01.01.1', second)).rejects.toBeInstanceOf(
        RefConflictError,
      );
      expect(await adapter().listTags(repo)).toEqual([{ name: 'r2024.01.01.1', sha: first }]);
    });

    it('publishes a branch move and a tag in one transaction', async () => {
      const repo = repoPath();
      const first = await seedRepository(adapter(), repo, { 'a.txt': '1' });
      const candidate = await adapter().commitFiles(repo, {
        parent: first,
        changes: [],
        message: 'release',
        author: alice,
      });
      await adapter().createTag(repo, 'taken', first);

      const clash = adapter().updateRefs(repo, [
        { ref: MAIN, newSha: candidate, expectedOldSha: first },
        { ref: 'refs/tags/taken', newSha: candidate, expectedOldSha: null },
      ]);
      await expect(clash).rejects.toBeInstanceOf(RefConflictError);
      expect(await adapter().resolveRef(repo, MAIN)).toBe(first);

      await adapter().updateRefs(repo, [
        { ref: MAIN, newSha: candidate, expectedOldSha: first },
        { ref: 'refs/tags/r1', newSha: candidate, expectedOldSha: null },
      ]);
      expect(await adapter().listTags(repo)).toEqual([
        { name: 'r1', sha: candidate },
        { name: 'taken', sha: first },
      ]);
    });
  });

  describe('concurrency', () => {
    it('loses no commit when 50 writers race on one branch with CAS retries', async () => {
      const repo = repoPath();
      await seedRepository(adapter(), repo, { 'seed.txt': 'seed' });
      const paths = Array.from({ length: 50 }, (_, index) => `writers/${index}.txt`);
      const results = await Promise.all(paths.map((path) => commitWithRetry(adapter(), repo, MAIN, path)));
      const head = (await adapter().resolveRef(repo, MAIN)) as string;
      const ancestry = await Promise.all(
        results.map((result) => adapter().isAncestor(repo, result.sha, head)),
      );
      expect(ancestry.every(Boolean)).toBe(true);
      expect(results.some((result) => result.attempts > 1)).toBe(true);
      expect(await filePaths(adapter(), repo, head)).toEqual([...paths, 'seed.txt'].sort());
    }, 180_000);
  });
}
