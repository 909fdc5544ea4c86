import { BSONRegExp, Decimal128, Double, Int32, Long, MaxKey, MinKey } from 'bson';
import { compileFilter, type Doc } from '../../src/semantics';
import { stored } from './bson-model';

const docs: Doc[] = [
  stored({ _id: 1, a: 1, s: 'abc', tags: ['x', 'y'], n: null, sub: { b: 2, c: [1, 2, 3] } }),
  stored({
    _id: 2,
    a: 2.5,
    s: 'ABD',
    tags: ['y'],
    sub: { b: 3 },
    arr: [
      { b: 1, c: 'k' },
      { b: 5, c: 'm' },
    ],
  }),
  stored({ _id: 3, a: '5', s: 'xyz', tags: [], items: [[1, 2], 3] }),
  stored({ _id: 4, a: [1, 7], big: Long.fromString('9007199254740993'), d: Decimal128.fromString('2.50') }),
  stored({
    _id: 5,
    a: null,
    big: Long.fromString('9007199254740992'),
    when: new Date('2024-01-01T00:00:00Z'),
  }),
  stored({ _id: 6, nested: { deep: [{ x: 1 }, { x: [2, 3] }] }, vals: [0, 10, 20] }),
];

function ids(filter: Doc): number[] {
  const predicate = compileFilter(filter);
  return docs.filter((doc) => predicate(doc)).map((doc) => Number((doc._id as Int32).valueOf()));
}

