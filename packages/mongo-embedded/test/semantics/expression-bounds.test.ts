import { Decimal128, Double, Int32, Long } from 'bson';
import {
  bsonTypeName,
  buildUpsertSeed,
  evaluateExpression,
  extractIndexBounds,
  runPipeline,
  type Doc,
} from '../../src/semantics';
import { plain, stored } from './bson-model';

const doc = stored({
  a: 5,
  b: 2,
  s: 'Hello',
  arr: [1, 2, 3],
  d: new Date('2020-02-29T23:59:58.123Z'),
  o: { x: 1 },
});

describe('evaluateExpression', () => {
  const cases: [string, unknown, unknown][] = [
    ['field path', '$o.x', 1],
    ['missing field is undefined', '$nope', undefined],
    ['$add', { $add: ['$a', '$b', 1] }, 8],
    ['$subtract dates gives milliseconds', { $subtract: ['$d', new Date('2020-02-29T23:59:58.000Z')] }, 123],
    ['$divide', { $divide: ['$a', '$b'] }, 2.5],
    ['$mod', { $mod: ['$a', '$b'] }, 1],
    ['$abs', { $abs: -3 }, 3],
    ['$round half to even', { $round: [2.5, 0] }, 2],
    ['$trunc', { $trunc: [7.89, 1] }, 7.8],
    ['$pow', { $pow: [2, 10] }, 1024],
    ['$cmp', { $cmp: ['$a', '$b'] }, 1],
    ['$eq across types', { $eq: ['$a', new Double(5)] }, true],
    ['missing is below null in comparisons', { $lt: ['$nope', null] }, true],
    ['$ifNull with several arguments', { $ifNull: ['$nope', null, 'x'] }, 'x'],
    ['$switch default', { $switch: { branches: [{ case: false, then: 1 }], default: 2 } }, 2],
    ['$let', { $let: { vars: { t: { $multiply: ['$a', 2] } }, in: { $add: ['$$t', 1] } } }, 11],
    ['$toLower', { $toLower: '$s' }, 'hello'],
    ['$substrCP', { $substrCP: ['$s', 1, 3] }, 'ell'],
    ['$trim', { $trim: { input: '  x  ' } }, 'x'],
    ['$indexOfCP', { $indexOfCP: ['$s', 'l'] }, 2],
    ['$regexMatch', { $regexMatch: { input: '$s', regex: '^h', options: 'i' } }, true],
    ['$replaceAll', { $replaceAll: { input: 'a-b-c', find: '-', replacement: '+' } }, 'a+b+c'],
    ['$reduce', { $reduce: { input: '$arr', initialValue: 0, in: { $add: ['$$value', '$$this'] } } }, 6],
    ['$range', { $range: [0, 6, 2] }, [0, 2, 4]],
    ['$reverseArray', { $reverseArray: '$arr' }, [3, 2, 1]],
    ['$indexOfArray', { $indexOfArray: ['$arr', 2] }, 1],
    ['$arrayElemAt negative', { $arrayElemAt: ['$arr', -1] }, 3],
    ['$first', { $first: '$arr' }, 1],
    ['$objectToArray', { $objectToArray: '$o' }, [{ k: 'x', v: 1 }]],
    ['$arrayToObject', { $arrayToObject: [[['k', 1]]] }, { k: 1 }],
    ['$mergeObjects', { $mergeObjects: ['$o', { y: 2 }] }, { x: 1, y: 2 }],
    [
      '$setUnion',
      {
        $setUnion: [
          [1, 2],
          [2, 3],
        ],
      },
      [1, 2, 3],
    ],
    [
      '$setEquals',
      {
        $setEquals: [
          [1, 2, 2],
          [2, 1],
        ],
      },
      true,
    ],
    ['$setIsSubset', { $setIsSubset: [[1], '$arr'] }, true],
    ['$sortArray descending', { $sortArray: { input: '$arr', sortBy: -1 } }, [3, 2, 1]],
    [
      '$sortArray by field',
      { $sortArray: { input: [{ v: 2 }, { v: 1 }], sortBy: { v: 1 } } },
      [{ v: 1 }, { v: 2 }],
    ],
    ['$stdDevPop', { $stdDevPop: [1, 3] }, 1],
    ['$sum of an array', { $sum: '$arr' }, 6],
    ['$avg of arguments', { $avg: ['$a', '$b'] }, 3.5],
    ['$max of an array', { $max: '$arr' }, 3],
    ['$type', { $type: '$d' }, 'date'],
    ['$type of missing', { $type: '$nope' }, 'missing'],
    ['$toString of a date', { $toString: '$d' }, '2020-02-29T23:59:58.123Z'],
    ['$toDouble of a string', { $toDouble: '2.5' }, 2.5],
    ['$toBool', { $toBool: 0 }, false],
    ['$convert onError', { $convert: { input: 'x', to: 'int', onError: -1 } }, -1],
    ['$convert onNull', { $convert: { input: '$nope', to: 'int', onNull: 0 } }, 0],
    ['$isNumber', { $isNumber: '$a' }, true],
    ['$dayOfYear', { $dayOfYear: '$d' }, 60],
    ['$dayOfWeek', { $dayOfWeek: '$d' }, 7],
    ['$dateToString default format', { $dateToString: { date: '$d' } }, '2020-02-29T23:59:58.123Z'],
    [
      '$dateAdd months clamps to the month end',
      { $dateAdd: { startDate: new Date('2021-01-31T00:00:00Z'), unit: 'month', amount: 1 } },
      new Date('2021-02-28T00:00:00Z'),
    ],
    [
      '$dateSubtract hours',
      { $dateSubtract: { startDate: '$d', unit: 'hour', amount: 2 } },
      new Date('2020-02-29T21:59:58.123Z'),
    ],
    [
      '$dateDiff days counts boundaries',
      {
        $dateDiff: {
          startDate: new Date('2020-01-01T23:00:00Z'),
          endDate: new Date('2020-01-02T01:00:00Z'),
          unit: 'day',
        },
      },
      1,
    ],
    [
      '$dateDiff years',
      { $dateDiff: { startDate: new Date('2019-12-31T00:00:00Z'), endDate: '$d', unit: 'year' } },
      1,
    ],
    [
      '$dateDiff quarters',
      { $dateDiff: { startDate: new Date('2019-12-31T00:00:00Z'), endDate: '$d', unit: 'quarter' } },
      1,
    ],
    ['$dateTrunc to month', { $dateTrunc: { date: '$d', unit: 'month' } }, new Date('2020-02-01T00:00:00Z')],
    [
      '$dateTrunc to week (Sunday)',
      { $dateTrunc: { date: '$d', unit: 'week' } },
      new Date('2020-02-23T00:00:00Z'),
    ],
    [
      '$dateFromParts',
      { $dateFromParts: { year: 2021, month: 3, day: 4, hour: 5 } },
      new Date('2021-03-04T05:00:00Z'),
    ],
    [
      '$dateFromString',
      { $dateFromString: { dateString: '2021-03-04T05:06:07.008Z' } },
      new Date('2021-03-04T05:06:07.008Z'),
    ],
    ['$dateFromString onError', { $dateFromString: { dateString: 'nope', onError: 'bad' } }, 'bad'],
    [
      '$dateToString with offset',
      { $dateToString: { date: '$d', format: '%H:%M', timezone: '+01:00' } },
      '00:59',
    ],
  ];
  it.each(cases)('%s', (_name, expression, expected) => {
    expect(plain(evaluateExpression(expression, doc))).toEqual(expected);
  });

  it('typed results: $divide yields double, $toLong long, decimal arithmetic stays decimal', () => {
    expect(bsonTypeName(evaluateExpression({ $divide: [new Int32(4), new Int32(2)] }, doc))).toBe('double');
    expect(bsonTypeName(evaluateExpression({ $toLong: '$a' }, doc))).toBe('long');
    const sum = evaluateExpression(
      { $add: [Decimal128.fromString('0.1'), Decimal128.fromString('0.2')] },
      doc,
    );
    expect([bsonTypeName(sum), String(sum)]).toEqual(['decimal', '0.3']);
    expect(
      String(evaluateExpression({ $multiply: [Long.fromString('9007199254740993'), new Int32(1)] }, doc)),
    ).toBe('9007199254740993');
  });

  it.each([
    [{ $toInt: 'x' }, 241],
    [{ $switch: { branches: [{ case: false, then: 1 }] } }, 40066],
    [{ $add: ['$s', 1] }, 14],
    [{ $add: [1], $x: 1 }, 15983],
  ])('rejects %p', (expression, code) => {
    expect(() => evaluateExpression(expression, doc)).toThrow(expect.objectContaining({ code }));
  });

  it('reports real but unsupported stages as not implemented', () => {
    expect(() => runPipeline([], [{ $out: 'x' }], { now: new Date(), lookupCollection: () => [] })).toThrow(
      expect.objectContaining({ code: 238 }),
    );
  });
});

