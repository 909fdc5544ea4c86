import { Decimal128, Double, Int32, Long, MongoServerError, type Document } from 'mongodb';
import { useConformanceConnection } from './harness';

const connection = useConformanceConnection();
let counter = 0;

/** Inserts `doc` into a fresh collection, applies the update, and returns the stored result. */
async function updated(
  doc: Document,
  update: Document | Document[],
  options: Document = {},
): Promise<Document | null> {
  const collection = connection.db.collection(`u${(counter += 1)}`);
  await collection.insertOne(doc);
  await collection.updateOne({ _id: doc._id, ...(options.filter ?? {}) }, update, {
    arrayFilters: options.arrayFilters,
  });
  return collection.findOne(
    { _id: doc._id },
    { promoteLongs: false, promoteValues: options.promoteValues ?? true },
  );
}

async function updateError(
  doc: Document,
  update: Document | Document[],
  options: Document = {},
): Promise<MongoServerError> {
  const collection = connection.db.collection(`u${(counter += 1)}`);
  await collection.insertOne(doc);
  const error = await collection
    .updateOne({ _id: doc._id, ...(options.filter ?? {}) }, update, { arrayFilters: options.arrayFilters })
    .catch((failure: unknown) => failure);
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

describe('update operators over the wire', () => {
  const cases: [string, Document, Document | Document[], Document, Document?][] = [
    [
      '$set with nested creation',
      { _id: 1, a: 1 },
      { $set: { a: 2, 'b.c': 3 } },
      { _id: 1, a: 2, b: { c: 3 } },
    ],
    [
      '$set appends new fields in name order',
      { _id: 1 },
      { $set: { z: 1, b: 1, a: 1 } },
      { _id: 1, a: 1, b: 1, z: 1 },
    ],
    ['$unset', { _id: 1, a: 1, b: 2 }, { $unset: { a: '' } }, { _id: 1, b: 2 }],
    ['$inc on a missing field', { _id: 1 }, { $inc: { a: 5 } }, { _id: 1, a: 5 }],
    ['$mul', { _id: 1, a: 4 }, { $mul: { a: 2.5 } }, { _id: 1, a: 10 }],
    [
      '$min and $max',
      { _id: 1, lo: 5, hi: 5 },
      { $min: { lo: 3 }, $max: { hi: 8 } },
      { _id: 1, lo: 3, hi: 8 },
    ],
    ['$rename', { _id: 1, a: 1, b: 2 }, { $rename: { a: 'c' } }, { _id: 1, b: 2, c: 1 }],
    [
      '$push with $each/$sort/$slice',
      { _id: 1, a: [5, 1] },
      { $push: { a: { $each: [3, 9], $sort: -1, $slice: 3 } } },
      { _id: 1, a: [9, 5, 3] },
    ],
    [
      '$push with $position',
      { _id: 1, a: [1, 4] },
      { $push: { a: { $each: [2, 3], $position: 1 } } },
      { _id: 1, a: [1, 2, 3, 4] },
    ],
    [
      '$addToSet with $each',
      { _id: 1, a: [1] },
      { $addToSet: { a: { $each: [1, 2, 2, 3] } } },
      { _id: 1, a: [1, 2, 3] },
    ],
    ['$pull with a condition', { _id: 1, a: [1, 5, 7] }, { $pull: { a: { $gte: 5 } } }, { _id: 1, a: [1] }],
    [
      '$pull with a document query',
      { _id: 1, a: [{ b: 1, c: 1 }, { b: 2 }] },
      { $pull: { a: { b: 1 } } },
      { _id: 1, a: [{ b: 2 }] },
    ],
    ['$pullAll', { _id: 1, a: [1, 2, 3, 2] }, { $pullAll: { a: [2, 3] } }, { _id: 1, a: [1] }],
    ['$pop', { _id: 1, a: [1, 2, 3] }, { $pop: { a: -1 } }, { _id: 1, a: [2, 3] }],
    [
      'positional $',
      { _id: 1, a: [{ b: 1 }, { b: 2 }] },
      { $set: { 'a.$.c': 'x' } },
      { _id: 1, a: [{ b: 1 }, { b: 2, c: 'x' }] },
      { filter: { 'a.b': 2 } },
    ],
    [
      'positional $ with $elemMatch',
      {
        _id: 1,
        a: [
          { b: 1, c: 1 },
          { b: 1, c: 2 },
        ],
      },
      { $inc: { 'a.$.c': 10 } },
      {
        _id: 1,
        a: [
          { b: 1, c: 1 },
          { b: 1, c: 12 },
        ],
      },
      { filter: { a: { $elemMatch: { b: 1, c: 2 } } } },
    ],
    [
      'nested $[i]/$[j]',
      {
        _id: 1,
        g: [
          { k: 'x', v: [1, 5] },
          { k: 'y', v: [5] },
        ],
      },
      { $set: { 'g.$[i].v.$[j]': 0 } },
      {
        _id: 1,
        g: [
          { k: 'x', v: [1, 0] },
          { k: 'y', v: [5] },
        ],
      },
      { arrayFilters: [{ 'i.k': 'x' }, { j: { $gte: 5 } }] },
    ],
    ['$[]', { _id: 1, a: [1, 2] }, { $inc: { 'a.$[]': 10 } }, { _id: 1, a: [11, 12] }],
    [
      '$[id] with arrayFilters',
      { _id: 1, a: [{ b: 1 }, { b: 5 }] },
      { $set: { 'a.$[big].f': true } },
      { _id: 1, a: [{ b: 1 }, { b: 5, f: true }] },
      { arrayFilters: [{ 'big.b': { $gt: 4 } }] },
    ],
    [
      'pipeline update',
      { _id: 1, a: 2, b: 3 },
      [{ $set: { sum: { $add: ['$a', '$b'] } } }, { $unset: 'a' }],
      { _id: 1, b: 3, sum: 5 },
    ],
  ];
  it.each(cases)('%s', async (...[_name, doc, update, expected, options]) => {
    expect(await updated(doc, update, options)).toEqual(expected);
  });

  it('$inc keeps BSON numeric types (Int32 overflow → Int64, Int64 stays Int64, Decimal128 contagious)', async () => {
    const doc = await updated(
      {
        _id: 1,
        i: new Int32(2147483647),
        l: Long.fromString('9007199254740993'),
        d: new Int32(1),
        x: new Int32(1),
      },
      { $inc: { i: new Int32(1), l: new Int32(2), d: Decimal128.fromString('0.5'), x: new Double(0.5) } },
      { promoteValues: false },
    );
    expect(doc?.i).toBeInstanceOf(Long);
    expect(String(doc?.i)).toBe('2147483648');
    expect(doc?.l).toBeInstanceOf(Long);
    expect(String(doc?.l)).toBe('9007199254740995');
    expect(doc?.d).toBeInstanceOf(Decimal128);
    expect(String(doc?.d)).toBe('1.5');
    expect(doc?.x).toBeInstanceOf(Double);
  });

  it('appends new fields in field-name order and moves renamed fields to the end', async () => {
    expect(
      Object.keys((await updated({ _id: 1, m: 0 }, { $set: { z: 1, b: 1 }, $inc: { a: 1 } })) ?? {}),
    ).toEqual(['_id', 'm', 'a', 'b', 'z']);
    expect(Object.keys((await updated({ _id: 1, a: 1, b: 2 }, { $rename: { a: 'c' } })) ?? {})).toEqual([
      '_id',
      'b',
      'c',
    ]);
  });

  it('reports matched but not modified for a no-op $set', async () => {
    const collection = connection.db.collection('noop');
    await collection.insertOne({ _id: 1 as never, a: 1 });
    const result = await collection.updateOne({ _id: 1 as never }, { $set: { a: 1 } });
    expect([result.matchedCount, result.modifiedCount]).toEqual([1, 0]);
  });

  it('upsert seeds the new document from the filter equalities', async () => {
    const collection = connection.db.collection('upsert');
    await collection.updateOne(
      { k: 'a', 'n.x': 1, v: { $gt: 1 } },
      { $set: { y: 2 }, $setOnInsert: { created: true } },
      { upsert: true },
    );
    const doc = await collection.findOne({ k: 'a' }, { projection: { _id: 0 } });
    expect(doc).toEqual({ k: 'a', n: { x: 1 }, y: 2, created: true });
  });

  it('replacement keeps _id', async () => {
    const collection = connection.db.collection('replace');
    await collection.insertOne({ _id: 7 as never, a: 1 });
    await collection.replaceOne({ _id: 7 as never }, { b: 2 });
    expect(await collection.findOne({ _id: 7 as never })).toEqual({ _id: 7, b: 2 });
  });

  const invalid: [string, Document, Document, number, Document?][] = [
    ['$inc on a string', { _id: 1, a: 'x' }, { $inc: { a: 1 } }, 14],
    ['$inc with a non-numeric argument', { _id: 1, a: 1 }, { $inc: { a: 'x' } }, 14],
    ['$set through a scalar', { _id: 1, a: 1 }, { $set: { 'a.b': 1 } }, 28],
    ['$set of _id', { _id: 1 }, { $set: { _id: 2 } }, 66],
    ['conflicting paths', { _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } }, 40],
    ['$push on a non-array', { _id: 1, a: 1 }, { $push: { a: 2 } }, 2],
    ['$pop with a bad argument', { _id: 1, a: [1] }, { $pop: { a: 2 } }, 9],
    ['$rename onto itself', { _id: 1, a: 1 }, { $rename: { a: 'a' } }, 2],
    ['positional $ without a matching query', { _id: 1, a: [1] }, { $set: { 'a.$': 2 } }, 2],
    ['unknown modifier', { _id: 1 }, { $foo: { a: 1 } }, 9],
    ['array filter identifier without a filter', { _id: 1, a: [1] }, { $set: { 'a.$[x]': 2 } }, 2],
  ];
  it.each(invalid)('rejects %s', async (...[_name, doc, update, code, options]) => {
    const error = await updateError(doc, update, options);
    expect(error.code).toBe(code);
  });

  it('names the document and type in the $inc type-mismatch message', async () => {
    const error = await updateError({ _id: 1, a: 'x' }, { $inc: { a: 1 } });
    expect(error.message).toBe(
      "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'a' of non-numeric type string",
    );
  });
});
