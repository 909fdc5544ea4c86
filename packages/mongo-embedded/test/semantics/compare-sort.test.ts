import {
  Binary,
  BSONRegExp,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
} from 'bson';
import {
  bsonTypeName,
  compileSort,
  compareValues,
  distinctValues,
  getPathValues,
  sortDocuments,
  valuesEqual,
  type Doc,
} from '../../src/semantics';
import { plain, stored } from './bson-model';

describe('BSON comparison order', () => {
  const ascending: unknown[] = [
    new MinKey(),
    null,
    new Double(Number.NaN),
    new Double(Number.NEGATIVE_INFINITY),
    new Int32(-5),
    Decimal128.fromString('-4.5'),
    new Int32(1),
    Long.fromString('9007199254740992'),
    Long.fromString('9007199254740993'),
    new Double(1e300),
    '',
    'A',
    'a',
    'ab',
    {},
    { a: 1 },
    { a: 1, b: 1 },
    { b: 0 },
    [],
    [1],
    [1, 2],
    new Binary(Buffer.from([1])),
    new Binary(Buffer.from([0, 0])),
    new ObjectId('000000000000000000000001'),
    new ObjectId('ffffffffffffffffffffffff'),
    false,
    true,
    new Date(-1),
    new Date(0),
    new Timestamp({ t: 1, i: 5 }),
    new Timestamp({ t: 2, i: 0 }),
    new BSONRegExp('a', ''),
    new BSONRegExp('b', ''),
    new MaxKey(),
  ];
  it.each(ascending.slice(1).map((value, index) => [index, ascending[index], value]))(
    'element %i sorts before the next',
    (_index, lower, higher) => {
      expect(compareValues(lower, higher)).toBe(-1);
      expect(compareValues(higher, lower)).toBe(1);
    },
  );

  const equal: [string, unknown, unknown][] = [
    ['int and double', new Int32(1), new Double(1)],
    ['int and long', new Int32(7), Long.fromNumber(7)],
    ['double and decimal', new Double(2.5), Decimal128.fromString('2.50')],
    ['long and decimal', Long.fromString('9007199254740993'), Decimal128.fromString('9007199254740993')],
    ['-0 and 0', new Double(-0), new Int32(0)],
    ['NaN and NaN', new Double(Number.NaN), Decimal128.fromString('NaN')],
    ['nested numeric types', { a: [new Int32(1)] }, { a: [new Double(1)] }],
  ];
  it.each(equal)('%s are equal', (_name, a, b) => expect(valuesEqual(a, b)).toBe(true));

  it('documents with different field order differ', () =>
    expect(valuesEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false));
  it('Long close to 2^63 compares exactly with a double', () => {
    expect(compareValues(Long.fromString('9223372036854775807'), new Double(2 ** 63))).toBe(-1);
  });

  const types: [unknown, string][] = [
    [new Int32(1), 'int'],
    [new Double(1), 'double'],
    [Long.fromNumber(1), 'long'],
    [Decimal128.fromString('1'), 'decimal'],
    ['s', 'string'],
    [true, 'bool'],
    [null, 'null'],
    [new Date(), 'date'],
    [new ObjectId(), 'objectId'],
    [[], 'array'],
    [{}, 'object'],
    [new BSONRegExp('a', ''), 'regex'],
    [/a/, 'regex'],
    [new Binary(Buffer.from('')), 'binData'],
    [new Timestamp({ t: 1, i: 1 }), 'timestamp'],
    [new MinKey(), 'minKey'],
    [new MaxKey(), 'maxKey'],
    [3, 'int'],
    [3.5, 'double'],
  ];
  it.each(types)('bsonTypeName(%p) is %s', (value, name) => expect(bsonTypeName(value)).toBe(name));
});

describe('sorting', () => {
  const docs = [
    stored({ _id: 1, v: 'text' }),
    stored({ _id: 2 }),
    stored({ _id: 3, v: 5 }),
    stored({ _id: 4, v: null }),
    stored({ _id: 5, v: [2, 9] }),
    stored({ _id: 6, v: { x: 1 } }),
    stored({ _id: 7, v: true }),
    stored({ _id: 8, v: [] }),
  ];
  const order = (sort: Doc) => sortDocuments(docs, sort).map((doc) => Number(doc._id));

  it('ascending: empty array, missing with null, numbers (array min), strings, objects, booleans', () => {
    expect(order({ v: 1 })).toEqual([8, 2, 4, 5, 3, 1, 6, 7]);
  });
  it('descending uses the array max and keeps missing with null lowest', () => {
    expect(order({ v: -1 })).toEqual([7, 6, 1, 5, 3, 2, 4, 8]);
  });
  it('multi-key sort', () => {
    const rows = [
      stored({ _id: 1, a: 1, b: 2 }),
      stored({ _id: 2, a: 1, b: 1 }),
      stored({ _id: 3, a: 0, b: 3 }),
    ];
    expect(sortDocuments(rows, { a: 1, b: -1 }).map((doc) => Number(doc._id))).toEqual([3, 1, 2]);
    expect([...rows].sort(compileSort({ a: -1, b: 1 })).map((doc) => Number(doc._id))).toEqual([2, 1, 3]);
  });
  it('sorts by dotted path', () => {
    const rows = [stored({ _id: 1, a: { b: 3 } }), stored({ _id: 2, a: { b: 1 } }), stored({ _id: 3 })];
    expect(sortDocuments(rows, { 'a.b': 1 }).map((doc) => Number(doc._id))).toEqual([3, 2, 1]);
  });
  it.each([
    [{ a: 2 }, 15975],
    [{ a: 'x' }, 15974],
  ])('rejects sort spec %p', (spec, code) => {
    expect(() => compileSort(spec)).toThrow(expect.objectContaining({ code }));
  });
});

describe('paths and distinct', () => {
  const doc = stored({ a: [{ b: 1 }, { b: [2, 3] }, { c: 1 }], d: { e: 'x' } });
  it.each([
    ['a.b', [1, 2, 3]],
    ['d.e', ['x']],
    ['a.0.b', [1]],
    ['nope', []],
  ])('getPathValues(%s)', (path, expected) => expect(plain(getPathValues(doc, path))).toEqual(expected));

  it('distinct flattens arrays and merges numerically equal values', () => {
    const rows = [
      stored({ a: 1 }),
      stored({ a: [1, 2] }),
      stored({ a: new Double(2) }),
      stored({ a: 'x' }),
      stored({ b: 1 }),
    ];
    expect(plain(distinctValues(rows, 'a'))).toEqual([1, 2, 'x']);
    expect(plain(distinctValues(rows, 'a', { a: { $type: 'string' } }))).toEqual(['x']);
  });
});
