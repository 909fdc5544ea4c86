import type { ClientSession, MongoClient } from 'mongodb';

/**
 * Runs `work` in one MongoDB transaction (retried by the driver on transient errors), so a change and
 * its audit event commit together or not at all.
 */
export async function inTransaction<T>(
  client: MongoClient,
  work: (session: ClientSession) => Promise<T>,
): Promise<T> {
  const session = client.startSession();
  try {
    return await session.withTransaction(work, {
      readConcern: { level: 'snapshot' },
      writeConcern: { w: 'majority' },
    });
  } finally {
    await session.endSession();
  }
}
