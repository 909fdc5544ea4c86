import { ObjectId, type Collection, type Db, type ClientSession } from 'mongodb';
import type { ApiKey, Role } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { conflictOnDuplicate, parseObjectId, toObjectId } from './shared';

export const API_KEYS = 'api_keys';

export interface ApiKeyDocument {
  _id: ObjectId;
  app_id: ObjectId;
  name: string;
  role: Role;
  token_hash: string;
  display_prefix: string;
  created_by: ObjectId;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  /** When an `api_key.used` audit event was last written for this key (bounds their volume). */
  usage_audited_at?: Date | null;
}

export const apiKeyIndexSpecs: IndexSpec[] = [
  {
    collection: API_KEYS,
    key: { token_hash: 1 },
    options: { name: 'api_keys_token_hash_unique', unique: true },
  },
  {
    collection: API_KEYS,
    key: { app_id: 1, name: 1 },
    options: { name: 'api_keys_app_name_unique', unique: true },
  },
];

export interface NewApiKey {
  appId: string;
  name: string;
  role: Role;
  tokenHash: string;
  displayPrefix: string;
  createdBy: string;
  expiresAt: Date | null;
}

/** A key as authentication sees it: with when its use was last audited. */
export interface AuthenticatedApiKey extends ApiKey {
  usageAuditedAt: Date | null;
}

function toApiKey(doc: ApiKeyDocument): ApiKey {
  return {
    id: doc._id.toHexString(),
    appId: doc.app_id.toHexString(),
    name: doc.name,
    role: doc.role,
    displayPrefix: doc.display_prefix,
    createdBy: doc.created_by.toHexString(),
    createdAt: doc.created_at,
    expiresAt: doc.expires_at,
    lastUsedAt: doc.last_used_at,
  };
}

/** App-scoped service keys (SPEC §13); only the SHA-256 of a key is stored. Revoking deletes the key. */
export class ApiKeysRepository {
  private readonly collection: Collection<ApiKeyDocument>;

  constructor(db: Db) {
    this.collection = db.collection<ApiKeyDocument>(API_KEYS);
  }

  async create(input: NewApiKey, session?: ClientSession): Promise<ApiKey> {
    const doc: ApiKeyDocument = {
      _id: new ObjectId(),
      app_id: toObjectId(input.appId),
      name: input.name,
      role: input.role,
      token_hash: input.tokenHash,
      display_prefix: input.displayPrefix,
      created_by: toObjectId(input.createdBy),
      created_at: new Date(),
      expires_at: input.expiresAt,
      last_used_at: null,
    };
    await conflictOnDuplicate('An API key with this name already exists in this app', () =>
      this.collection.insertOne(doc, { session }),
    );
    return toApiKey(doc);
  }

  /**
   * The unexpired key with this hash, or null when unknown, revoked or expired. `last_used_at` is
   * stamped at most once per `stampIntervalMs` (a conditional update, so concurrent requests write
   * once), keeping the hot path of key authentication a single read most of the time.
   */
  async authenticate(
    tokenHash: string,
    now = new Date(),
    stampIntervalMs = 60_000,
  ): Promise<AuthenticatedApiKey | null> {
    const doc = await this.collection.findOne({
      token_hash: tokenHash,
      $or: [{ expires_at: null }, { expires_at: { $gt: now } }],
    });
    if (!doc) return null;
    const staleBefore = new Date(now.getTime() - stampIntervalMs);
    if (doc.last_used_at === null || doc.last_used_at <= staleBefore) {
      const stamped = await this.collection.updateOne(
        { _id: doc._id, $or: [{ last_used_at: null }, { last_used_at: { $lte: staleBefore } }] },
        { $set: { last_used_at: now } },
      );
      if (stamped.modifiedCount === 1) doc.last_used_at = now;
    }
    return { ...toApiKey(doc), usageAuditedAt: doc.usage_audited_at ?? null };
  }

  /**
   * Claims the right to write the key's next `api_key.used` audit event: true for exactly one caller
   * per `intervalMs` (conditional update; run it in the transaction that records the event).
   */
  async claimUsageAudit(
    keyId: string,
    now: Date,
    intervalMs: number,
    session?: ClientSession,
  ): Promise<boolean> {
    const _id = parseObjectId(keyId);
    if (!_id) return false;
    const staleBefore = new Date(now.getTime() - intervalMs);
    const claimed = await this.collection.updateOne(
      {
        _id,
        $or: [
          { usage_audited_at: { $exists: false } },
          { usage_audited_at: null },
          { usage_audited_at: { $lte: staleBefore } },
        ],
      },
      { $set: { usage_audited_at: now } },
      { session },
    );
    return claimed.modifiedCount === 1;
  }

  async listForApp(appId: string): Promise<ApiKey[]> {
    const app_id = parseObjectId(appId);
    if (!app_id) return [];
    return (await this.collection.find({ app_id }).sort({ created_at: 1 }).toArray()).map(toApiKey);
  }

  async revoke(appId: string, keyId: string, session?: ClientSession): Promise<ApiKey | null> {
    const app_id = parseObjectId(appId);
    const _id = parseObjectId(keyId);
    if (!app_id || !_id) return null;
    const doc = await this.collection.findOneAndDelete({ _id, app_id }, { session });
    return doc ? toApiKey(doc) : null;
  }
}
