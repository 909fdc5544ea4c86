import { ObjectId, type ClientSession, type Collection, type Db } from 'mongodb';
import { ValidationError, type Environment } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { conflictOnDuplicate, parseObjectId, toObjectId } from './shared';

export const ENVIRONMENTS = 'environments';

export interface EnvironmentDocument {
  _id: ObjectId;
  app_id: ObjectId;
  name: string;
  position: number;
  is_canonical: boolean;
  runtime_profile_id: ObjectId | null;
  created_at: Date;
  updated_at: Date;
}

export const environmentIndexSpecs: IndexSpec[] = [
  {
    collection: ENVIRONMENTS,
    key: { app_id: 1, name: 1 },
    options: { name: 'environments_app_name_unique', unique: true },
  },
  {
    collection: ENVIRONMENTS,
    key: { app_id: 1, position: 1 },
    options: { name: 'environments_app_position_unique', unique: true },
  },
  {
    collection: ENVIRONMENTS,
    key: { app_id: 1 },
    options: {
      name: 'environments_one_canonical_per_app',
      unique: true,
      partialFilterExpression: { is_canonical: true },
    },
  },
];

/** One environment of the desired set; without `id` it is new. */
export interface EnvironmentInput {
  id?: string;
  name: string;
  position: number;
  isCanonical: boolean;
  runtimeProfileId: string | null;
}

function toEnvironment(doc: EnvironmentDocument): Environment {
  return {
    id: doc._id.toHexString(),
    appId: doc.app_id.toHexString(),
    name: doc.name,
    position: doc.position,
    isCanonical: doc.is_canonical,
    runtimeProfileId: doc.runtime_profile_id?.toHexString() ?? null,
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
  };
}

export class EnvironmentsRepository {
  private readonly collection: Collection<EnvironmentDocument>;

  constructor(db: Db) {
    this.collection = db.collection<EnvironmentDocument>(ENVIRONMENTS);
  }

  async listForApp(appId: string, session?: ClientSession): Promise<Environment[]> {
    const app_id = parseObjectId(appId);
    if (!app_id) return [];
    return (await this.collection.find({ app_id }, { session }).sort({ position: 1 }).toArray()).map(
      toEnvironment,
    );
  }

  /**
   * Marks `environmentId` as the app's canonical environment and every other one as not canonical
   * (`null`: none). False when the environment is not one of this app's. Run in the caller's transaction.
   */
  async setCanonical(appId: string, environmentId: string | null, session: ClientSession): Promise<boolean> {
    const app_id = toObjectId(appId);
    const target = environmentId === null ? null : parseObjectId(environmentId);
    if (environmentId !== null && target === null) return false;
    if (target !== null && !(await this.collection.findOne({ _id: target, app_id }, { session })))
      return false;
    const now = new Date();
    // Unmark first: the partial unique index allows one canonical environment per app at any moment.
    await this.collection.updateMany(
      { app_id, is_canonical: true, ...(target ? { _id: { $ne: target } } : {}) },
      { $set: { is_canonical: false, updated_at: now } },
      { session },
    );
    if (target) {
      await this.collection.updateOne(
        { _id: target, app_id, is_canonical: false },
        { $set: { is_canonical: true, updated_at: now } },
        { session },
      );
    }
    return true;
  }

  /**
   * Makes the app's environments equal to `desired`: listed ids are updated in place, entries without
   * an id are added, the rest are deleted (the caller checks beforehand that they are unused). Runs in
   * the caller's transaction. Unique names, positions and the single canonical environment are
   * enforced by indexes (409).
   */
  async replaceSet(
    appId: string,
    desired: readonly EnvironmentInput[],
    session: ClientSession,
  ): Promise<Environment[]> {
    const app_id = toObjectId(appId);
    const current = await this.collection.find({ app_id }, { session }).toArray();
    const currentIds = new Set(current.map((doc) => doc._id.toHexString()));
    const unknown = desired.filter((env) => env.id !== undefined && !currentIds.has(env.id));
    if (unknown.length > 0) {
      throw new ValidationError('Unknown environment id', { environment_ids: unknown.map((env) => env.id) });
    }
    const keptIds = desired.flatMap((env) => (env.id === undefined ? [] : [toObjectId(env.id)]));
    await this.collection.deleteMany({ app_id, _id: { $nin: keptIds } }, { session });
    // Unique indexes are checked per write, so swapping names or positions between two environments
    // needs a first pass that moves every kept one out of the way.
    for (const [index, id] of keptIds.entries()) {
      await this.collection.updateOne(
        { _id: id },
        { $set: { name: `\u0000moving:${id.toHexString()}`, position: -1 - index, is_canonical: false } },
        { session },
      );
    }
    const now = new Date();
    await conflictOnDuplicate(
      'Environment names and positions must be unique, with at most one canonical',
      async () => {
        for (const env of desired) {
          const fields = {
            name: env.name,
            position: env.position,
            is_canonical: env.isCanonical,
            runtime_profile_id: env.runtimeProfileId === null ? null : toObjectId(env.runtimeProfileId),
            updated_at: now,
          };
          if (env.id === undefined) {
            await this.collection.insertOne(
              { _id: new ObjectId(), app_id, ...fields, created_at: now },
              { session },
            );
          } else {
            await this.collection.updateOne({ _id: toObjectId(env.id) }, { $set: fields }, { session });
          }
        }
      },
    );
    return this.listForApp(appId, session);
  }
}
