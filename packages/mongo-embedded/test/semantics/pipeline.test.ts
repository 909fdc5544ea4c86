import { Decimal128, Double, Int32, Long } from 'bson';
import { bsonTypeName, runPipeline, type Doc, type PipelineContext } from '../../src/semantics';
import { plain, stored } from './bson-model';

const orders = [
  stored({
    _id: 1,
    item: 'a',
    qty: 2,
    price: 10,
    tags: ['x', 'y'],
    when: new Date('2024-03-05T10:20:30.400Z'),
  }),
  stored({ _id: 2, item: 'b', qty: 1, price: 2.5, tags: [] }),
  stored({ _id: 3, item: 'a', qty: 5, price: 10, tags: ['y'] }),
  stored({ _id: 4, item: 'c', qty: Long.fromNumber(3), price: Decimal128.fromString('1.10') }),
];
const items = [
  stored({ _id: 'a', name: 'Apple' }),
  stored({ _id: 'b', name: 'Banana' }),
  stored({ _id: 'z', name: 'none' }),
];
const context: PipelineContext = {
  now: new Date('2025-01-01T00:00:00Z'),
  lookupCollection: (name) => (name === 'items' ? items : []),
};
const run = (pipeline: Doc[]) => plain(runPipeline(orders, pipeline, context));

