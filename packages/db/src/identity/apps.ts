import { ObjectId, type Collection, type Db, type ClientSession } from 'mongodb';
import { DEFAULT_APP_SETTINGS, type App, type AppSettings } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { conflictOnDuplicate, parseObjectId } from './shared';

export const APPS = 'apps';

export interface AppDocument {
  _id: ObjectId;
  name: string;
  repo_path: string;
  integration_branch: string;
  settings: AppSettings;
  created_at: Date;
  updated_at: Date;
}

export const appIndexSpecs: IndexSpec[] = [
  { collection: APPS, key: { name: 1 }, options: { name: 'apps_name_unique', unique: true } },
  { collection: APPS, key: { repo_path: 1 }, options: { name: 'apps_repo_path_unique', unique: true } },
];

export interface NewApp {
  name: string;
  repoPath: string;
  integrationBranch: string;
  settings?: Partial<AppSettings>;
}

function toApp(doc: AppDocument): App {
  return {
    id: doc._id.toHexString(),
    name: doc.name,
    repoPath: doc.repo_path,
    integrationBranch: doc.integration_branch,
    settings: { ...DEFAULT_APP_SETTINGS, ...doc.settings },
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
  };
}

export class AppsRepository {
  private readonly collection: Collection<AppDocument>;

  constructor(db: Db) {
    this.collection = db.collection<AppDocument>(APPS);
  }

  /** 409 on a duplicate name or repo_path (unique indexes). */
  async create(input: NewApp, session?: ClientSession): Promise<App> {
    const now = new Date();
    const doc: AppDocument = {
      _id: new ObjectId(),
      name: input.name,
      repo_path: input.repoPath,
      integration_branch: input.integrationBranch,
      settings: { ...DEFAULT_APP_SETTINGS, ...input.settings },
      created_at: now,
      updated_at: now,
    };
    await conflictOnDuplicate('An app with this name or repo_path already exists', () =>
      this.collection.insertOne(doc, { session }),
    );
    return toApp(doc);
  }

  async findById(id: string, session?: ClientSession): Promise<App | null> {
    const _id = parseObjectId(id);
    if (!_id) return null;
    const doc = await this.collection.findOne({ _id }, { session });
    return doc ? toApp(doc) : null;
  }

  /** All apps (platform admins) or those with the given ids (members), by name. */
  async list(ids?: readonly string[]): Promise<App[]> {
    const filter = ids
      ? { _id: { $in: ids.map(parseObjectId).filter((id): id is ObjectId => id !== null) } }
      : {};
    const docs = await this.collection.find(filter).sort({ name: 1 }).toArray();
    return docs.map(toApp);
  }

  async updateSettings(id: string, settings: AppSettings, session?: ClientSession): Promise<App | null> {
    const _id = parseObjectId(id);
    if (!_id) return null;
    const doc = await this.collection.findOneAndUpdate(
      { _id },
      { $set: { settings, updated_at: new Date() } },
      { session, returnDocument: 'after' },
    );
    return doc ? toApp(doc) : null;
  }
}
