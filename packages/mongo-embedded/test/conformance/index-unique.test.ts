import { MongoServerError } from 'mongodb';
import { useConformanceConnection } from './harness';

const connection = useConformanceConnection();

async function failureOf(promise: Promise<unknown>): Promise<MongoServerError> {
  const failure = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(MongoServerError);
  return failure as MongoServerError;
}

describe('unique indexes', () => {
  it('rejects a duplicate with E11000, the index name, keyPattern and keyValue', async () => {
    const collection = connection.db.collection('users');
    await collection.createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
    await collection.insertOne({ email: 'a@example.com' });
    const failure = await failureOf(collection.insertOne({ email: 'a@example.com' }));
    expect(failure.code).toBe(11000);
    expect(failure.message).toContain(
      `E11000 duplicate key error collection: ${connection.db.databaseName}.users index: email_unique dup key: { email: "a@example.com" }`,
    );
    expect(failure.keyPattern).toEqual({ email: 1 });
    expect(failure.keyValue).toEqual({ email: 'a@example.com' });
  });

  it('rejects an update that creates a duplicate', async () => {
    const collection = connection.db.collection('users_update');
    await collection.createIndex({ handle: 1 }, { unique: true });
    await collection.insertMany([{ handle: 'x' }, { handle: 'y' }]);
    const failure = await failureOf(collection.updateOne({ handle: 'y' }, { $set: { handle: 'x' } }));
    expect(failure.code).toBe(11000);
    expect(await collection.countDocuments({ handle: 'y' })).toBe(1);
  });

  it('enforces compound uniqueness on the combination only', async () => {
    const collection = connection.db.collection('compound');
    await collection.createIndex({ tenant: 1, key: 1 }, { unique: true });
    await collection.insertMany([
      { tenant: 't1', key: 'k' },
      { tenant: 't2', key: 'k' },
    ]);
    const failure = await failureOf(collection.insertOne({ tenant: 't1', key: 'k' }));
    expect(failure.code).toBe(11000);
    expect(failure.keyValue).toEqual({ tenant: 't1', key: 'k' });
  });

  it('treats missing fields as null unless the index is sparse', async () => {
    const dense = connection.db.collection('dense');
    await dense.createIndex({ code: 1 }, { unique: true });
    await dense.insertOne({ other: 1 });
    expect((await failureOf(dense.insertOne({ other: 2 }))).code).toBe(11000);

    const sparse = connection.db.collection('sparse');
    await sparse.createIndex({ code: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ other: 1 }, { other: 2 }]);
    await sparse.insertOne({ code: 'c' });
    expect((await failureOf(sparse.insertOne({ code: 'c' }))).code).toBe(11000);
  });

  it('enforces a partial unique index only on documents matching its filter', async () => {
    const collection = connection.db.collection('partial');
    await collection.createIndex({ slug: 1 }, { unique: true, partialFilterExpression: { deleted: false } });
    await collection.insertMany([
      { slug: 's', deleted: true },
      { slug: 's', deleted: true },
      { slug: 's', deleted: false },
    ]);
    expect((await failureOf(collection.insertOne({ slug: 's', deleted: false }))).code).toBe(11000);
    expect(await collection.countDocuments({ slug: 's' })).toBe(3);
  });

  it('fails to create a unique index over existing duplicates', async () => {
    const collection = connection.db.collection('has_dups');
    await collection.insertMany([{ v: 1 }, { v: 1 }]);
    expect((await failureOf(collection.createIndex({ v: 1 }, { unique: true }))).code).toBe(11000);
    const names = (await collection.listIndexes().toArray()).map((index) => index.name);
    expect(names).toEqual(['_id_']);
  });
});

describe('index management', () => {
  it('lists, reuses and drops indexes', async () => {
    const collection = connection.db.collection('managed');
    expect(await collection.createIndex({ a: 1, b: -1 })).toBe('a_1_b_-1');
    expect(await collection.createIndex({ a: 1, b: -1 })).toBe('a_1_b_-1');
    const listed = await collection.listIndexes().toArray();
    expect(listed.map((index) => [index.name, index.key])).toEqual([
      ['_id_', { _id: 1 }],
      ['a_1_b_-1', { a: 1, b: -1 }],
    ]);
    const conflict = await failureOf(collection.createIndex({ a: 1, b: -1 }, { name: 'other_name' }));
    expect(conflict.code).toBe(85);
    await collection.dropIndex('a_1_b_-1');
    expect((await collection.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_']);
    expect((await failureOf(collection.dropIndex('a_1_b_-1'))).code).toBe(27);
  });

  it('answers equality and range queries through an index with the same results as a scan', async () => {
    const collection = connection.db.collection('ranged');
    await collection.insertMany(
      Array.from({ length: 50 }, (_, i) => ({ n: i, tag: i % 5 === 0 ? 'five' : 'other' })),
    );
    await collection.createIndex({ n: 1 });
    await collection.createIndex({ tag: 1 });
    expect(await collection.countDocuments({ n: { $gte: 10, $lt: 20 } })).toBe(10);
    expect(await collection.countDocuments({ n: { $gt: 45 } })).toBe(4);
    expect(await collection.countDocuments({ tag: 'five' })).toBe(10);
    expect(await collection.countDocuments({ n: { $in: [1, 2, 99] } })).toBe(2);
    expect(await collection.countDocuments({ n: 'not a number' })).toBe(0);
  });
});
