import { applyProjection, type Doc } from '../../src/semantics';
import { plain, stored } from './bson-model';

const doc = stored({
  _id: 1,
  a: 1,
  b: { c: 2, d: 3 },
  arr: [{ x: 1, y: 1 }, { x: 2, y: 2 }, 5],
  list: [1, 2, 3, 4, 5],
});

describe('applyProjection (find)', () => {
  const cases: [string, Doc | undefined, unknown, Doc?][] = [
    ['no projection', undefined, plain(doc)],
    ['empty projection', {}, plain(doc)],
    ['inclusion keeps _id', { a: 1 }, { _id: 1, a: 1 }],
    ['inclusion follows document order', { b: 1, a: 1 }, { _id: 1, a: 1, b: { c: 2, d: 3 } }],
    ['inclusion without _id', { a: 1, _id: 0 }, { a: 1 }],
    [
      'only _id excluded',
      { _id: 0 },
      { a: 1, b: { c: 2, d: 3 }, arr: [{ x: 1, y: 1 }, { x: 2, y: 2 }, 5], list: [1, 2, 3, 4, 5] },
    ],
    ['exclusion', { b: 0, arr: 0, list: 0 }, { _id: 1, a: 1 }],
    ['dotted inclusion', { 'b.c': 1 }, { _id: 1, b: { c: 2 } }],
    ['nested object inclusion', { b: { d: 1 } }, { _id: 1, b: { d: 3 } }],
    ['dotted exclusion', { 'b.c': 0, arr: 0, list: 0 }, { _id: 1, a: 1, b: { d: 3 } }],
    ['inclusion through array drops scalars', { 'arr.x': 1, _id: 0 }, { arr: [{ x: 1 }, { x: 2 }] }],
    [
      'exclusion through array keeps scalars',
      { 'arr.x': 0, _id: 0, b: 0, list: 0, a: 0 },
      { arr: [{ y: 1 }, { y: 2 }, 5] },
    ],
    [
      '$slice count keeps other fields',
      { list: { $slice: 2 }, arr: 0, b: 0 },
      { _id: 1, a: 1, list: [1, 2] },
    ],
    ['$slice negative', { list: { $slice: -2 }, _id: 0, a: 1 }, { a: 1, list: [4, 5] }],
    ['$slice skip and limit', { list: { $slice: [1, 2] }, a: 1 }, { _id: 1, a: 1, list: [2, 3] }],
    [
      '$elemMatch returns first match only',
      { arr: { $elemMatch: { x: { $gte: 1 } } } },
      { _id: 1, arr: [{ x: 1, y: 1 }] },
    ],
    ['$elemMatch without match omits field', { arr: { $elemMatch: { x: 9 } } }, { _id: 1 }],
    ['positional projection', { 'arr.$': 1 }, { _id: 1, arr: [{ x: 2, y: 2 }] }, { 'arr.x': 2 }],
    ['computed field', { a: 1, total: { $add: ['$a', '$b.c'] } }, { _id: 1, a: 1, total: 3 }],
    ['field path expression', { _id: 0, copy: '$b.d' }, { copy: 3 }],
    ['literal', { _id: 0, tag: { $literal: 1 } }, { tag: 1 }],
  ];
  it.each(cases)('%s', (...[_name, projection, expected, query]) => {
    expect(plain(applyProjection(doc, projection, query))).toEqual(expected);
  });

  it.each([
    [{ a: 1, b: 0 }, 31254],
    [{ a: 0, b: 1 }, 31253],
    [{ a: 1, 'a.b': 1 }, 31249],
  ])('rejects %p with code %i', (projection, code) => {
    expect(() => applyProjection(doc, projection)).toThrow(expect.objectContaining({ code }));
  });
});
