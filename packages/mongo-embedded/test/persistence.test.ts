import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Long, MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../src/index';

let dbPath: string;

beforeEach(() => {
  dbPath = mkdtempSync(join(tmpdir(), 'conman-mongod-persist-'));
});

afterEach(() => {
  rmSync(dbPath, { recursive: true, force: true });
});

async function withEngine<T>(use: (client: MongoClient) => Promise<T>): Promise<T> {
  const engine = await startEmbeddedMongo({ dbPath });
  const client = new MongoClient(engine.uri);
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.close();
    await engine.stop();
  }
}

describe('persistence across clean restarts', () => {
  it('restores documents, numeric types, catalog changes and indexes from the snapshot', async () => {
    await withEngine(async (client) => {
      const db = client.db('persist');
      const kept = db.collection<{ _id: number; big?: Long }>('kept');
      await kept.insertMany([{ _id: 1, big: Long.fromString('9007199254740993') }, { _id: 2 }]);
      await kept.createIndex({ email: 1 }, { unique: true, sparse: true });
      await kept.deleteOne({ _id: 2 });
      await db.collection('old_name').insertOne({ moved: true });
      await client.db('admin').command({ renameCollection: 'persist.old_name', to: 'persist.new_name' });
      await db.collection('dropped').insertOne({});
      await db.collection('dropped').drop();
    });
    expect(readdirSync(dbPath)).toContain('snapshot.bson');

    await withEngine(async (client) => {
      const db = client.db('persist');
      const kept = await db.collection('kept').find({}, { promoteLongs: false }).toArray();
      expect(kept).toHaveLength(1);
      expect((kept[0]!.big as Long).toString()).toBe('9007199254740993');
      const indexes = await db.collection('kept').listIndexes().toArray();
      expect(indexes.find((index) => index.name === 'email_1')).toMatchObject({ unique: true, sparse: true });
      const names = (await db.listCollections().toArray()).map((entry) => entry.name).sort();
      expect(names).toEqual(['kept', 'new_name']);
    });
  });

  it('refuses a second engine on a dbPath that is in use', async () => {
    const first = await startEmbeddedMongo({ dbPath });
    try {
      await expect(startEmbeddedMongo({ dbPath })).rejects.toThrow(/in use/);
    } finally {
      await first.stop();
    }
    const again = await startEmbeddedMongo({ dbPath });
    await again.stop();
  });
});
