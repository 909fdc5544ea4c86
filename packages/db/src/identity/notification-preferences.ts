import type { Collection, Db, ObjectId, ClientSession } from 'mongodb';
import type { NotificationPreferences } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { toObjectId } from './shared';

export const NOTIFICATION_PREFERENCES = 'notification_preferences';

/** Keyed by the user id: one document per user, absent until the user changes the default. */
export interface NotificationPreferencesDocument {
  _id: ObjectId;
  email_enabled: boolean;
  updated_at: Date;
}

export const notificationPreferenceIndexSpecs: IndexSpec[] = [];

export class NotificationPreferencesRepository {
  private readonly collection: Collection<NotificationPreferencesDocument>;

  constructor(db: Db) {
    this.collection = db.collection<NotificationPreferencesDocument>(NOTIFICATION_PREFERENCES);
  }

  /** Email notifications are on unless the user turned them off. */
  async get(userId: string, session?: ClientSession): Promise<NotificationPreferences> {
    const doc = await this.collection.findOne({ _id: toObjectId(userId) }, { session });
    return { userId, emailEnabled: doc?.email_enabled ?? true };
  }

  async set(
    userId: string,
    emailEnabled: boolean,
    session?: ClientSession,
  ): Promise<NotificationPreferences> {
    await this.collection.updateOne(
      { _id: toObjectId(userId) },
      { $set: { email_enabled: emailEnabled, updated_at: new Date() } },
      { session, upsert: true },
    );
    return { userId, emailEnabled };
  }
}
