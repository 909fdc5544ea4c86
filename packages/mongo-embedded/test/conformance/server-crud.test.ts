import { Long, MongoServerError, ObjectId } from 'mongodb';
import { useConformanceConnection } from './harness';

const connection = useConformanceConnection();

describe('insert and find', () => {
  it('assigns an ObjectId _id and finds the document back', async () => {
    const collection = connection.db.collection('insert_find');
    const { insertedId } = await collection.insertOne({ name: 'a', n: 1 });
    expect(insertedId).toBeInstanceOf(ObjectId);
    expect(await collection.findOne({ _id: insertedId })).toEqual({ _id: insertedId, name: 'a', n: 1 });
  });

  it('rejects a duplicate _id with E11000 and reports the other inserts of an unordered batch', async () => {
    const collection = connection.db.collection('dup_id');
    await collection.insertOne({ _id: 1 as never, v: 'first' });
    const failure = await collection
      .insertMany([{ _id: 2 as never }, { _id: 1 as never }, { _id: 3 as never }], { ordered: false })
      .catch((error: unknown) => error);
    expect((failure as MongoServerError).code).toBe(11000);
    expect(await collection.countDocuments({})).toBe(3);
  });

  it('keeps Int64 values as Int64 on a round trip', async () => {
    const collection = connection.db.collection('int64');
    await collection.insertOne({ _id: 'big' as never, value: Long.fromString('9007199254740993') });
    const doc = await connection.db
      .collection('int64')
      .findOne({ _id: 'big' as never }, { promoteLongs: false });
    expect(doc?.value).toBeInstanceOf(Long);
    expect((doc?.value as Long).toString()).toBe('9007199254740993');
  });

  it('applies filter, sort, skip, limit and projection', async () => {
    const collection = connection.db.collection('query_shape');
    await collection.insertMany(
      Array.from({ length: 10 }, (_, i) => ({ _id: i as never, n: i, even: i % 2 === 0, extra: 'x' })),
    );
    const docs = await collection
      .find({ even: true }, { sort: { n: -1 }, skip: 1, limit: 2, projection: { extra: 0 } })
      .toArray();
    expect(docs).toEqual([
      { _id: 6, n: 6, even: true },
      { _id: 4, n: 4, even: true },
    ]);
  });

  it('pages through a large result with getMore and small batches', async () => {
    const collection = connection.db.collection('paging');
    await collection.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const seen = await collection.find({}, { batchSize: 7 }).sort({ i: 1 }).toArray();
    expect(seen).toHaveLength(250);
    expect(seen.map((doc) => doc.i)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('kills a cursor that is closed early, after which getMore fails with CursorNotFound', async () => {
    const collection = connection.db.collection('kill_cursor');
    await collection.insertMany(Array.from({ length: 20 }, (_, i) => ({ i })));
    const reply = await connection.db.command(
      { find: 'kill_cursor', filter: {}, batchSize: 2 },
      { promoteLongs: false },
    );
    const cursorId = reply.cursor.id as Long;
    expect(cursorId.isZero()).toBe(false);
    const killed = await connection.db.command(
      { killCursors: 'kill_cursor', cursors: [cursorId] },
      { promoteLongs: false },
    );
    expect(killed.cursorsKilled.map(String)).toEqual([cursorId.toString()]);
    const failure = await connection.db
      .command({ getMore: cursorId, collection: 'kill_cursor' })
      .catch((error: unknown) => error);
    expect((failure as MongoServerError).code).toBe(43);
  });

  it('returns a single batch without a cursor when singleBatch is set', async () => {
    const collection = connection.db.collection('single_batch');
    await collection.insertMany(Array.from({ length: 5 }, (_, i) => ({ i })));
    const reply = await connection.db.command(
      { find: 'single_batch', filter: {}, batchSize: 2, singleBatch: true },
      { promoteLongs: false },
    );
    expect(reply.cursor.firstBatch).toHaveLength(2);
    expect((reply.cursor.id as Long).isZero()).toBe(true);
  });
});

describe('update and delete', () => {
  it('updates one or many documents and counts matched and modified', async () => {
    const collection = connection.db.collection('updates');
    await collection.insertMany([
      { k: 'a', n: 1 },
      { k: 'a', n: 1 },
      { k: 'b', n: 1 },
    ]);
    const one = await collection.updateOne({ k: 'a' }, { $inc: { n: 1 } });
    expect(one).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const many = await collection.updateMany({ k: 'a' }, { $set: { n: 5 } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const noop = await collection.updateMany({ k: 'a' }, { $set: { n: 5 } });
    expect(noop).toMatchObject({ matchedCount: 2, modifiedCount: 0 });
  });

  it('upserts with the equality fields of the query', async () => {
    const collection = connection.db.collection('upserts');
    const result = await collection.updateOne({ key: 'k1' }, { $set: { v: 1 } }, { upsert: true });
    expect(result.upsertedCount).toBe(1);
    const doc = await collection.findOne({ _id: result.upsertedId! });
    expect(doc).toMatchObject({ key: 'k1', v: 1 });
  });

  it('replaces a whole document keeping its _id, and upserts a replacement', async () => {
    const collection = connection.db.collection('replace');
    await collection.insertOne({ _id: 'r' as never, a: 1, b: 2 });
    await collection.replaceOne({ _id: 'r' as never }, { c: 3 });
    expect(await collection.findOne({ _id: 'r' as never })).toEqual({ _id: 'r', c: 3 });
    await collection.replaceOne({ _id: 'new' as never }, { d: 4 }, { upsert: true });
    expect(await collection.findOne({ _id: 'new' as never })).toEqual({ _id: 'new', d: 4 });
  });

  it('applies arrayFilters and pipeline updates', async () => {
    const collection = connection.db.collection('array_filters');
    await collection.insertOne({ _id: 1 as never, grades: [50, 95, 100], a: 2, b: 3 });
    await collection.updateOne(
      { _id: 1 as never },
      { $set: { 'grades.$[g]': 0 } },
      { arrayFilters: [{ g: { $gte: 95 } }] },
    );
    await collection.updateOne({ _id: 1 as never }, [{ $set: { sum: { $add: ['$a', '$b'] } } }]);
    expect(await collection.findOne({ _id: 1 as never })).toEqual({
      _id: 1,
      grades: [50, 0, 0],
      a: 2,
      b: 3,
      sum: 5,
    });
  });

  it('refuses to change _id (ImmutableField, 66)', async () => {
    const collection = connection.db.collection('immutable');
    await collection.insertOne({ _id: 1 as never });
    const failure = await collection
      .updateOne({ _id: 1 as never }, { $set: { _id: 2 } })
      .catch((error: unknown) => error);
    expect((failure as MongoServerError).code).toBe(66);
  });

  it('deletes one or many documents', async () => {
    const collection = connection.db.collection('deletes');
    await collection.insertMany([{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }]);
    expect((await collection.deleteOne({ k: 1 })).deletedCount).toBe(1);
    expect((await collection.deleteMany({ k: 1 })).deletedCount).toBe(2);
    expect(await collection.countDocuments({})).toBe(1);
  });
});
