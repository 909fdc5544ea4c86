import { Long, type Document } from 'mongodb';
import { useConformanceConnection } from './harness';

const connection = useConformanceConnection();

beforeAll(async () => {
  await connection.db
    .collection('s')
    .insertMany([
      { _id: 1, v: 'text' },
      { _id: 2 },
      { _id: 3, v: 5 },
      { _id: 4, v: null },
      { _id: 5, v: { x: 1 } },
      { _id: 6, v: true },
      { _id: 7, v: new Date('2024-01-01T00:00:00Z') },
      { _id: 8, v: Long.fromString('9007199254740993') },
      { _id: 9, v: 2.5 },
    ] as Document[]);
  await connection.db.collection('arrays').insertMany([
    { _id: 1, v: [1, 10] },
    { _id: 2, v: [5] },
    { _id: 3, v: 3 },
  ] as Document[]);
});

async function order(collection: string, sort: Document): Promise<number[]> {
  const docs = await connection.db
    .collection(collection)
    .find({}, { sort, projection: { _id: 1 } })
    .toArray();
  return docs.map((doc) => Number(doc._id));
}

describe('sort order over the wire', () => {
  it('missing and null sort together, lowest, then BSON type order ascending', async () => {
    const ids = await order('s', { v: 1, _id: 1 });
    expect(ids).toEqual([2, 4, 9, 3, 8, 1, 5, 6, 7]);
  });

  it('descending reverses BSON type order with missing/null last', async () => {
    const ids = await order('s', { v: -1, _id: 1 });
    expect(ids).toEqual([7, 6, 5, 1, 8, 3, 9, 2, 4]);
  });

  it('arrays sort by their smallest element ascending and largest descending', async () => {
    expect(await order('arrays', { v: 1 })).toEqual([1, 3, 2]);
    expect(await order('arrays', { v: -1 })).toEqual([1, 2, 3]);
  });

  it('aggregation $sort uses the same order', async () => {
    const docs = await connection.db
      .collection('s')
      .aggregate([{ $sort: { v: 1, _id: 1 } }, { $project: { _id: 1 } }])
      .toArray();
    expect(docs.map((doc) => doc._id)).toEqual([2, 4, 9, 3, 8, 1, 5, 6, 7]);
  });

  it('rejects an invalid sort direction', async () => {
    const error = await connection.db
      .command({ find: 's', filter: {}, sort: { v: 2 } })
      .catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 15975 });
  });
});
