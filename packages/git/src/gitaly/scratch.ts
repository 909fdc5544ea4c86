import type { CommitSha, Logger, RefUpdate } from '@conman/core';
import { GitUnsupportedError } from './errors';
import { resolveRef, updateRefs } from './refs';
import { scratchRef, type GitalyContext } from './context';
import { GitalyRpcError } from './transport';

// Deletions wait this long for company, or until this many are pending, before one transaction runs.
const FLUSH_DELAY_MS = 50;
const MAX_PENDING = 64;

/**
 * Collects scratch refs to delete and removes them per repository in one CAS transaction. Deleting a
 * ref takes git's packed-refs lock, so one deletion per operation would serialize concurrent writers.
 * Leftovers after a failure are harmless: they are hidden from `listRefs` and only logged.
 */
export class ScratchRefCollector {
  private pending = new Map<string, RefUpdate[]>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deleteRefs: (repoPath: string, updates: RefUpdate[]) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  discard(repoPath: string, ref: string, value: CommitSha): void {
    const updates = this.pending.get(repoPath) ?? [];
    updates.push({ ref, newSha: null, expectedOldSha: value });
    this.pending.set(repoPath, updates);
    if (updates.length >= MAX_PENDING) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS).unref();
  }

  /** Deletes everything pending; transactions run one after another so they never fight over the lock. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = [...this.pending];
    this.pending = new Map();
    this.flushing = this.flushing.then(async () => {
      for (const [repoPath, updates] of batches) {
        await this.deleteRefs(repoPath, updates).catch((error: unknown) =>
          this.logger.warn('could not delete gitaly scratch refs', {
            repoPath,
            count: updates.length,
            error: String(error),
          }),
        );
      }
    });
    return this.flushing;
  }
}

/**
 * Runs a ref-writing RPC against a fresh scratch ref that starts at `start`, returns the commit it wrote
 * and drops the ref. Merge-like RPCs always write a ref; a scratch ref keeps the adapter's contract that
 * these operations move no caller-visible ref. The ref is unique, so after a retried call failed, the ref
 * having moved proves that an earlier attempt landed.
 */
export async function viaScratchRef(
  context: GitalyContext,
  repoPath: string,
  kind: 'branch' | 'ref',
  start: CommitSha,
  operation: string,
  write: (scratch: string) => Promise<string>,
): Promise<CommitSha> {
  const scratch = scratchRef(kind);
  await updateRefs(context, repoPath, [{ ref: scratch, newSha: start, expectedOldSha: null }]);
  let result: CommitSha;
  try {
    result = await write(scratch);
  } catch (error) {
    const current = await resolveRef(context, repoPath, scratch).catch(() => null);
    if (!(error instanceof GitalyRpcError && error.retried && current && current !== start)) {
      if (current) context.scratchRefs.discard(repoPath, scratch, current);
      throw error;
    }
    result = current;
  }
  context.scratchRefs.discard(repoPath, scratch, result === '' ? start : result);
  if (result === '')
    throw new GitUnsupportedError(operation, 'the server answered success without a commit id');
  return result;
}