describe('extractIndexBounds', () => {
  const cases: [string, Doc, string, unknown][] = [
    ['plain equality', { a: 5 }, 'a', { eq: [5] }],
    ['$eq', { a: { $eq: 'x' } }, 'a', { eq: ['x'] }],
    ['$in', { a: { $in: [1, 2] } }, 'a', { eq: [1, 2] }],
    ['null equality', { a: null }, 'a', { eq: [null] }],
    [
      'range inside the number bracket',
      { a: { $gt: 1, $lte: 9 } },
      'a',
      { min: 1, minInclusive: false, max: 9, maxInclusive: true },
    ],
    [
      'open range is bounded by the bracket',
      { a: { $gte: 'm' } },
      'a',
      { min: 'm', minInclusive: true, max: {}, maxInclusive: false },
    ],
    ['inside $and', { $and: [{ b: 1 }, { a: 3 }] }, 'a', { eq: [3] }],
    ['other field', { b: 1 }, 'a', undefined],
    ['regex is not bounded', { a: /x/ }, 'a', undefined],
    ['array equality is not bounded', { a: [1, 2] }, 'a', undefined],
    ['$ne is not bounded', { a: { $ne: 1 } }, 'a', undefined],
  ];
  it.each(cases)('%s', (_name, filter, field, expected) => {
    const bounds = extractIndexBounds(stored(filter), field);
    expect(bounds === undefined ? undefined : plain(bounds)).toEqual(expected);
  });
});

describe('buildUpsertSeed', () => {
  it.each([
    [{ a: 1, b: { $gt: 1 } }, { a: 1 }],
    [
      { 'x.y': 'z', c: { $eq: 2 } },
      { x: { y: 'z' }, c: 2 },
    ],
    [{ $and: [{ a: 1 }, { b: { $in: [3] } }] }, { a: 1, b: 3 }],
    [{ a: /re/ }, {}],
  ])('seeds %p as %p', (filter, expected) => {
    expect(plain(buildUpsertSeed(stored(filter)))).toEqual(expected);
  });

  it('rejects an ambiguous seed', () => {
    expect(() => buildUpsertSeed({ $and: [{ a: 1 }, { a: 2 }] })).toThrow(
      expect.objectContaining({ code: 54 }),
    );
  });
});
