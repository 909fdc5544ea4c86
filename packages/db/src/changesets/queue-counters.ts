import type { ClientSession, Collection, Db } from 'mongodb';
import { toObjectId } from '../identity/shared';

export const CHANGESET_QUEUE_COUNTERS = 'changeset_queue_counters';

/** One document per app: the last queue position handed out (`_id` = app id). */
interface QueueCounterDocument {
  _id: string;
  last_position: number;
}

/**
 * Queue positions (docs/changesets.md "Decisions", queue) come from a per-app counter incremented inside the
 * queueing transaction: concurrent queueings write the same counter document, so all but one hit a write
 * conflict and the driver retries them, each getting the next number. The unique (app, position) index stays
 * the last line of defence. The counter never goes below the highest position in use.
 */
export class QueueCounters {
  private readonly collection: Collection<QueueCounterDocument>;

  constructor(db: Db) {
    this.collection = db.collection<QueueCounterDocument>(CHANGESET_QUEUE_COUNTERS);
  }

  async next(appId: string, session: ClientSession): Promise<number> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: toObjectId(appId).toHexString() },
      { $inc: { last_position: 1 } },
      { upsert: true, returnDocument: 'after', session },
    );
    if (!doc) throw new Error('queue counter upsert returned nothing');
    return doc.last_position;
  }

  /** After a reorder renumbered the queue 1..n. */
  async reset(appId: string, lastPosition: number, session: ClientSession): Promise<void> {
    await this.collection.updateOne(
      { _id: toObjectId(appId).toHexString() },
      { $set: { last_position: lastPosition } },
      { upsert: true, session },
    );
  }
}
