import { MongoServerError, type Document } from 'mongodb';
import { useConformanceConnection } from './harness';

const connection = useConformanceConnection();
const doc = {
  _id: 1,
  a: 1,
  b: { c: 2, d: 3 },
  arr: [{ x: 1, y: 1 }, { x: 2, y: 2 }, 5],
  list: [1, 2, 3, 4, 5],
};

beforeAll(async () => {
  await connection.db.collection('p').insertOne(doc as Document);
});

describe('find projections over the wire', () => {
  const cases: [string, Document, Document, Document?][] = [
    ['inclusion keeps _id', { a: 1 }, { _id: 1, a: 1 }],
    ['inclusion without _id', { a: 1, _id: 0 }, { a: 1 }],
    ['exclusion', { b: 0, arr: 0, list: 0 }, { _id: 1, a: 1 }],
    ['dotted inclusion', { 'b.c': 1 }, { _id: 1, b: { c: 2 } }],
    ['dotted exclusion', { 'b.c': 0, arr: 0, list: 0 }, { _id: 1, a: 1, b: { d: 3 } }],
    ['inclusion through an array drops scalars', { 'arr.x': 1, _id: 0 }, { arr: [{ x: 1 }, { x: 2 }] }],
    [
      '$slice alone keeps other fields',
      { list: { $slice: 2 }, arr: 0, b: 0 },
      { _id: 1, a: 1, list: [1, 2] },
    ],
    ['$slice negative', { list: { $slice: -2 }, _id: 0, a: 1 }, { a: 1, list: [4, 5] }],
    ['$slice with skip and limit', { list: { $slice: [1, 2] }, a: 1 }, { _id: 1, a: 1, list: [2, 3] }],
    ['$elemMatch', { arr: { $elemMatch: { x: { $gte: 1 } } } }, { _id: 1, arr: [{ x: 1, y: 1 }] }],
    ['positional projection', { 'arr.$': 1 }, { _id: 1, arr: [{ x: 2, y: 2 }] }, { 'arr.x': 2 }],
    ['computed fields', { _id: 0, total: { $add: ['$a', '$b.c'] }, copy: '$b.d' }, { total: 3, copy: 3 }],
  ];
  it.each(cases)('%s', async (...[_name, projection, expected, filter]) => {
    expect(await connection.db.collection('p').findOne(filter ?? {}, { projection })).toEqual(expected);
  });

  it('keeps document order for included fields', async () => {
    const found = await connection.db.collection('p').findOne({}, { projection: { list: 1, a: 1 } });
    expect(Object.keys(found ?? {})).toEqual(['_id', 'a', 'list']);
  });

  it.each([
    [{ a: 1, b: 0 }, 31254],
    [{ a: 0, b: 1 }, 31253],
  ])('rejects mixing inclusion and exclusion %p', async (projection, code) => {
    const error = await connection.db
      .collection('p')
      .findOne({}, { projection })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(code);
  });
});
