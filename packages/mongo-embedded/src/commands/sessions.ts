import type { Document } from 'bson';
import type { TransactionAccess } from '../storage/access';

export interface SessionState {
  /** Highest txnNumber seen on this session (transactions and retryable writes share the counter). */
  txnNumber: bigint;
  transaction: TransactionAccess | undefined;
  /** Reply of the last retryable write, returned again when the driver retries the same txnNumber. */
  retryableReply: { txnNumber: bigint; reply: Document } | undefined;
  lastUsed: number;
}

/** Logical sessions keyed by the hex of `lsid.id`. */
export class SessionRegistry {
  private readonly sessions = new Map<string, SessionState>();

  obtain(key: string): SessionState {
    let state = this.sessions.get(key);
    if (!state) {
      state = { txnNumber: -1n, transaction: undefined, retryableReply: undefined, lastUsed: Date.now() };
      this.sessions.set(key, state);
    }
    state.lastUsed = Date.now();
    return state;
  }

  get(key: string): SessionState | undefined {
    return this.sessions.get(key);
  }

  active(): IterableIterator<SessionState> {
    return this.sessions.values();
  }

  end(key: string): SessionState | undefined {
    const state = this.sessions.get(key);
    this.sessions.delete(key);
    return state;
  }

  /** Sessions idle longer than `idleMs`, removed from the registry (their transactions must be aborted). */
  expire(idleMs: number): SessionState[] {
    const cutoff = Date.now() - idleMs;
    const expired: SessionState[] = [];
    for (const [key, state] of this.sessions) {
      if (state.lastUsed < cutoff) {
        this.sessions.delete(key);
        expired.push(state);
      }
    }
    return expired;
  }
}

export function sessionKeyOf(lsid: unknown): string | undefined {
  const id = (lsid as { id?: { buffer?: Uint8Array; toString(encoding: string): string } } | undefined)?.id;
  return id ? id.toString('hex') : undefined;
}
