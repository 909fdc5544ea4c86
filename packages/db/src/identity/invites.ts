import { ObjectId, type Collection, type Db, type ClientSession } from 'mongodb';
import { normalizeEmail, type Invite, type Role } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { conflictOnDuplicate, parseObjectId, toObjectId } from './shared';

export const INVITES = 'invites';

export interface InviteDocument {
  _id: ObjectId;
  app_id: ObjectId;
  email: string;
  role: Role;
  token_hash: string;
  invited_by: ObjectId;
  expires_at: Date;
  created_at: Date;
}

export const inviteIndexSpecs: IndexSpec[] = [
  {
    collection: INVITES,
    key: { token_hash: 1 },
    options: { name: 'invites_token_hash_unique', unique: true },
  },
  {
    collection: INVITES,
    key: { app_id: 1, email: 1 },
    options: { name: 'invites_app_email_unique', unique: true },
  },
  {
    collection: INVITES,
    key: { expires_at: 1 },
    options: { name: 'invites_expiry_ttl', expireAfterSeconds: 0 },
  },
];

export interface NewInvite {
  appId: string;
  email: string;
  role: Role;
  tokenHash: string;
  invitedBy: string;
  expiresAt: Date;
}

function toInvite(doc: InviteDocument): Invite {
  return {
    id: doc._id.toHexString(),
    appId: doc.app_id.toHexString(),
    email: doc.email,
    role: doc.role,
    invitedBy: doc.invited_by.toHexString(),
    expiresAt: doc.expires_at,
    createdAt: doc.created_at,
  };
}

/** Pending invites. Accepting consumes (deletes) one atomically, so a token works once. */
export class InvitesRepository {
  private readonly collection: Collection<InviteDocument>;

  constructor(db: Db) {
    this.collection = db.collection<InviteDocument>(INVITES);
  }

  /** 409 when the email already has a pending invite to this app. */
  async create(input: NewInvite, session?: ClientSession): Promise<Invite> {
    const doc: InviteDocument = {
      _id: new ObjectId(),
      app_id: toObjectId(input.appId),
      email: normalizeEmail(input.email),
      role: input.role,
      token_hash: input.tokenHash,
      invited_by: toObjectId(input.invitedBy),
      expires_at: input.expiresAt,
      created_at: new Date(),
    };
    await conflictOnDuplicate('This email already has a pending invite to this app', () =>
      this.collection.insertOne(doc, { session }),
    );
    return toInvite(doc);
  }

  /** Scoped to the app: an invite of another app is "not found". */
  async findInApp(appId: string, inviteId: string, session?: ClientSession): Promise<Invite | null> {
    const app_id = parseObjectId(appId);
    const _id = parseObjectId(inviteId);
    if (!app_id || !_id) return null;
    const doc = await this.collection.findOne({ _id, app_id }, { session });
    return doc ? toInvite(doc) : null;
  }

  async listForApp(appId: string, now = new Date()): Promise<Invite[]> {
    const app_id = parseObjectId(appId);
    if (!app_id) return [];
    const docs = await this.collection
      .find({ app_id, expires_at: { $gt: now } })
      .sort({ created_at: 1 })
      .toArray();
    return docs.map(toInvite);
  }

  /** Resend: a new token hash and expiry replace the old ones, so the old token stops working. */
  async replaceToken(
    appId: string,
    inviteId: string,
    tokenHash: string,
    expiresAt: Date,
    session?: ClientSession,
  ): Promise<Invite | null> {
    const app_id = parseObjectId(appId);
    const _id = parseObjectId(inviteId);
    if (!app_id || !_id) return null;
    const doc = await this.collection.findOneAndUpdate(
      { _id, app_id },
      { $set: { token_hash: tokenHash, expires_at: expiresAt } },
      { session, returnDocument: 'after' },
    );
    return doc ? toInvite(doc) : null;
  }

  async revoke(appId: string, inviteId: string, session?: ClientSession): Promise<Invite | null> {
    const app_id = parseObjectId(appId);
    const _id = parseObjectId(inviteId);
    if (!app_id || !_id) return null;
    const doc = await this.collection.findOneAndDelete({ _id, app_id }, { session });
    return doc ? toInvite(doc) : null;
  }

  /** Takes the unexpired invite with this token hash out of the collection; null when none. */
  async consume(tokenHash: string, session?: ClientSession, now = new Date()): Promise<Invite | null> {
    const doc = await this.collection.findOneAndDelete(
      { token_hash: tokenHash, expires_at: { $gt: now } },
      { session },
    );
    return doc ? toInvite(doc) : null;
  }
}
