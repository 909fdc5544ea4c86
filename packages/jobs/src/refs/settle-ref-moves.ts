import type { Logger } from '@conman/core';
import type { PendingRefMove, RefMove, RefMoveJournal, RefMoveOutcome } from '@conman/db';
import type { GitAdapter } from '@conman/git';

/** The two Git questions the decision asks. */
export type RefProbe = Pick<GitAdapter, 'resolveRef' | 'isAncestor'>;

/**
 * Whether one ref's move happened, read from what the ref holds now: it did when the ref holds the
 * new sha or a commit built on it (later moves). A move back to an ancestor of the old sha (reset,
 * clearing the working state) counts as done only when the ref no longer contains the old sha —
 * otherwise "built on the new sha" cannot tell the move from the history before it.
 */
export async function refMoveHappened(git: RefProbe, repoPath: string, move: RefMove): Promise<boolean> {
  if (move.oldSha === move.newSha) return true;
  const current = await git.resolveRef(repoPath, move.ref);
  if (current === move.newSha) return true;
  if (current === null || current === move.oldSha) return false;
  if (!(await git.isAncestor(repoPath, move.newSha, current))) return false;
  const backwards = move.oldSha !== null && (await git.isAncestor(repoPath, move.newSha, move.oldSha));
  return !backwards || !(await git.isAncestor(repoPath, move.oldSha!, current));
}

/** A move of several refs is atomic: it happened when every ref it changes shows it. */
export async function refMoveOutcome(git: RefProbe, move: PendingRefMove): Promise<RefMoveOutcome> {
  for (const ref of move.refs) if (!(await refMoveHappened(git, move.repoPath, ref))) return 'aborted';
  return 'committed';
}

export interface SettleRefMovesOptions {
  journal: RefMoveJournal;
  git: RefProbe;
  logger: Logger;
  /** Events younger than this are left to the process that is still moving their refs. */
  graceMs: number;
  now?: Date;
}

export interface SettleRefMovesReport {
  committed: number;
  aborted: number;
}

/**
 * Settles ref moves a crash left pending (docs/audit.md). Safe to run from several workers at once:
 * `settle` only changes events that are still pending, and each reads the same refs.
 */
export async function settlePendingRefMoves(options: SettleRefMovesOptions): Promise<SettleRefMovesReport> {
  const now = options.now ?? new Date();
  const report: SettleRefMovesReport = { committed: 0, aborted: 0 };
  const pending = await options.journal.listPending(new Date(now.getTime() - options.graceMs));
  for (const move of pending) {
    try {
      const outcome = await refMoveOutcome(options.git, move);
      report[outcome] += await options.journal.settle([move.id], outcome);
    } catch (error) {
      // One unreadable repository must not keep the others' events pending; it is retried next pass.
      options.logger.warn('ref move not settled', { event_id: move.id, error: String(error) });
    }
  }
  if (report.committed + report.aborted > 0) options.logger.info('ref moves settled', { ...report });
  return report;
}
