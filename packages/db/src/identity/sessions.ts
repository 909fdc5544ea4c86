import { ObjectId, type Collection, type Db, type ClientSession } from 'mongodb';
import type { Session } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { parseObjectId, toObjectId } from './shared';

export const SESSIONS = 'sessions';

export interface SessionDocument {
  _id: ObjectId;
  user_id: ObjectId;
  created_at: Date;
  expires_at: Date;
  client_ip?: string;
  user_agent?: string;
}

export const sessionIndexSpecs: IndexSpec[] = [
  { collection: SESSIONS, key: { user_id: 1 }, options: { name: 'sessions_user' } },
  // TTL cleanup only; lookups also compare expires_at because the sweeper runs periodically.
  {
    collection: SESSIONS,
    key: { expires_at: 1 },
    options: { name: 'sessions_expiry_ttl', expireAfterSeconds: 0 },
  },
];

export interface NewSession {
  userId: string;
  expiresAt: Date;
  clientIp?: string;
  userAgent?: string;
}

function toSession(doc: SessionDocument): Session {
  return {
    id: doc._id.toHexString(),
    userId: doc.user_id.toHexString(),
    createdAt: doc.created_at,
    expiresAt: doc.expires_at,
    ...(doc.client_ip !== undefined && { clientIp: doc.client_ip }),
    ...(doc.user_agent !== undefined && { userAgent: doc.user_agent }),
  };
}

/** Sessions are revoked by deleting them; a token whose session is gone is 401. */
export class SessionsRepository {
  private readonly collection: Collection<SessionDocument>;

  constructor(db: Db) {
    this.collection = db.collection<SessionDocument>(SESSIONS);
  }

  async create(input: NewSession, session?: ClientSession): Promise<Session> {
    const doc: SessionDocument = {
      _id: new ObjectId(),
      user_id: toObjectId(input.userId),
      created_at: new Date(),
      expires_at: input.expiresAt,
      ...(input.clientIp !== undefined && { client_ip: input.clientIp }),
      ...(input.userAgent !== undefined && { user_agent: input.userAgent }),
    };
    await this.collection.insertOne(doc, { session });
    return toSession(doc);
  }

  /** The live session with this id belonging to this user, or null (unknown, revoked, expired, other user). */
  async findActive(id: string, userId: string, now = new Date()): Promise<Session | null> {
    const _id = parseObjectId(id);
    const user_id = parseObjectId(userId);
    if (!_id || !user_id) return null;
    const doc = await this.collection.findOne({ _id, user_id, expires_at: { $gt: now } });
    return doc ? toSession(doc) : null;
  }

  async revoke(id: string, session?: ClientSession): Promise<boolean> {
    const _id = parseObjectId(id);
    if (!_id) return false;
    const result = await this.collection.deleteOne({ _id }, { session });
    return result.deletedCount === 1;
  }

  async revokeAllForUser(userId: string, session?: ClientSession): Promise<number> {
    const result = await this.collection.deleteMany({ user_id: toObjectId(userId) }, { session });
    return result.deletedCount;
  }
}
