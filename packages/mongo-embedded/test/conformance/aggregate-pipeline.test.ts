import { Decimal128, Double, Int32, Long, MongoServerError, type Document } from 'mongodb';
import { useConformanceConnection } from './harness';

const connection = useConformanceConnection();

beforeAll(async () => {
  await connection.db.collection('orders').insertMany([
    { _id: 1, item: 'a', qty: 2, price: 10, tags: ['x', 'y'], when: new Date('2024-03-05T10:20:30.400Z') },
    { _id: 2, item: 'b', qty: 1, price: 2.5, tags: [] },
    { _id: 3, item: 'a', qty: 5, price: 10, tags: ['y'] },
    { _id: 4, item: 'c', qty: Long.fromNumber(3), price: Decimal128.fromString('1.10') },
  ] as Document[]);
  await connection.db.collection('items').insertMany([
    { _id: 'a', name: 'Apple' },
    { _id: 'b', name: 'Banana' },
  ] as Document[]);
  await connection.db.collection('numbers').insertMany([
    { g: 1, v: new Int32(2147483647) },
    { g: 1, v: new Int32(1) },
    { g: 2, v: Long.fromString('9007199254740993') },
    { g: 2, v: new Int32(2) },
    { g: 3, v: new Int32(1) },
    { g: 3, v: new Double(0.5) },
  ] as Document[]);
});

const aggregate = (pipeline: Document[], collection = 'orders') =>
  connection.db.collection(collection).aggregate(pipeline).toArray();

