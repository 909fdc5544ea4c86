import type { ClientSession, Collection, Db, ObjectId } from 'mongodb';
import type { CommitMode, NotificationPreferences } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { toObjectId } from './shared';

export const NOTIFICATION_PREFERENCES = 'notification_preferences';

/** Keyed by the user id: one document per user (its own settings), absent until the user changes a default. */
export interface NotificationPreferencesDocument {
  _id: ObjectId;
  email_enabled?: boolean;
  /** Absent or null: the app default. */
  commit_mode?: CommitMode | null;
  updated_at: Date;
}

/** What a PATCH changes; fields left out keep their value. */
export interface PreferenceChanges {
  emailEnabled?: boolean;
  commitMode?: CommitMode | null;
}

function toPreferences(userId: string, doc: NotificationPreferencesDocument | null): NotificationPreferences {
  return { userId, emailEnabled: doc?.email_enabled ?? true, commitMode: doc?.commit_mode ?? null };
}

export const notificationPreferenceIndexSpecs: IndexSpec[] = [];

export class NotificationPreferencesRepository {
  private readonly collection: Collection<NotificationPreferencesDocument>;

  constructor(db: Db) {
    this.collection = db.collection<NotificationPreferencesDocument>(NOTIFICATION_PREFERENCES);
  }

  /** Email notifications are on unless the user turned them off; no commit mode unless one was chosen. */
  async get(userId: string, session?: ClientSession): Promise<NotificationPreferences> {
    return toPreferences(userId, await this.collection.findOne({ _id: toObjectId(userId) }, { session }));
  }

  async set(
    userId: string,
    changes: PreferenceChanges,
    session?: ClientSession,
  ): Promise<NotificationPreferences> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: toObjectId(userId) },
      {
        $set: {
          ...(changes.emailEnabled !== undefined && { email_enabled: changes.emailEnabled }),
          ...(changes.commitMode !== undefined && { commit_mode: changes.commitMode }),
          updated_at: new Date(),
        },
      },
      { session, upsert: true, returnDocument: 'after' },
    );
    return toPreferences(userId, doc);
  }
}
