import { ObjectId, type Collection, type Db, type ClientSession } from 'mongodb';
import { ConflictError, type AppMembership, type Role } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { conflictOnDuplicate, parseObjectId, toObjectId } from './shared';

export const APP_MEMBERSHIPS = 'app_memberships';

export interface MembershipDocument {
  _id: ObjectId;
  app_id: ObjectId;
  user_id: ObjectId;
  role: Role;
  created_at: Date;
  updated_at: Date;
}

export const membershipIndexSpecs: IndexSpec[] = [
  {
    collection: APP_MEMBERSHIPS,
    key: { app_id: 1, user_id: 1 },
    options: { name: 'app_memberships_app_user_unique', unique: true },
  },
  { collection: APP_MEMBERSHIPS, key: { user_id: 1 }, options: { name: 'app_memberships_user' } },
];

function toMembership(doc: MembershipDocument): AppMembership {
  return {
    id: doc._id.toHexString(),
    appId: doc.app_id.toHexString(),
    userId: doc.user_id.toHexString(),
    role: doc.role,
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
  };
}

const LAST_ADMIN = 'The last app_admin of an app cannot be removed or demoted';

export class MembershipsRepository {
  private readonly collection: Collection<MembershipDocument>;

  constructor(db: Db) {
    this.collection = db.collection<MembershipDocument>(APP_MEMBERSHIPS);
  }

  async add(appId: string, userId: string, role: Role, session?: ClientSession): Promise<AppMembership> {
    const now = new Date();
    const doc: MembershipDocument = {
      _id: new ObjectId(),
      app_id: toObjectId(appId),
      user_id: toObjectId(userId),
      role,
      created_at: now,
      updated_at: now,
    };
    await conflictOnDuplicate('The user is already a member of this app', () =>
      this.collection.insertOne(doc, { session }),
    );
    return toMembership(doc);
  }

  async find(appId: string, userId: string, session?: ClientSession): Promise<AppMembership | null> {
    const app_id = parseObjectId(appId);
    const user_id = parseObjectId(userId);
    if (!app_id || !user_id) return null;
    const doc = await this.collection.findOne({ app_id, user_id }, { session });
    return doc ? toMembership(doc) : null;
  }

  async listForApp(appId: string, session?: ClientSession): Promise<AppMembership[]> {
    const app_id = parseObjectId(appId);
    if (!app_id) return [];
    const docs = await this.collection.find({ app_id }, { session }).sort({ created_at: 1 }).toArray();
    return docs.map(toMembership);
  }

  async listForUser(userId: string): Promise<AppMembership[]> {
    const user_id = parseObjectId(userId);
    if (!user_id) return [];
    return (await this.collection.find({ user_id }).toArray()).map(toMembership);
  }

  /**
   * Changes a role; refuses to demote the last app_admin. Run it inside a transaction so the
   * last-admin check and the write see one snapshot.
   */
  async changeRole(
    appId: string,
    userId: string,
    role: Role,
    session?: ClientSession,
  ): Promise<AppMembership | null> {
    const current = await this.find(appId, userId, session);
    if (!current) return null;
    if (current.role === 'app_admin' && role !== 'app_admin') await this.assertAnotherAdmin(current, session);
    const doc = await this.collection.findOneAndUpdate(
      { _id: toObjectId(current.id) },
      { $set: { role, updated_at: new Date() } },
      { session, returnDocument: 'after' },
    );
    return doc ? toMembership(doc) : null;
  }

  /** Removes a member; refuses to remove the last app_admin. Same transaction rule as `changeRole`. */
  async remove(appId: string, userId: string, session?: ClientSession): Promise<AppMembership | null> {
    const current = await this.find(appId, userId, session);
    if (!current) return null;
    if (current.role === 'app_admin') await this.assertAnotherAdmin(current, session);
    await this.collection.deleteOne({ _id: toObjectId(current.id) }, { session });
    return current;
  }

  private async assertAnotherAdmin(admin: AppMembership, session: ClientSession | undefined): Promise<void> {
    const app_id = toObjectId(admin.appId);
    // Touching every admin row of the app makes two concurrent demotions write-conflict in their
    // transactions, so they cannot both pass this check.
    await this.collection.updateMany(
      { app_id, role: 'app_admin' },
      { $set: { updated_at: new Date() } },
      { session },
    );
    const admins = await this.collection.countDocuments({ app_id, role: 'app_admin' }, { session });
    if (admins <= 1) throw new ConflictError(LAST_ADMIN);
  }
}
