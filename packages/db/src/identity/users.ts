import { ObjectId, type Collection, type Db, type ClientSession } from 'mongodb';
import { normalizeEmail, type User } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { conflictOnDuplicate, parseObjectId } from './shared';

export const USERS = 'users';

export interface UserDocument {
  _id: ObjectId;
  email: string;
  name: string;
  password_hash: string;
  is_platform_admin: boolean;
  created_at: Date;
  updated_at: Date;
}

export const userIndexSpecs: IndexSpec[] = [
  { collection: USERS, key: { email: 1 }, options: { name: 'users_email_unique', unique: true } },
];

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  isPlatformAdmin?: boolean;
}

export interface UserChanges {
  name?: string;
  passwordHash?: string;
  isPlatformAdmin?: boolean;
}

function toUser(doc: UserDocument): User {
  return {
    id: doc._id.toHexString(),
    email: doc.email,
    name: doc.name,
    passwordHash: doc.password_hash,
    isPlatformAdmin: doc.is_platform_admin,
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
  };
}

export class UsersRepository {
  private readonly collection: Collection<UserDocument>;

  constructor(db: Db) {
    this.collection = db.collection<UserDocument>(USERS);
  }

  /** 409 when the (lowercased) email is taken — decided by the unique index, not a prior read. */
  async create(input: NewUser, session?: ClientSession): Promise<User> {
    const now = new Date();
    const doc: UserDocument = {
      _id: new ObjectId(),
      email: normalizeEmail(input.email),
      name: input.name,
      password_hash: input.passwordHash,
      is_platform_admin: input.isPlatformAdmin ?? false,
      created_at: now,
      updated_at: now,
    };
    await conflictOnDuplicate('A user with this email already exists', () =>
      this.collection.insertOne(doc, { session }),
    );
    return toUser(doc);
  }

  async findById(id: string, session?: ClientSession): Promise<User | null> {
    const _id = parseObjectId(id);
    if (!_id) return null;
    const doc = await this.collection.findOne({ _id }, { session });
    return doc ? toUser(doc) : null;
  }

  async findByEmail(email: string, session?: ClientSession): Promise<User | null> {
    const doc = await this.collection.findOne({ email: normalizeEmail(email) }, { session });
    return doc ? toUser(doc) : null;
  }

  async findManyByIds(ids: readonly string[], session?: ClientSession): Promise<User[]> {
    const objectIds = ids.map(parseObjectId).filter((id): id is ObjectId => id !== null);
    const docs = await this.collection.find({ _id: { $in: objectIds } }, { session }).toArray();
    return docs.map(toUser);
  }

  async setPassword(id: string, passwordHash: string, session?: ClientSession): Promise<User | null> {
    return this.update(id, { passwordHash }, session);
  }

  /** Used by bootstrap-admin to reset an existing account. */
  async update(id: string, changes: UserChanges, session?: ClientSession): Promise<User | null> {
    const _id = parseObjectId(id);
    if (!_id) return null;
    const fields: Partial<UserDocument> = { updated_at: new Date() };
    if (changes.name !== undefined) fields.name = changes.name;
    if (changes.passwordHash !== undefined) fields.password_hash = changes.passwordHash;
    if (changes.isPlatformAdmin !== undefined) fields.is_platform_admin = changes.isPlatformAdmin;
    const doc = await this.collection.findOneAndUpdate(
      { _id },
      { $set: fields },
      { session, returnDocument: 'after' },
    );
    return doc ? toUser(doc) : null;
  }
}
