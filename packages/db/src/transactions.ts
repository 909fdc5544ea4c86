import { MongoError, type ClientSession, type MongoClient, type TransactionOptions } from 'mongodb';
import { isDependencyUnavailableError } from '@conman/core';

const TRANSACTION_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
};

/**
 * How long write conflicts are retried. The driver's `withTransaction` retries for 120 s, and also
 * retries network failures, so a stalled server held a request for two minutes; this loop retries
 * only conflicts, and only briefly.
 */
const CONFLICT_RETRY_WINDOW_MS = 10_000;

/**
 * Runs `work` in one MongoDB transaction, so a change and its audit event commit together or not at all.
 * Transient conflicts run `work` again; an unavailable database fails at once (503 / job retry), and
 * the abandoned transaction is aborted in the background rather than waiting on the stalled server.
 */
export async function inTransaction<T>(
  client: MongoClient,
  work: (session: ClientSession) => Promise<T>,
): Promise<T> {
  const session = client.startSession();
  const deadline = Date.now() + CONFLICT_RETRY_WINDOW_MS;
  const retryable = (error: unknown, label: string) =>
    error instanceof MongoError &&
    error.hasErrorLabel(label) &&
    !isDependencyUnavailableError(error) &&
    Date.now() < deadline;
  let ended = false;
  const end = async () => {
    ended = true;
    if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
    await session.endSession().catch(() => undefined);
  };
  try {
    for (;;) {
      session.startTransaction(TRANSACTION_OPTIONS);
      let result: T;
      try {
        result = await work(session);
      } catch (error) {
        if (isDependencyUnavailableError(error)) {
          void end();
          throw error;
        }
        if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
        if (retryable(error, 'TransientTransactionError')) continue;
        throw error;
      }
      try {
        await commitRetryingUnknownResult(session, (error) =>
          retryable(error, 'UnknownTransactionCommitResult'),
        );
        return result;
      } catch (error) {
        if (retryable(error, 'TransientTransactionError')) continue;
        if (isDependencyUnavailableError(error)) void end();
        throw error;
      }
    }
  } finally {
    if (!ended) await end();
  }
}

/** A commit whose outcome is unknown (e.g. a primary stepped down) is safe to send again. */
async function commitRetryingUnknownResult(
  session: ClientSession,
  retryable: (error: unknown) => boolean,
): Promise<void> {
  for (;;) {
    try {
      await session.commitTransaction();
      return;
    } catch (error) {
      if (!retryable(error)) throw error;
    }
  }
}
