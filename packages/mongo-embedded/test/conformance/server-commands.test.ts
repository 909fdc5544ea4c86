import { MongoServerError } from 'mongodb';
import { useConformanceConnection } from './harness';

const connection = useConformanceConnection();

describe('findAndModify', () => {
  it('returns the document before or after an update, honouring sort and projection', async () => {
    const collection = connection.db.collection('fam_update');
    await collection.insertMany([
      { q: 1, n: 1 },
      { q: 1, n: 2 },
    ]);
    const before = await collection.findOneAndUpdate(
      { q: 1 },
      { $inc: { n: 10 } },
      { sort: { n: -1 }, projection: { _id: 0 } },
    );
    expect(before).toEqual({ q: 1, n: 2 });
    const after = await collection.findOneAndUpdate(
      { q: 1 },
      { $inc: { n: 10 } },
      { sort: { n: -1 }, returnDocument: 'after', projection: { _id: 0 } },
    );
    expect(after).toEqual({ q: 1, n: 22 });
  });

  it('upserts and reports the new document', async () => {
    const collection = connection.db.collection('fam_upsert');
    const result = await collection.findOneAndUpdate(
      { key: 'x' },
      { $set: { v: 1 } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(result.value).toMatchObject({ key: 'x', v: 1 });
    expect(result.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false });
    expect(result.lastErrorObject?.upserted).toBeDefined();
  });

  it('replaces and deletes a single document', async () => {
    const collection = connection.db.collection('fam_replace_delete');
    await collection.insertOne({ _id: 'a' as never, v: 1 });
    expect(
      await collection.findOneAndReplace({ _id: 'a' as never }, { v: 2 }, { returnDocument: 'after' }),
    ).toEqual({ _id: 'a', v: 2 });
    expect(await collection.findOneAndDelete({ _id: 'a' as never })).toEqual({ _id: 'a', v: 2 });
    expect(await collection.findOneAndDelete({ _id: 'a' as never })).toBeNull();
  });
});

describe('count, distinct and aggregate', () => {
  beforeAll(async () => {
    await connection.db.collection('stats').insertMany([
      { city: 'Oslo', n: 1 },
      { city: 'Oslo', n: 2 },
      { city: 'Rome', n: 3 },
      { city: 'Lima', n: 4 },
    ]);
  });

  it('counts with a filter and estimates the collection size', async () => {
    const collection = connection.db.collection('stats');
    expect(await collection.countDocuments({ city: 'Oslo' })).toBe(2);
    expect(await collection.estimatedDocumentCount()).toBe(4);
    expect((await connection.db.command({ count: 'stats', query: { n: { $gte: 2 } } })).n).toBe(3);
  });

  it('lists distinct values', async () => {
    const values = await connection.db.collection('stats').distinct('city', { n: { $lt: 4 } });
    expect([...values].sort()).toEqual(['Oslo', 'Rome']);
  });

  it('runs an aggregation through a cursor across several batches', async () => {
    const grouped = await connection.db
      .collection('stats')
      .aggregate(
        [
          { $match: { n: { $gte: 1 } } },
          { $group: { _id: '$city', total: { $sum: '$n' } } },
          { $sort: { _id: 1 } },
        ],
        { batchSize: 1 },
      )
      .toArray();
    expect(grouped).toEqual([
      { _id: 'Lima', total: 4 },
      { _id: 'Oslo', total: 3 },
      { _id: 'Rome', total: 3 },
    ]);
  });
});

describe('aggregate across collections', () => {
  it('joins another collection with $lookup', async () => {
    const { db } = connection;
    await db.collection('orders').insertMany([
      { _id: 1 as never, item: 'pen' },
      { _id: 2 as never, item: 'ink' },
    ]);
    await db.collection('stock').insertMany([
      { sku: 'pen', qty: 5 },
      { sku: 'ink', qty: 0 },
    ]);
    const joined = await db
      .collection('orders')
      .aggregate([
        { $lookup: { from: 'stock', localField: 'item', foreignField: 'sku', as: 'stock' } },
        { $project: { _id: 1, qty: { $first: '$stock.qty' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(joined).toEqual([
      { _id: 1, qty: 5 },
      { _id: 2, qty: 0 },
    ]);
  });
});

describe('collections and databases', () => {
  it('reports NamespaceNotFound when listing indexes of a missing collection', async () => {
    const failure = await connection.db
      .collection('never_created')
      .listIndexes()
      .toArray()
      .catch((error: unknown) => error);
    expect((failure as MongoServerError).code).toBe(26);
  });

  it('creates, lists, renames and drops collections', async () => {
    const { db } = connection;
    await db.createCollection('made');
    const failure = await db.createCollection('made').catch((error: unknown) => error);
    expect((failure as MongoServerError).code).toBe(48);
    await db.collection('made').insertOne({ a: 1 });
    expect((await db.listCollections({}, { nameOnly: true }).toArray()).map((entry) => entry.name)).toContain(
      'made',
    );
    await db.renameCollection('made', 'renamed');
    const names = (await db.listCollections().toArray()).map((entry) => entry.name);
    expect(names).toContain('renamed');
    expect(names).not.toContain('made');
    expect(await db.collection('renamed').countDocuments({})).toBe(1);
    expect(await db.dropCollection('renamed')).toBe(true);
    expect((await db.listCollections({ name: 'renamed' }).toArray()).length).toBe(0);
  });

  it('refuses to rename a missing collection or onto an existing one', async () => {
    const { db } = connection;
    const missing = await db.renameCollection('nothing_here', 'elsewhere').catch((error: unknown) => error);
    expect((missing as MongoServerError).code).toBe(26);
    await db.collection('first').insertOne({});
    await db.collection('second').insertOne({});
    const exists = await db.renameCollection('first', 'second').catch((error: unknown) => error);
    expect((exists as MongoServerError).code).toBe(48);
  });

  it('drops a whole database', async () => {
    const other = connection.client.db(`${connection.db.databaseName}_drop`);
    await other.collection('c').insertOne({ a: 1 });
    await other.dropDatabase();
    expect(await other.listCollections().toArray()).toEqual([]);
  });
});
