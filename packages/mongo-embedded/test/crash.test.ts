import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { buildEngine, startEngineProcess, type EngineProcess } from './support/engine-process';

jest.setTimeout(120_000);

let dbPath: string;

beforeAll(async () => {
  await buildEngine();
});

beforeEach(() => {
  dbPath = mkdtempSync(join(tmpdir(), 'conman-mongod-crash-'));
});

afterEach(() => {
  rmSync(dbPath, { recursive: true, force: true });
});

async function withClient<T>(engine: EngineProcess, use: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(engine.uri, { serverSelectionTimeoutMS: 5_000, retryWrites: false });
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.close(true).catch(() => undefined);
  }
}

async function kill(engine: EngineProcess): Promise<void> {
  engine.child.kill('SIGKILL');
  await engine.exited;
}

describe('durability across kill -9', () => {
  it('keeps every acknowledged write when the process is killed mid-stream', async () => {
    const engine = await startEngineProcess(dbPath);
    const acknowledged = new Set<string>();
    let stop = false;
    await withClient(engine, async (client) => {
      const collection = client.db('crash').collection('docs');
      await collection.createIndex({ seq: 1 }, { unique: true });
      const writer = async (lane: number): Promise<void> => {
        for (let i = 0; !stop; i += 1) {
          const _id = `${lane}-${i}`;
          try {
            await collection.insertOne({
              _id: _id as never,
              seq: lane * 1_000_000 + i,
              payload: 'p'.repeat(100),
            });
          } catch {
            return;
          }
          acknowledged.add(_id);
          if (acknowledged.size >= 400) {
            stop = true;
            // Kill while the other lanes still have writes in flight.
            void kill(engine);
          }
        }
      };
      await Promise.all([0, 1, 2, 3].map(writer));
    });
    await engine.exited;

    const restarted = await startEngineProcess(dbPath);
    try {
      await withClient(restarted, async (client) => {
        const collection = client.db('crash').collection('docs');
        const stored = await collection.find({}).toArray();
        const ids = new Set(stored.map((doc) => String(doc._id)));
        for (const id of acknowledged) expect(ids.has(id)).toBe(true);
        for (const doc of stored) expect(doc.payload).toBe('p'.repeat(100));
        const indexes = (await collection.listIndexes().toArray()).map((index) => index.name);
        expect(indexes).toContain('seq_1');
        await collection.insertOne({ _id: 'after-restart' as never, seq: -1 });
      });
    } finally {
      await kill(restarted);
    }
  });

  it('recovers from a torn journal tail by dropping only the torn record', async () => {
    const engine = await startEngineProcess(dbPath);
    await withClient(engine, async (client) => {
      const collection = client.db('torn').collection('docs');
      for (let i = 0; i < 20; i += 1) await collection.insertOne({ _id: i as never });
    });
    await kill(engine);
    const journal = readdirSync(dbPath).find((name) => name.startsWith('journal-'))!;
    const journalPath = join(dbPath, journal);
    truncateSync(journalPath, statSync(journalPath).size - 3);

    const restarted = await startEngineProcess(dbPath);
    try {
      await withClient(restarted, async (client) => {
        const collection = client.db('torn').collection('docs');
        const ids = (await collection.find({}).sort({ _id: 1 }).toArray()).map((doc) => doc._id);
        expect(ids).toEqual(Array.from({ length: 19 }, (_, i) => i));
        await collection.insertOne({ _id: 19 as never });
      });
    } finally {
      await kill(restarted);
    }
    const again = await startEngineProcess(dbPath);
    try {
      await withClient(again, async (client) => {
        expect(await client.db('torn').collection('docs').countDocuments({})).toBe(20);
      });
    } finally {
      await kill(again);
    }
  });
});