describe('aggregation over the wire', () => {
  const cases: [string, Document[], Document[]][] = [
    [
      '$match + $project',
      [{ $match: { item: 'a' } }, { $project: { _id: 0, qty: 1 } }, { $sort: { qty: 1 } }],
      [{ qty: 2 }, { qty: 5 }],
    ],
    [
      '$sort + $skip + $limit',
      [{ $sort: { qty: -1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 1 } }],
      [{ _id: 4 }, { _id: 1 }],
    ],
    [
      '$group accumulators',
      [
        { $match: { item: { $in: ['a', 'b'] } } },
        { $sort: { _id: 1 } },
        {
          $group: {
            _id: '$item',
            total: { $sum: '$qty' },
            avg: { $avg: '$qty' },
            max: { $max: '$qty' },
            min: { $min: '$qty' },
            first: { $first: '$_id' },
            last: { $last: '$_id' },
            ids: { $push: '$_id' },
            n: { $count: {} },
          },
        },
        { $sort: { _id: 1 } },
      ],
      [
        { _id: 'a', total: 7, avg: 3.5, max: 5, min: 2, first: 1, last: 3, ids: [1, 3], n: 2 },
        { _id: 'b', total: 1, avg: 1, max: 1, min: 1, first: 2, last: 2, ids: [2], n: 1 },
      ],
    ],
    [
      '$addToSet accumulator',
      [
        { $group: { _id: null, prices: { $addToSet: '$item' } } },
        { $project: { _id: 0, n: { $size: '$prices' } } },
      ],
      [{ n: 3 }],
    ],
    ['$count', [{ $match: { item: 'a' } }, { $count: 'n' }], [{ n: 2 }]],
    [
      '$unwind',
      [{ $match: { _id: 1 } }, { $unwind: '$tags' }, { $project: { tags: 1 } }],
      [
        { _id: 1, tags: 'x' },
        { _id: 1, tags: 'y' },
      ],
    ],
    [
      '$unwind with options',
      [
        { $match: { _id: { $in: [2, 3] } } },
        { $sort: { _id: 1 } },
        { $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } },
        { $project: { tags: 1, i: 1 } },
      ],
      [
        { _id: 2, i: null },
        { _id: 3, tags: 'y', i: 0 },
      ],
    ],
    [
      '$lookup',
      [
        { $match: { _id: { $in: [1, 4] } } },
        { $sort: { _id: 1 } },
        { $lookup: { from: 'items', localField: 'item', foreignField: '_id', as: 'info' } },
        { $project: { info: 1 } },
      ],
      [
        { _id: 1, info: [{ _id: 'a', name: 'Apple' }] },
        { _id: 4, info: [] },
      ],
    ],
    [
      '$lookup with pipeline and let',
      [
        { $match: { _id: 2 } },
        {
          $lookup: {
            from: 'items',
            let: { wanted: '$item' },
            pipeline: [
              { $match: { $expr: { $eq: ['$_id', '$$wanted'] } } },
              { $project: { _id: 0, name: 1 } },
            ],
            as: 'info',
          },
        },
        { $project: { info: 1 } },
      ],
      [{ _id: 2, info: [{ name: 'Banana' }] }],
    ],
    [
      '$facet',
      [
        {
          $facet: {
            count: [{ $count: 'n' }],
            top: [{ $sort: { qty: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
          },
        },
      ],
      [{ count: [{ n: 4 }], top: [{ _id: 3 }] }],
    ],
    ['$replaceRoot', [{ $match: { _id: 1 } }, { $replaceRoot: { newRoot: { i: '$item' } } }], [{ i: 'a' }]],
    ['$replaceWith', [{ $match: { _id: 1 } }, { $replaceWith: { q: '$qty' } }], [{ q: 2 }]],
    [
      '$bucket',
      [{ $bucket: { groupBy: '$qty', boundaries: [0, 2, 4], default: 'other', output: { n: { $sum: 1 } } } }],
      [
        { _id: 0, n: 1 },
        { _id: 2, n: 2 },
        { _id: 'other', n: 1 },
      ],
    ],
    [
      '$unionWith',
      [
        { $match: { _id: 1 } },
        { $project: { _id: 1 } },
        { $unionWith: { coll: 'items', pipeline: [{ $match: { _id: 'b' } }] } },
      ],
      [{ _id: 1 }, { _id: 'b', name: 'Banana' }],
    ],
    [
      'expression $sum/$avg/$max over arrays',
      [
        { $match: { _id: 1 } },
        {
          $project: { _id: 0, s: { $sum: [1, 2, 3] }, a: { $avg: ['$qty', '$price'] }, m: { $max: '$tags' } },
        },
      ],
      [{ s: 6, a: 6, m: 'y' }],
    ],
    ['$sortByCount', [{ $sortByCount: '$item' }, { $limit: 1 }], [{ _id: 'a', count: 2 }]],
    [
      '$addFields and $unset',
      [
        { $match: { _id: 1 } },
        { $addFields: { 'meta.total': { $multiply: ['$qty', '$price'] } } },
        { $unset: ['tags', 'when', 'price', 'qty', 'item'] },
      ],
      [{ _id: 1, meta: { total: 20 } }],
    ],
    [
      'expression operators',
      [
        { $match: { _id: 1 } },
        {
          $project: {
            _id: 0,
            upper: { $toUpper: '$item' },
            concat: { $concat: ['$item', '-', { $toString: '$qty' }] },
            year: { $year: '$when' },
            month: { $month: '$when' },
            day: { $dayOfMonth: '$when' },
            hour: { $hour: '$when' },
            text: { $dateToString: { date: '$when', format: '%Y-%m-%d' } },
            size: { $size: '$tags' },
            first: { $arrayElemAt: ['$tags', 0] },
            has: { $in: ['x', '$tags'] },
            cond: { $cond: [{ $gte: ['$qty', 2] }, 'many', 'few'] },
            ifNull: { $ifNull: ['$missing', 'fallback'] },
            sw: { $switch: { branches: [{ case: { $eq: ['$item', 'a'] }, then: 'A' }], default: '?' } },
            filtered: { $filter: { input: '$tags', as: 't', cond: { $ne: ['$$t', 'x'] } } },
            mapped: { $map: { input: '$tags', in: { $toUpper: '$$this' } } },
            sliced: { $slice: ['$tags', -1] },
            joined: { $concatArrays: ['$tags', ['z']] },
            parts: { $split: ['a,b', ','] },
            len: { $strLenCP: 'héllo' },
            sub: { $substrCP: ['hello', 1, 3] },
            type: { $type: '$qty' },
            asInt: { $toInt: '42' },
            lit: { $literal: '$notAPath' },
            field: { $getField: 'item' },
            arithmetic: { $subtract: [{ $add: ['$qty', 10] }, { $multiply: [2, 3] }] },
            division: { $divide: ['$qty', 4] },
            mod: { $mod: [7, 3] },
            logic: { $and: [true, { $or: [false, { $not: [false] }] }] },
          },
        },
      ],
      [
        {
          upper: 'A',
          concat: 'a-2',
          year: 2024,
          month: 3,
          day: 5,
          hour: 10,
          text: '2024-03-05',
          size: 2,
          first: 'x',
          has: true,
          cond: 'many',
          ifNull: 'fallback',
          sw: 'A',
          filtered: ['y'],
          mapped: ['X', 'Y'],
          sliced: ['y'],
          joined: ['x', 'y', 'z'],
          parts: ['a', 'b'],
          len: 5,
          sub: 'ell',
          type: 'int',
          asInt: 42,
          lit: '$notAPath',
          field: 'a',
          arithmetic: 6,
          division: 0.5,
          mod: 1,
          logic: true,
        },
      ],
    ],
  ];
  it.each(cases)('%s', async (_name, pipeline, expected) => {
    expect(await aggregate(pipeline)).toEqual(expected);
  });

  it('$sum keeps BSON numeric types per group', async () => {
    const docs = await connection.db
      .collection('numbers')
      .aggregate(
        [
          { $group: { _id: '$g', s: { $sum: '$v' } } },
          { $sort: { _id: 1 } },
          { $project: { _id: 1, s: 1, t: { $type: '$s' } } },
        ],
        { promoteLongs: false },
      )
      .toArray();
    expect(docs.map((doc) => [doc._id, doc.t, String(doc.s)])).toEqual([
      [1, 'long', '2147483648'],
      [2, 'long', '9007199254740995'],
      [3, 'double', '1.5'],
    ]);
  });

  const invalid: [string, Document[], number][] = [
    ['unknown stage', [{ $foo: {} }], 40324],
    ['$group without _id', [{ $group: { n: { $sum: 1 } } }], 15955],
    ['unknown accumulator', [{ $group: { _id: null, n: { $foo: 1 } } }], 15952],
    ['unknown expression operator', [{ $project: { x: { $foo: 1 } } }], 168],
    ['$limit 0', [{ $limit: 0 }], 15958],
    ['$skip negative', [{ $skip: -1 }], 5107200],
    ['$sort with no keys', [{ $sort: {} }], 15976],
    ['$concat of a number', [{ $project: { x: { $concat: ['a', '$qty'] } } }], 16702],
    ['$size of a non-array', [{ $project: { x: { $size: '$item' } } }], 17124],
  ];
  it.each(invalid)('rejects %s', async (_name, pipeline, code) => {
    const error = await aggregate(pipeline).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(code);
  });
});
