import { MongoClient, MongoServerError } from 'mongodb';
import { useConformanceConnection } from './harness';

const connection = useConformanceConnection();

describe('connection and handshake', () => {
  it('answers ping and hello with a modern wire version and session support', async () => {
    const admin = connection.client.db('admin');
    expect(await admin.command({ ping: 1 })).toMatchObject({ ok: 1 });
    const hello = await admin.command({ hello: 1 });
    expect(hello.isWritablePrimary).toBe(true);
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(17);
    expect(hello.logicalSessionTimeoutMinutes).toBeGreaterThan(0);
    expect(hello.maxBsonObjectSize).toBe(16 * 1024 * 1024);
  });

  it('answers the legacy isMaster spelling', async () => {
    const reply = await connection.client.db('admin').command({ isMaster: 1 });
    expect(reply.ismaster).toBe(true);
  });

  it('reports a version through buildInfo', async () => {
    const info = await connection.client.db('admin').command({ buildInfo: 1 });
    expect(typeof info.version).toBe('string');
    expect(Array.isArray(info.versionArray)).toBe(true);
  });

  it('connects with the replicaSet named in hello', async () => {
    const hello = await connection.client.db('admin').command({ hello: 1 });
    const setName = hello.setName as string | undefined;
    expect(typeof setName).toBe('string');
    const url = new URL(connection.uri);
    url.searchParams.set('replicaSet', setName!);
    const client = new MongoClient(url.toString(), { serverSelectionTimeoutMS: 10_000 });
    try {
      await client.connect();
      const db = client.db(connection.db.databaseName);
      await db.collection('rs_probe').insertOne({ probe: true });
      expect(await db.collection('rs_probe').countDocuments({ probe: true })).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('rejects an unknown command with CommandNotFound (59)', async () => {
    const failure = await connection.db
      .command({ definitelyNotACommand: 1 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MongoServerError);
    expect((failure as MongoServerError).code).toBe(59);
    expect((failure as MongoServerError).codeName).toBe('CommandNotFound');
  });

  it('rejects a document larger than 16 MiB and keeps serving', async () => {
    const collection = connection.db.collection('limits');
    const huge = { blob: 'x'.repeat(16 * 1024 * 1024 + 1) };
    await expect(collection.insertOne(huge)).rejects.toThrow();
    await collection.insertOne({ small: true });
    expect(await collection.countDocuments({})).toBe(1);
  });

  it('lists databases with their names', async () => {
    await connection.db.collection('listed').insertOne({ a: 1 });
    const { databases } = await connection.client.db('admin').admin().listDatabases();
    expect(databases.map((database) => database.name)).toContain(connection.db.databaseName);
  });
});
