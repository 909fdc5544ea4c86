import { Decimal128, Double, Int32, Long, Timestamp } from 'bson';
import { applyUpdate, bsonTypeName, type Doc } from '../../src/semantics';
import { plain, stored } from './bson-model';

const now = new Date('2025-06-01T12:00:00Z');

function update(
  doc: Doc,
  spec: Doc | Doc[],
  extra: Partial<{ isInsert: boolean; arrayFilters: Doc[]; query: Doc }> = {},
) {
  return applyUpdate(stored(doc), Array.isArray(spec) ? spec : stored(spec), {
    isInsert: false,
    now,
    ...extra,
  });
}

describe('applyUpdate operators', () => {
  const cases: [string, Doc, Doc, unknown][] = [
    [
      '$set top-level and nested creating documents',
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
    [
      '$set array index pads with null',
      { _id: 1, a: [1] },
      { $set: { 'a.3': 4 } },
      { _id: 1, a: [1, null, null, 4] },
    ],
    ['$unset removes field', { _id: 1, a: 1, b: 2 }, { $unset: { a: '' } }, { _id: 1, b: 2 }],
    [
      '$unset array element sets null',
      { _id: 1, a: [1, 2] },
      { $unset: { 'a.0': 1 } },
      { _id: 1, a: [null, 2] },
    ],
    ['$unset missing is a no-op', { _id: 1 }, { $unset: { 'x.y': 1 } }, { _id: 1 }],
    ['$inc creates missing field', { _id: 1 }, { $inc: { a: 5 } }, { _id: 1, a: 5 }],
    ['$inc adds', { _id: 1, a: 1.5 }, { $inc: { a: 2 } }, { _id: 1, a: 3.5 }],
    ['$mul on missing sets zero', { _id: 1 }, { $mul: { a: 3 } }, { _id: 1, a: 0 }],
    ['$mul multiplies', { _id: 1, a: 4 }, { $mul: { a: 2.5 } }, { _id: 1, a: 10 }],
    ['$min replaces when lower', { _id: 1, a: 5 }, { $min: { a: 3 } }, { _id: 1, a: 3 }],
    ['$min keeps when higher', { _id: 1, a: 5 }, { $min: { a: 8 } }, { _id: 1, a: 5 }],
    ['$max uses BSON order across types', { _id: 1, a: 5 }, { $max: { a: 'x' } }, { _id: 1, a: 'x' }],
    ['$rename moves to the end', { _id: 1, a: 1, b: 2 }, { $rename: { a: 'c' } }, { _id: 1, b: 2, c: 1 }],
    ['$rename into nested path', { _id: 1, a: 1 }, { $rename: { a: 'x.y' } }, { _id: 1, x: { y: 1 } }],
    ['$rename missing source is a no-op', { _id: 1, b: 1 }, { $rename: { a: 'c' } }, { _id: 1, b: 1 }],
    ['$setOnInsert ignored on update', { _id: 1 }, { $setOnInsert: { a: 1 } }, { _id: 1 }],
    ['$push appends', { _id: 1, a: [1] }, { $push: { a: 2 } }, { _id: 1, a: [1, 2] }],
    ['$push creates array', { _id: 1 }, { $push: { a: { b: 1 } } }, { _id: 1, a: [{ b: 1 }] }],
    [
      '$push $each $position',
      { _id: 1, a: [1, 4] },
      { $push: { a: { $each: [2, 3], $position: 1 } } },
      { _id: 1, a: [1, 2, 3, 4] },
    ],
    [
      '$push negative $position',
      { _id: 1, a: [1, 4] },
      { $push: { a: { $each: [9], $position: -1 } } },
      { _id: 1, a: [1, 9, 4] },
    ],
    [
      '$push $sort $slice',
      { _id: 1, a: [5, 1] },
      { $push: { a: { $each: [3, 9], $sort: -1, $slice: 3 } } },
      { _id: 1, a: [9, 5, 3] },
    ],
    [
      '$push negative $slice',
      { _id: 1, a: [1, 2] },
      { $push: { a: { $each: [3], $slice: -2 } } },
      { _id: 1, a: [2, 3] },
    ],
    [
      '$push $sort by field',
      { _id: 1, a: [{ s: 2 }] },
      { $push: { a: { $each: [{ s: 1 }, { s: 3 }], $sort: { s: 1 } } } },
      { _id: 1, a: [{ s: 1 }, { s: 2 }, { s: 3 }] },
    ],
    ['$addToSet adds missing', { _id: 1, a: [1] }, { $addToSet: { a: 2 } }, { _id: 1, a: [1, 2] }],
    ['$addToSet numeric equality', { _id: 1, a: [1] }, { $addToSet: { a: 1.0 } }, { _id: 1, a: [1] }],
    [
      '$addToSet $each',
      { _id: 1, a: [1] },
      { $addToSet: { a: { $each: [1, 2, 2, 3] } } },
      { _id: 1, a: [1, 2, 3] },
    ],
    ['$pull by value', { _id: 1, a: [1, 2, 1, 3] }, { $pull: { a: 1 } }, { _id: 1, a: [2, 3] }],
    ['$pull by condition', { _id: 1, a: [1, 5, 7] }, { $pull: { a: { $gte: 5 } } }, { _id: 1, a: [1] }],
    [
      '$pull by document query',
      { _id: 1, a: [{ b: 1, c: 1 }, { b: 2 }] },
      { $pull: { a: { b: 1 } } },
      { _id: 1, a: [{ b: 2 }] },
    ],
    ['$pullAll', { _id: 1, a: [1, 2, 3, 2] }, { $pullAll: { a: [2, 3] } }, { _id: 1, a: [1] }],
    ['$pop last', { _id: 1, a: [1, 2, 3] }, { $pop: { a: 1 } }, { _id: 1, a: [1, 2] }],
    ['$pop first', { _id: 1, a: [1, 2, 3] }, { $pop: { a: -1 } }, { _id: 1, a: [2, 3] }],
    ['$[] updates every element', { _id: 1, a: [1, 2] }, { $inc: { 'a.$[]': 10 } }, { _id: 1, a: [11, 12] }],
    [
      '$[] nested field',
      { _id: 1, a: [{ b: 1 }, { b: 2 }] },
      { $set: { 'a.$[].c': 0 } },
      {
        _id: 1,
        a: [
          { b: 1, c: 0 },
          { b: 2, c: 0 },
        ],
      },
    ],
    ['replacement keeps _id first', { _id: 1, a: 1 }, { b: 2 }, { _id: 1, b: 2 }],
  ];
  it.each(cases)('%s', (_name, doc, spec, expected) => {
    expect(plain(update(doc, spec).doc)).toEqual(expected);
  });

  it('keeps numeric types: Int32 + Int32 overflow becomes Long, Long stays Long, Decimal is contagious', () => {
    const result = update(
      { _id: 1, i: 2147483647, l: Long.fromNumber(5), d: 1, x: new Int32(1) },
      {
        $inc: { i: new Int32(1), l: new Int32(1), d: Decimal128.fromString('0.5'), x: new Double(0.5) },
      },
    ).doc;
    expect([
      bsonTypeName(result.i),
      bsonTypeName(result.l),
      bsonTypeName(result.d),
      bsonTypeName(result.x),
    ]).toEqual(['long', 'long', 'decimal', 'double']);
    expect(String(result.i)).toBe('2147483648');
    expect(String(result.d)).toBe('1.5');
  });

  it('$inc on Long above 2^53 is exact', () => {
    const result = update(
      { _id: 1, l: Long.fromString('9007199254740993') },
      { $inc: { l: Long.fromNumber(2) } },
    ).doc;
    expect(String(result.l)).toBe('9007199254740995');
  });

  it('appends new fields in field-name order and keeps existing positions', () => {
    expect(Object.keys(update({ _id: 1, m: 0 }, { $set: { z: 1, b: 1, m: 2 }, $inc: { a: 1 } }).doc)).toEqual(
      ['_id', 'm', 'a', 'b', 'z'],
    );
    expect(Object.keys(update({ _id: 1, a: 1, b: 2 }, { $rename: { a: 'c' } }).doc)).toEqual([
      '_id',
      'b',
      'c',
    ]);
  });

  it('$currentDate writes dates and timestamps', () => {
    const result = update({ _id: 1 }, { $currentDate: { d: true, t: { $type: 'timestamp' } } }).doc;
    expect(result.d).toEqual(now);
    expect(result.t).toBeInstanceOf(Timestamp);
  });

  it('$setOnInsert applies on insert', () => {
    expect(plain(update({ _id: 1 }, { $setOnInsert: { a: 1 } }, { isInsert: true }).doc)).toEqual({
      _id: 1,
      a: 1,
    });
  });

  it('positional $ uses the query match', () => {
    const result = update(
      { _id: 1, a: [{ b: 1 }, { b: 2 }] },
      { $set: { 'a.$.c': 'x' } },
      { query: { 'a.b': 2 } },
    ).doc;
    expect(plain(result)).toEqual({ _id: 1, a: [{ b: 1 }, { b: 2, c: 'x' }] });
  });

  it('positional $ on a scalar array', () => {
    const result = update(
      { _id: 1, a: [5, 6, 7] },
      { $set: { 'a.$': 60 } },
      { query: { a: { $gte: 6 } } },
    ).doc;
    expect(plain(result)).toEqual({ _id: 1, a: [5, 60, 7] });
  });

  it('positional $ with an $elemMatch query', () => {
    const result = update(
      {
        _id: 1,
        a: [
          { b: 1, c: 1 },
          { b: 1, c: 2 },
        ],
      },
      { $inc: { 'a.$.c': 10 } },
      { query: { a: { $elemMatch: { b: 1, c: 2 } } } },
    ).doc;
    expect(plain(result)).toEqual({
      _id: 1,
      a: [
        { b: 1, c: 1 },
        { b: 1, c: 12 },
      ],
    });
  });

  it('nested $[i] and $[j] array filters', () => {
    const result = update(
      {
        _id: 1,
        g: [
          { k: 'x', v: [1, 5] },
          { k: 'y', v: [5] },
        ],
      },
      { $set: { 'g.$[i].v.$[j]': 0 } },
      {
        arrayFilters: [{ 'i.k': 'x' }, { j: { $gte: 5 } }],
      },
    ).doc;
    expect(plain(result)).toEqual({
      _id: 1,
      g: [
        { k: 'x', v: [1, 0] },
        { k: 'y', v: [5] },
      ],
    });
  });

  it('$[id] with arrayFilters', () => {
    const result = update(
      { _id: 1, a: [{ b: 1 }, { b: 5 }, { b: 7 }] },
      { $set: { 'a.$[big].flag': true } },
      {
        arrayFilters: [{ 'big.b': { $gt: 4 } }],
      },
    ).doc;
    expect(plain(result)).toEqual({ _id: 1, a: [{ b: 1 }, { b: 5, flag: true }, { b: 7, flag: true }] });
  });

  it('reports modified=false when nothing changes, and true for a type change', () => {
    expect(update({ _id: 1, a: 1 }, { $set: { a: 1 } }).modified).toBe(false);
    expect(update({ _id: 1, a: 1 }, { $set: { a: new Double(1) } }).modified).toBe(true);
    expect(update({ _id: 1, a: [1] }, { $addToSet: { a: 1 } }).modified).toBe(false);
  });

  it('never mutates its input', () => {
    const input = stored({ _id: 1, a: { b: [1] } });
    applyUpdate(input, { $push: { 'a.b': 2 }, $set: { c: 1 } }, { isInsert: false, now });
    expect(plain(input)).toEqual({ _id: 1, a: { b: [1] } });
  });

  it('runs pipeline updates', () => {
    const result = update({ _id: 1, a: 2, b: 3 }, [
      { $set: { sum: { $add: ['$a', '$b'] } } },
      { $unset: 'a' },
    ]).doc;
    expect(plain(result)).toEqual({ _id: 1, b: 3, sum: 5 });
  });
});

describe('applyUpdate errors', () => {
  const cases: [string, Doc, Doc | Doc[], number, RegExp, Partial<{ query: Doc; arrayFilters: Doc[] }>?][] = [
    [
      '$inc on a string',
      { _id: 1, a: 'x' },
      { $inc: { a: 1 } },
      14,
      /Cannot apply \$inc to a value of non-numeric type. \{_id: 1\} has the field 'a' of non-numeric type string/,
    ],
    [
      '$inc with a string argument',
      { _id: 1 },
      { $inc: { a: 'x' } },
      14,
      /Cannot increment with non-numeric argument/,
    ],
    ['$mul on a string', { _id: 1, a: 'x' }, { $mul: { a: 2 } }, 14, /Cannot apply \$mul/],
    [
      '$inc overflowing Int64',
      { _id: 1, a: Long.MAX_VALUE },
      { $inc: { a: 1 } },
      2,
      /Failed to apply \$inc operations to current value \(\(NumberLong\)9223372036854775807\)/,
    ],
    [
      'path through a scalar',
      { _id: 1, a: 1 },
      { $set: { 'a.b': 1 } },
      28,
      /Cannot create field 'b' in element \{a: 1\}/,
    ],
    ['modifying _id', { _id: 1 }, { $set: { _id: 2 } }, 66, /immutable field '_id'/],
    ['unsetting _id', { _id: 1 }, { $unset: { _id: 1 } }, 66, /immutable field '_id'/],
    ['replacing _id', { _id: 1 }, { _id: 2, a: 1 }, 66, /_id/],
    [
      'conflicting paths',
      { _id: 1 },
      { $set: { a: 1 }, $inc: { a: 1 } },
      40,
      /Updating the path 'a' would create a conflict at 'a'/,
    ],
    ['conflicting prefix', { _id: 1 }, { $set: { a: 1, 'a.b': 1 } }, 40, /would create a conflict at 'a'/],
    ['unknown modifier', { _id: 1 }, { $foo: { a: 1 } }, 9, /Unknown modifier: \$foo/],
    ['mixing operators and fields', { _id: 1 }, { $set: { a: 1 }, b: 1 }, 9, /Unknown modifier: b/],
    ['modifier with non-object', { _id: 1 }, { $set: 1 }, 9, /Modifiers operate on fields/],
    ['empty path', { _id: 1 }, { $set: { '': 1 } }, 56, /empty/],
    ['$push on non-array', { _id: 1, a: 1 }, { $push: { a: 2 } }, 2, /must be an array but is of type int/],
    ['$addToSet on non-array', { _id: 1, a: 1 }, { $addToSet: { a: 2 } }, 2, /non-array/],
    ['$pop with bad argument', { _id: 1, a: [1] }, { $pop: { a: 2 } }, 9, /\$pop expects 1 or -1/],
    ['$pullAll with non-array', { _id: 1, a: [1] }, { $pullAll: { a: 1 } }, 2, /requires an array argument/],
    ['$rename to same field', { _id: 1, a: 1 }, { $rename: { a: 'a' } }, 2, /must differ/],
    ['$rename non-string target', { _id: 1, a: 1 }, { $rename: { a: 1 } }, 2, /must be a string/],
    ['$each not array', { _id: 1 }, { $push: { a: { $each: 1 } } }, 2, /must be an array/],
    [
      'positional without match',
      { _id: 1, a: [1] },
      { $set: { 'a.$': 1 } },
      2,
      /positional operator did not find the match/,
    ],
    [
      '$[] on non-array',
      { _id: 1, a: 1 },
      { $set: { 'a.$[]': 1 } },
      2,
      /Cannot apply array updates to non-array element/,
    ],
    [
      'missing array filter',
      { _id: 1, a: [1] },
      { $set: { 'a.$[x]': 1 } },
      2,
      /No array filter found for identifier 'x'/,
    ],
    [
      'unused array filter',
      { _id: 1, a: [1] },
      { $set: { b: 1 } },
      9,
      /was not used/,
      { arrayFilters: [{ x: 1 }] },
    ],
    [
      '$currentDate bad type',
      { _id: 1 },
      { $currentDate: { a: { $type: 'x' } } },
      2,
      /'date' or 'timestamp'/,
    ],
    ['pipeline with $match', { _id: 1 }, [{ $match: {} }], 72, /not allowed to be used within an update/],
  ];
  it.each(cases)('%s', (...[_name, doc, spec, code, message, extra]) => {
    expect(() => update(doc, spec, extra ?? {})).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  });
});