describe('compileFilter matches like MongoDB', () => {
  const cases: [string, Doc, number[]][] = [
    ['empty filter matches all', {}, [1, 2, 3, 4, 5, 6]],
    ['equality on number across Int32/Double', { a: new Double(1) }, [1, 4]],
    ['equality matches array element', { a: 7 }, [4]],
    ['equality on whole array', { tags: ['x', 'y'] }, [1]],
    ['null matches missing and null', { a: null }, [5, 6]],
    ['$eq null on explicit null field', { n: { $eq: null } }, [2, 3, 4, 5, 6, 1]],
    ['$ne excludes arrays containing value', { a: { $ne: 1 } }, [2, 3, 5, 6]],
    ['$gt brackets by type (no strings)', { a: { $gt: 2 } }, [2, 4]],
    ['$gte on strings is bytewise', { s: { $gte: 'abc' } }, [1, 3]],
    ['$lt with array elements', { a: { $lt: 2 } }, [1, 4]],
    ['$lte null matches null and missing', { a: { $lte: null } }, [5, 6]],
    ['$gt null matches nothing', { a: { $gt: null } }, []],
    ['$gt MinKey matches every value', { a: { $gt: new MinKey() } }, [1, 2, 3, 4, 5, 6]],
    ['$lt MaxKey matches every value', { s: { $lt: new MaxKey() } }, [1, 2, 3, 4, 5, 6]],
    ['Long above 2^53 exact $gt', { big: { $gt: Long.fromString('9007199254740992') } }, [4]],
    ['Long above 2^53 exact $eq', { big: Long.fromString('9007199254740992') }, [5]],
    ['Decimal128 equals double', { d: 2.5 }, [4]],
    ['Decimal128 range with Int32', { d: { $gt: new Int32(2), $lt: new Int32(3) } }, [4]],
    ['$in with values', { a: { $in: [2.5, '5'] } }, [2, 3]],
    ['$in with null matches missing', { a: { $in: [null] } }, [5, 6]],
    ['$in with regex', { s: { $in: [/^ab/] } }, [1]],
    ['$nin', { a: { $nin: [1, null] } }, [2, 3]],
    [
      'long $in list (hashed) across numeric types and null',
      { a: { $in: [new Double(2.5), 100, 101, 102, 103, 104, 105, 106, 107, Long.fromNumber(7), null] } },
      [2, 4, 5, 6],
    ],
    ['$exists true', { n: { $exists: true } }, [1]],
    ['$exists false', { sub: { $exists: false } }, [3, 4, 5, 6]],
    ['dotted path into embedded doc', { 'sub.b': 3 }, [2]],
    ['dotted path into array of docs', { 'arr.b': 5 }, [2]],
    ['numeric path component', { 'arr.1.c': 'm' }, [2]],
    ['numeric path into scalar array', { 'sub.c.2': 3 }, [1]],
    ['nested arrays through documents', { 'nested.deep.x': 3 }, [6]],
    ['$and', { $and: [{ a: { $gte: 1 } }, { a: { $lt: 2 } }] }, [1, 4]],
    ['$or', { $or: [{ a: 2.5 }, { _id: 6 }] }, [2, 6]],
    ['$nor', { $nor: [{ a: 1 }, { a: null }] }, [2, 3]],
    ['$not with operator', { a: { $not: { $gt: 2 } } }, [1, 3, 5, 6]],
    ['$not with regex', { s: { $not: /^a/ } }, [2, 3, 4, 5, 6]],
    ['$type by alias', { a: { $type: 'string' } }, [3]],
    ['$type int vs double', { a: { $type: 'int' } }, [1, 4]],
    ['$type double', { a: { $type: 'double' } }, [2]],
    ['$type long', { big: { $type: 'long' } }, [4, 5]],
    ['$type decimal by number', { d: { $type: 19 } }, [4]],
    ['$type number alias', { a: { $type: 'number' } }, [1, 2, 4]],
    ['$type array', { tags: { $type: 'array' } }, [1, 2, 3]],
    ['$type null', { a: { $type: 'null' } }, [5]],
    ['$type list', { a: { $type: ['string', 'double'] } }, [2, 3]],
    ['$type date', { when: { $type: 'date' } }, [5]],
    ['$regex string with options', { s: { $regex: '^ab', $options: 'i' } }, [1, 2]],
    ['regex literal', { s: /Y/i }, [3]],
    ['PCRE inline option', { s: { $regex: '(?i)^abd' } }, [2]],
    ['extended regex option', { s: { $regex: '^a b c # comment', $options: 'x' } }, [1]],
    ['BSONRegExp value', { s: new BSONRegExp('^x') }, [3]],
    ['$regex on array elements', { tags: { $regex: '^x' } }, [1]],
    ['$size', { tags: { $size: 1 } }, [2]],
    ['$size zero', { tags: { $size: 0 } }, [3]],
    ['$all', { tags: { $all: ['y', 'x'] } }, [1]],
    ['$all empty matches nothing', { tags: { $all: [] } }, []],
    ['$elemMatch on documents', { arr: { $elemMatch: { b: { $gt: 2 }, c: 'm' } } }, [2]],
    ['$elemMatch does not mix elements', { arr: { $elemMatch: { b: 1, c: 'm' } } }, []],
    ['$elemMatch with operators on values', { vals: { $elemMatch: { $gt: 5, $lt: 15 } } }, [6]],
    ['$all with $elemMatch', { arr: { $all: [{ $elemMatch: { b: 5 } }] } }, [2]],
    ['$mod', { vals: { $mod: [20, 0] } }, [6]],
    ['$mod truncates divisor, remainder and value', { a: { $mod: [2, 0.5] } }, [2]],
    ['$expr comparing fields', { $expr: { $gt: ['$sub.b', 2] } }, [2]],
    ['nested array equality via element', { items: [1, 2] }, [3]],
    ['$bitsAllSet with a mask', { vals: { $bitsAllSet: 10 } }, [6]],
    ['$bitsAnySet with positions', { a: { $bitsAnySet: [0] } }, [1, 4]],
    ['$bitsAllClear', { a: { $bitsAllClear: [0] } }, []],
    ['$bitsAnyClear', { big: { $bitsAnyClear: [0] } }, [5]],
    ['$comment is ignored', { _id: 1, $comment: 'hello' }, [1]],
  ];
  it.each(cases)('%s', (_name, filter, expected) => {
    expect(ids(filter).sort()).toEqual([...expected].sort());
  });

  const invalid: [string, Doc, number, RegExp][] = [
    ['unknown field operator', { a: { $foo: 1 } }, 2, /unknown operator: \$foo/],
    ['unknown top-level operator', { $foo: 1 }, 2, /unknown top level operator: \$foo/],
    ['$in without array', { a: { $in: 1 } }, 2, /\$in needs an array/],
    ['$and not array', { $and: {} }, 2, /must be an array/],
    ['$or empty', { $or: [] }, 2, /nonempty array/],
    ['$not empty', { a: { $not: {} } }, 2, /\$not cannot be empty/],
    ['$not scalar', { a: { $not: 1 } }, 2, /\$not needs a regex or a document/],
    ['$type unknown alias', { a: { $type: 'nope' } }, 2, /Unknown type name alias: nope/],
    ['$type bad code', { a: { $type: 99 } }, 2, /Invalid numerical type code: 99/],
    ['$size non-number', { a: { $size: 'x' } }, 2, /\$size needs a number/],
    ['$mod divisor zero', { a: { $mod: [0, 1] } }, 2, /divisor cannot be 0/],
    ['$mod too few', { a: { $mod: [1] } }, 2, /not enough elements/],
    ['$regex not string', { a: { $regex: 1 } }, 2, /\$regex has to be a string/],
    ['$options without $regex', { a: { $options: 'i' } }, 51074, /\$options needs a \$regex/],
    ['$elemMatch non-object', { a: { $elemMatch: 1 } }, 2, /\$elemMatch needs an Object/],
  ];
  it.each(invalid)('rejects %s', (_name, filter, code, message) => {
    expect(() => compileFilter(filter)).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  });
});