describe('runPipeline stages', () => {
  const cases: [string, Doc[], unknown][] = [
    [
      '$match + $project',
      [{ $match: { item: 'a' } }, { $project: { _id: 0, qty: 1 } }],
      [{ qty: 2 }, { qty: 5 }],
    ],
    [
      '$sort + $skip + $limit',
      [{ $sort: { qty: -1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 1 } }],
      [{ _id: 4 }, { _id: 1 }],
    ],
    [
      '$group with accumulators',
      [
        { $match: { item: { $in: ['a', 'b'] } } },
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
            prices: { $addToSet: '$price' },
            n: { $count: {} },
          },
        },
        { $sort: { _id: 1 } },
      ],
      [
        { _id: 'a', total: 7, avg: 3.5, max: 5, min: 2, first: 1, last: 3, ids: [1, 3], prices: [10], n: 2 },
        { _id: 'b', total: 1, avg: 1, max: 1, min: 1, first: 2, last: 2, ids: [2], prices: [2.5], n: 1 },
      ],
    ],
    [
      '$group _id null over everything',
      [{ $group: { _id: null, count: { $sum: 1 } } }],
      [{ _id: null, count: 4 }],
    ],
    ['$count', [{ $match: { item: 'a' } }, { $count: 'n' }], [{ n: 2 }]],
    ['$count of nothing yields no document', [{ $match: { item: 'q' } }, { $count: 'n' }], []],
    [
      '$unwind string form',
      [{ $match: { _id: 1 } }, { $unwind: '$tags' }, { $project: { tags: 1 } }],
      [
        { _id: 1, tags: 'x' },
        { _id: 1, tags: 'y' },
      ],
    ],
    [
      '$unwind preserve and index',
      [
        { $match: { _id: { $in: [2, 3] } } },
        { $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } },
        { $project: { tags: 1, i: 1 } },
      ],
      [
        { _id: 2, i: null },
        { _id: 3, tags: 'y', i: 0 },
      ],
    ],
    ['$unwind drops missing and empty', [{ $unwind: '$tags' }, { $count: 'n' }], [{ n: 3 }]],
    [
      '$lookup local/foreign',
      [
        { $match: { _id: { $in: [1, 4] } } },
        { $lookup: { from: 'items', localField: 'item', foreignField: '_id', as: 'info' } },
        { $project: { info: 1 } },
      ],
      [
        { _id: 1, info: [{ _id: 'a', name: 'Apple' }] },
        { _id: 4, info: [] },
      ],
    ],
    [
      '$lookup pipeline with let',
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
    ['$sortByCount', [{ $sortByCount: '$item' }, { $limit: 1 }], [{ _id: 'a', count: 2 }]],
    [
      '$addFields merges nested',
      [
        { $match: { _id: 1 } },
        { $addFields: { 'meta.total': { $multiply: ['$qty', '$price'] } } },
        { $project: { meta: 1 } },
      ],
      [{ _id: 1, meta: { total: 20 } }],
    ],
    [
      '$set + $unset',
      [{ $match: { _id: 2 } }, { $set: { x: 1 } }, { $unset: ['tags', 'price', 'qty', 'item'] }],
      [{ _id: 2, x: 1 }],
    ],
    [
      '$project expressions',
      [
        { $match: { _id: 1 } },
        {
          $project: {
            _id: 0,
            upper: { $toUpper: '$item' },
            y: { $year: '$when' },
            s: { $dateToString: { date: '$when', format: '%Y-%m-%d %H:%M:%S.%L' } },
            size: { $size: '$tags' },
            has: { $in: ['x', '$tags'] },
          },
        },
      ],
      [{ upper: 'A', y: 2024, s: '2024-03-05 10:20:30.400', size: 2, has: true }],
    ],
    [
      '$bucket with default and output',
      [
        {
          $bucket: {
            groupBy: '$qty',
            boundaries: [0, 2, 4],
            default: 'other',
            output: { n: { $sum: 1 }, ids: { $push: '$_id' } },
          },
        },
      ],
      [
        { _id: 0, n: 1, ids: [2] },
        { _id: 2, n: 2, ids: [1, 4] },
        { _id: 'other', n: 1, ids: [3] },
      ],
    ],
    [
      '$bucket default count',
      [{ $match: { _id: { $lt: 3 } } }, { $bucket: { groupBy: '$price', boundaries: [0, 5, 100] } }],
      [
        { _id: 0, count: 1 },
        { _id: 5, count: 1 },
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
    ['$sample size above count returns everything', [{ $sample: { size: 10 } }, { $count: 'n' }], [{ n: 4 }]],
  ];
  it.each(cases)('%s', (_name, pipeline, expected) => expect(run(pipeline)).toEqual(expected));

  it('$sum keeps BSON numeric types', () => {
    const [ints] = runPipeline(
      [stored({ v: 1 }), stored({ v: 2 })],
      [{ $group: { _id: null, s: { $sum: '$v' } } }],
      context,
    );
    const [overflow] = runPipeline(
      [stored({ v: 2147483647 }), stored({ v: 1 })],
      [{ $group: { _id: null, s: { $sum: '$v' } } }],
      context,
    );
    const [longs] = runPipeline(
      [stored({ v: Long.fromNumber(1) }), stored({ v: 2 })],
      [{ $group: { _id: null, s: { $sum: '$v' } } }],
      context,
    );
    const [mixed] = runPipeline(
      [stored({ v: 1 }), stored({ v: new Double(0.5) })],
      [{ $group: { _id: null, s: { $sum: '$v' } } }],
      context,
    );
    expect([ints?.s, overflow?.s, longs?.s, mixed?.s].map(bsonTypeName)).toEqual([
      'int',
      'long',
      'long',
      'double',
    ]);
  });

  it('$stdDevPop and $stdDevSamp accumulators', () => {
    const rows = [
      stored({ v: 2 }),
      stored({ v: 4 }),
      stored({ v: 4 }),
      stored({ v: 4 }),
      stored({ v: 5 }),
      stored({ v: 5 }),
      stored({ v: 7 }),
      stored({ v: 9 }),
    ];
    const [result] = runPipeline(
      rows,
      [{ $group: { _id: null, pop: { $stdDevPop: '$v' }, samp: { $stdDevSamp: '$v' } } }],
      context,
    );
    expect(plain(result?.pop)).toBe(2);
    expect(plain(result?.samp)).toBeCloseTo(2.138, 3);
  });

  it('$group treats 1, 1.0 and Long(1) as one key', () => {
    const rows = [
      stored({ k: new Int32(1) }),
      stored({ k: new Double(1) }),
      stored({ k: Long.fromNumber(1) }),
    ];
    expect(runPipeline(rows, [{ $group: { _id: '$k', n: { $sum: 1 } } }], context)).toHaveLength(1);
  });

  const errors: [string, Doc[], number][] = [
    ['unknown stage', [{ $foo: {} }], 40324],
    ['stage with two fields', [{ $match: {}, $limit: 1 }], 40323],
    ['$group without _id', [{ $group: { n: { $sum: 1 } } }], 15955],
    ['unknown accumulator', [{ $group: { _id: null, n: { $foo: 1 } } }], 15952],
    ['unknown expression', [{ $project: { x: { $foo: 1 } } }], 168],
    ['$limit zero', [{ $limit: 0 }], 15958],
    ['$skip negative', [{ $skip: -1 }], 5107200],
    [
      '$bucket value outside boundaries without default',
      [{ $bucket: { groupBy: '$qty', boundaries: [0, 1] } }],
      40066,
    ],
    ['$bucket unsorted boundaries', [{ $bucket: { groupBy: '$qty', boundaries: [5, 1] } }], 40194],
    ['$sort empty', [{ $sort: {} }], 15976],
    ['$count with $', [{ $count: '$n' }], 40158],
    ['$unwind without $', [{ $unwind: 'tags' }], 28818],
    ['$replaceRoot non-object', [{ $replaceRoot: { newRoot: '$qty' } }], 40228],
    ['$concat with number', [{ $project: { x: { $concat: ['a', '$qty'] } } }], 16702],
    ['$size of non-array', [{ $project: { x: { $size: '$item' } } }], 17124],
    ['$divide by zero', [{ $project: { x: { $divide: ['$qty', 0] } } }], 2],
    ['undefined variable', [{ $project: { x: '$$nope' } }], 17276],
  ];
  it.each(errors)('rejects %s', (_name, pipeline, code) => {
    expect(() => runPipeline(orders, pipeline, context)).toThrow(expect.objectContaining({ code }));
  });
});
