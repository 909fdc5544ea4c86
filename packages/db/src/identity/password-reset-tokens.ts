import { ObjectId, type Collection, type Db, type ClientSession } from 'mongodb';
import type { PasswordResetToken } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { toObjectId } from './shared';

export const PASSWORD_RESET_TOKENS = 'password_reset_tokens';

export interface PasswordResetTokenDocument {
  _id: ObjectId;
  user_id: ObjectId;
  token_hash: string;
  expires_at: Date;
  created_at: Date;
}

export const passwordResetTokenIndexSpecs: IndexSpec[] = [
  {
    collection: PASSWORD_RESET_TOKENS,
    key: { token_hash: 1 },
    options: { name: 'password_reset_tokens_hash_unique', unique: true },
  },
  { collection: PASSWORD_RESET_TOKENS, key: { user_id: 1 }, options: { name: 'password_reset_tokens_user' } },
  {
    collection: PASSWORD_RESET_TOKENS,
    key: { expires_at: 1 },
    options: { name: 'password_reset_tokens_expiry_ttl', expireAfterSeconds: 0 },
  },
];

function toToken(doc: PasswordResetTokenDocument): PasswordResetToken {
  return {
    id: doc._id.toHexString(),
    userId: doc.user_id.toHexString(),
    expiresAt: doc.expires_at,
    createdAt: doc.created_at,
  };
}

export class PasswordResetTokensRepository {
  private readonly collection: Collection<PasswordResetTokenDocument>;

  constructor(db: Db) {
    this.collection = db.collection<PasswordResetTokenDocument>(PASSWORD_RESET_TOKENS);
  }

  async create(
    userId: string,
    tokenHash: string,
    expiresAt: Date,
    session?: ClientSession,
  ): Promise<PasswordResetToken> {
    const doc: PasswordResetTokenDocument = {
      _id: new ObjectId(),
      user_id: toObjectId(userId),
      token_hash: tokenHash,
      expires_at: expiresAt,
      created_at: new Date(),
    };
    await this.collection.insertOne(doc, { session });
    return toToken(doc);
  }

  /** Single use: removes the unexpired token and returns it, or null. */
  async consume(
    tokenHash: string,
    session?: ClientSession,
    now = new Date(),
  ): Promise<PasswordResetToken | null> {
    const doc = await this.collection.findOneAndDelete(
      { token_hash: tokenHash, expires_at: { $gt: now } },
      { session },
    );
    return doc ? toToken(doc) : null;
  }

  /** After a successful reset every other outstanding token of the user dies too. */
  async deleteAllForUser(userId: string, session?: ClientSession): Promise<number> {
    return (await this.collection.deleteMany({ user_id: toObjectId(userId) }, { session })).deletedCount;
  }
}
