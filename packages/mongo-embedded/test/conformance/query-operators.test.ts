import { BSONRegExp, Decimal128, Double, Int32, Long, MongoServerError, type Document } from 'mongodb';
import { useConformanceConnection } from './harness';

const connection = useConformanceConnection();

const rows: Document[] = [
  { _id: 1, a: 1, s: 'abc', tags: ['x', 'y'], sub: { b: 2, c: [1, 2, 3] } },
  {
    _id: 2,
    a: 2.5,
    s: 'ABD',
    tags: ['y'],
    sub: { b: 3 },
    arr: [
      { b: 1, c: 'k' },
      { b: 5, c: 'm' },
    ],
  },
  { _id: 3, a: '5', s: 'xyz', tags: [] },
  { _id: 4, a: [1, 7], big: Long.fromString('9007199254740993'), d: Decimal128.fromString('2.50') },
  { _id: 5, a: null, big: Long.fromString('9007199254740992'), when: new Date('2024-01-01T00:00:00Z') },
  { _id: 6, n: new Int32(4), l: Long.fromNumber(4), x: new Double(4), vals: [0, 10, 20] },
];

beforeAll(async () => {
  await connection.db.collection('q').insertMany(rows);
});

async function ids(filter: Document): Promise<number[]> {
  const docs = await connection.db
    .collection('q')
    .find(filter, { projection: { _id: 1 }, sort: { _id: 1 } })
    .toArray();
  return docs.map((doc) => Number(doc._id));
}

describe('query operators over the wire', () => {
  const cases: [string, Document, number[]][] = [
    ['equality across numeric types', { a: new Double(1) }, [1, 4]],
    ['equality on an array element', { a: 7 }, [4]],
    ['equality on a whole array', { tags: ['x', 'y'] }, [1]],
    ['null matches null and missing', { a: null }, [5, 6]],
    ['$ne', { a: { $ne: 1 } }, [2, 3, 5, 6]],
    ['$gt brackets by type and skips strings', { a: { $gt: 2 } }, [2, 4]],
    ['$gte on strings', { s: { $gte: 'abc' } }, [1, 3]],
    ['$lte null', { a: { $lte: null } }, [5, 6]],
    ['Int64 range above 2^53 is exact', { big: { $gt: Long.fromString('9007199254740992') } }, [4]],
    ['Int64 equality above 2^53 is exact', { big: Long.fromString('9007199254740992') }, [5]],
    ['Decimal128 equals a double', { d: 2.5 }, [4]],
    ['int, long and double are equal', { n: 4, l: 4, x: 4 }, [6]],
    ['$in', { a: { $in: [2.5, '5'] } }, [2, 3]],
    ['$in with regex', { s: { $in: [/^ab/] } }, [1]],
    ['$nin', { a: { $nin: [1, null] } }, [2, 3]],
    ['$exists', { big: { $exists: true } }, [4, 5]],
    ['$exists false', { sub: { $exists: false } }, [3, 4, 5, 6]],
    ['dotted path', { 'sub.b': 3 }, [2]],
    ['dotted path through array of documents', { 'arr.b': 5 }, [2]],
    ['numeric path component', { 'arr.1.c': 'm' }, [2]],
    ['$and/$or/$nor', { $and: [{ $or: [{ a: 1 }, { a: 2.5 }] }, { $nor: [{ _id: 4 }] }] }, [1, 2]],
    ['$not', { a: { $not: { $gt: 2 } } }, [1, 3, 5, 6]],
    ['$type int', { a: { $type: 'int' } }, [1, 4]],
    ['$type double', { a: { $type: 'double' } }, [2]],
    ['$type long', { big: { $type: 'long' } }, [4, 5]],
    ['$type decimal by number', { d: { $type: 19 } }, [4]],
    ['$type number', { a: { $type: 'number' } }, [1, 2, 4]],
    ['$type array', { tags: { $type: 'array' } }, [1, 2, 3]],
    ['$type null', { a: { $type: 'null' } }, [5]],
    ['$regex with $options', { s: { $regex: '^ab', $options: 'i' } }, [1, 2]],
    ['regex literal', { s: /Y/i }, [3]],
    ['PCRE inline option', { s: { $regex: '(?i)^abd' } }, [2]],
    ['BSONRegExp', { s: new BSONRegExp('^x') }, [3]],
    ['$size', { tags: { $size: 1 } }, [2]],
    ['$all', { tags: { $all: ['y', 'x'] } }, [1]],
    ['$elemMatch on documents', { arr: { $elemMatch: { b: { $gt: 2 }, c: 'm' } } }, [2]],
    ['$elemMatch does not mix elements', { arr: { $elemMatch: { b: 1, c: 'm' } } }, []],
    ['$elemMatch on values', { vals: { $elemMatch: { $gt: 5, $lt: 15 } } }, [6]],
    ['$mod', { vals: { $mod: [20, 0] } }, [6]],
    ['$bitsAllSet', { vals: { $bitsAllSet: 10 } }, [6]],
    ['$bitsAnySet', { a: { $bitsAnySet: [0] } }, [1, 4]],
    ['$expr', { $expr: { $gt: ['$sub.b', 2] } }, [2]],
  ];
  it.each(cases)('%s', async (_name, filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
  });

  const invalid: [string, Document, number][] = [
    ['unknown operator', { a: { $foo: 1 } }, 2],
    ['$in without an array', { a: { $in: 1 } }, 2],
    ['$type with an unknown alias', { a: { $type: 'nope' } }, 2],
    ['$or with an empty array', { $or: [] }, 2],
    ['$mod with divisor 0', { a: { $mod: [0, 1] } }, 2],
  ];
  it.each(invalid)('rejects %s with code %i', async (_name, filter, code) => {
    const error = await connection.db
      .collection('q')
      .find(filter)
      .toArray()
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(code);
  });

  it('countDocuments and distinct use the same semantics', async () => {
    const collection = connection.db.collection('q');
    expect(await collection.countDocuments({ a: { $type: 'number' } })).toBe(3);
    expect(await collection.distinct('tags')).toEqual(['x', 'y']);
  });
});
