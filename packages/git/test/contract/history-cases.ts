import { ConflictError } from '@conman/core';
import { MergeConflictError } from '../../src';
import type { ContractContext } from './contract';
import { alice, bob, commitOn, filePaths, readText, seedRepository } from './fixtures';

const MAIN = 'refs/heads/main';
const TOPIC = 'refs/heads/topic';

export function historyCases({ adapter, repoPath }: ContractContext): void {
  /** main and topic diverge from `base`; each side gets its own changes. */
  async function diverge(
    repo: string,
    mainChanges: Record<string, string>,
    topicChanges: Record<string, string>,
  ) {
    const base = await seedRepository(adapter(), repo, { 'shared.txt': 'a\nb\nc\n', 'other.txt': 'o\n' });
    await adapter().updateRefs(repo, [{ ref: TOPIC, newSha: base, expectedOldSha: null }]);
    const ours = await commitOn(adapter(), repo, MAIN, mainChanges, { message: 'main side' });
    const theirs = await commitOn(adapter(), repo, TOPIC, topicChanges, {
      message: 'topic side',
      author: bob,
    });
    return { base, ours, theirs };
  }

  describe('ancestry', () => {
    it('finds the merge base and answers ancestry', async () => {
      const repo = repoPath();
      const { base, ours, theirs } = await diverge(repo, { 'm.txt': 'm' }, { 't.txt': 't' });
      expect(await adapter().mergeBase(repo, ours, theirs)).toBe(base);
      expect(await adapter().mergeBase(repo, MAIN, TOPIC)).toBe(base);
      expect(await adapter().isAncestor(repo, base, ours)).toBe(true);
      expect(await adapter().isAncestor(repo, ours, base)).toBe(false);
      expect(await adapter().isAncestor(repo, ours, theirs)).toBe(false);
    });
  });

  describe('merges', () => {
    it('merges cleanly and writes a two-parent merge commit', async () => {
      const repo = repoPath();
      const { ours, theirs } = await diverge(
        repo,
        { 'shared.txt': 'A\nb\nc\n' },
        { 'shared.txt': 'a\nb\nC\n', 't.txt': 't' },
      );
      const result = await adapter().mergeCommits(repo, ours, theirs);
      expect(result).toMatchObject({ clean: true, conflictingPaths: [] });
      expect(result.treeSha).toMatch(/^[0-9a-f]{40}$/);
      const merge = await adapter().createMergeCommit(repo, {
        ours,
        theirs,
        message: 'merge topic',
        author: alice,
      });
      const commit = await adapter().readCommit(repo, merge);
      expect(commit.parents).toEqual([ours, theirs]);
      expect(commit.tree).toBe(result.treeSha);
      expect(await readText(adapter(), repo, merge, 'shared.txt')).toBe('A\nb\nC\n');
      expect(await readText(adapter(), repo, merge, 't.txt')).toBe('t');
    });

    it('reports the exact conflicting paths', async () => {
      const repo = repoPath();
      const { ours, theirs } = await diverge(
        repo,
        { 'shared.txt': 'main\nb\nc\n', 'other.txt': 'main\n', 'fine.txt': 'main' },
        { 'shared.txt': 'topic\nb\nc\n', 'other.txt': 'topic\n', 'also-fine.txt': 'topic' },
      );
      const result = await adapter().mergeCommits(repo, ours, theirs);
      expect(result.clean).toBe(false);
      expect([...result.conflictingPaths].sort()).toEqual(['other.txt', 'shared.txt']);
      const error = await adapter()
        .createMergeCommit(repo, { ours, theirs, message: 'merge', author: alice })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MergeConflictError);
      expect(error).toBeInstanceOf(ConflictError);
      expect([...((error as MergeConflictError).details?.conflicting_paths as string[])].sort()).toEqual([
        'other.txt',
        'shared.txt',
      ]);
    });
  });

  describe('rebase', () => {
    it('replays a 3-commit branch onto a moved base, keeping authors and messages', async () => {
      const repo = repoPath();
      const base = await seedRepository(adapter(), repo, { 'shared.txt': 'a\n' });
      await adapter().updateRefs(repo, [{ ref: TOPIC, newSha: base, expectedOldSha: null }]);
      const onto = await commitOn(adapter(), repo, MAIN, { 'main.txt': 'moved' });
      for (const index of [1, 2, 3]) {
        await commitOn(
          adapter(),
          repo,
          TOPIC,
          { [`topic/${index}.txt`]: `${index}` },
          { message: `topic ${index}\n\nbody ${index}`, author: bob },
        );
      }
      const head = (await adapter().resolveRef(repo, TOPIC)) as string;
      const originals = [head];
      for (let index = 0; index < 2; index++)
        originals.unshift((await adapter().readCommit(repo, originals[0] as string)).parents[0] as string);

      const rebased = await adapter().rebase(repo, { head, onto, committer: alice });
      const replayed = [rebased];
      for (let index = 0; index < 2; index++)
        replayed.unshift((await adapter().readCommit(repo, replayed[0] as string)).parents[0] as string);
      expect((await adapter().readCommit(repo, replayed[0] as string)).parents).toEqual([onto]);
      for (const [index, sha] of replayed.entries()) {
        const [copy, original] = await Promise.all([
          adapter().readCommit(repo, sha),
          adapter().readCommit(repo, originals[index] as string),
        ]);
        expect(copy.message).toBe(original.message);
        expect(copy.author).toEqual(original.author);
        expect(copy.sha).not.toBe(original.sha);
      }
      expect(await filePaths(adapter(), repo, rebased)).toEqual([
        'main.txt',
        'shared.txt',
        'topic/1.txt',
        'topic/2.txt',
        'topic/3.txt',
      ]);
      expect(await adapter().rebase(repo, { head: base, onto, committer: alice })).toBe(onto);
    });

    it('stops with the conflicting paths when a commit does not apply', async () => {
      const repo = repoPath();
      const { ours, theirs } = await diverge(
        repo,
        { 'shared.txt': 'main\nb\nc\n' },
        { 'shared.txt': 'topic\nb\nc\n' },
      );
      const error = await adapter()
        .rebase(repo, { head: theirs, onto: ours, committer: alice })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MergeConflictError);
      expect((error as MergeConflictError).conflictingPaths).toEqual(['shared.txt']);
    });
  });

  describe('revert and cherry-pick', () => {
    it('reverts a commit onto a later tip', async () => {
      const repo = repoPath();
      await seedRepository(adapter(), repo, { 'a.txt': 'a1\n', 'b.txt': 'b1\n' });
      const target = await commitOn(
        adapter(),
        repo,
        MAIN,
        { 'a.txt': 'a2\n', 'new.txt': 'n' },
        { message: 'change a' },
      );
      const tip = await commitOn(adapter(), repo, MAIN, { 'b.txt': 'b2\n' });
      const reverted = await adapter().revert(repo, { commit: target, onto: tip, author: bob });
      const commit = await adapter().readCommit(repo, reverted);
      expect(commit.parents).toEqual([tip]);
      expect(commit.message).toBe(`Revert "change a"\n\nThis reverts commit ${target}.`);
      expect(await readText(adapter(), repo, reverted, 'a.txt')).toBe('a1\n');
      expect(await readText(adapter(), repo, reverted, 'b.txt')).toBe('b2\n');
      expect(await readText(adapter(), repo, reverted, 'new.txt')).toBeNull();
    });

    it('refuses a revert that conflicts with later changes', async () => {
      const repo = repoPath();
      await seedRepository(adapter(), repo, { 'a.txt': 'a1\n' });
      const target = await commitOn(adapter(), repo, MAIN, { 'a.txt': 'a2\n' });
      const tip = await commitOn(adapter(), repo, MAIN, { 'a.txt': 'a3\n' });
      const error = await adapter()
        .revert(repo, { commit: target, onto: tip, author: bob })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MergeConflictError);
      expect((error as MergeConflictError).conflictingPaths).toEqual(['a.txt']);
      expect(await adapter().resolveRef(repo, MAIN)).toBe(tip);
    });

    it('cherry-picks a commit onto another branch', async () => {
      const repo = repoPath();
      const { ours, theirs } = await diverge(repo, { 'm.txt': 'm' }, { 't.txt': 't' });
      const picked = await adapter().cherryPick(repo, { commit: theirs, onto: ours, committer: alice });
      const [copy, original] = await Promise.all([
        adapter().readCommit(repo, picked),
        adapter().readCommit(repo, theirs),
      ]);
      expect(copy.parents).toEqual([ours]);
      expect(copy.author).toEqual(original.author);
      expect(await filePaths(adapter(), repo, picked)).toEqual(['m.txt', 'other.txt', 'shared.txt', 't.txt']);
    });
  });
}
