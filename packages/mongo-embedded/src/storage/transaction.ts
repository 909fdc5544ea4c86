import type { Document } from 'bson';
import type { Collection } from './collection';

export type TransactionState = 'active' | 'committed' | 'aborted';

/**
 * A multi-document transaction: reads see the committed state as of `snapshot` plus the transaction's own writes;
 * writes stay private in `writes` (null = deleted) until commit applies them atomically.
 */
export class Transaction {
  readonly writes = new Map<Collection, Map<string, Document | null>>();
  state: TransactionState = 'active';
  readonly startedAt = Date.now();
  readonly done: Promise<void>;
  private markDone!: () => void;

  constructor(readonly snapshot: number) {
    this.done = new Promise((resolve) => {
      this.markDone = resolve;
    });
  }

  writesTo(collection: Collection): Map<string, Document | null> {
    let writes = this.writes.get(collection);
    if (!writes) {
      writes = new Map();
      this.writes.set(collection, writes);
    }
    return writes;
  }

  finish(state: Exclude<TransactionState, 'active'>): void {
    this.state = state;
    this.markDone();
  }
}
