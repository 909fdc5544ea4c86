import { ObjectId, type Collection, type Db } from 'mongodb';
import type { ApiKey, Role } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { conflictOnDuplicate, parseObjectId, toObjectId, type InSession } from './shared';

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

  async create(input: NewApiKey, { session }: InSession = {}): Promise<ApiKey> {
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

  /** The unexpired key with this hash, stamping its use; null when unknown, revoked or expired. */
  async authenticate(tokenHash: string, now = new Date()): Promise<ApiKey | null> {
    const doc = await this.collection.findOneAndUpdate(
      { token_hash: tokenHash, $or: [{ expires_at: null }, { expires_at: { $gt: now } }] },
      { $set: { last_used_at: now } },
      { returnDocument: 'after' },
    );
    return doc ? toApiKey(doc) : null;
  }

  async listForApp(appId: string): Promise<ApiKey[]> {
    const app_id = parseObjectId(appId);
    if (!app_id) return [];
    return (await this.collection.find({ app_id }).sort({ created_at: 1 }).toArray()).map(toApiKey);
  }

  async revoke(appId: string, keyId: string, { session }: InSession = {}): Promise<ApiKey | null> {
    const app_id = parseObjectId(appId);
    const _id = parseObjectId(keyId);
    if (!app_id || !_id) return null;
    const doc = await this.collection.findOneAndDelete({ _id, app_id }, { session });
    return doc ? toApiKey(doc) : null;
  }
}
