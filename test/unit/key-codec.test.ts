import { valuesAtPath } from '../../tools/local-cloud/db/documents';
import { encodeComponent, encodeKey } from '../../tools/local-cloud/db/key-codec';

const order = (values: unknown[][]) =>
  values
    .map((v) => ({ v, key: encodeKey(v) }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map((x) => x.v);

describe('index keys', () => {
  it('should order numbers as numbers, negatives and fractions included', () => {
    const values = [[10], [-1.5], [0], [2], [-100], [1e9], [0.25]];
    expect(order(values)).toEqual([[-100], [-1.5], [0], [0.25], [2], [10], [1e9]]);
  });

  it('should order strings by their bytes, a prefix first, with NUL inside strings kept apart', () => {
    expect(order([['b'], ['ab'], ['a'], ['a\u0000'], ['张'], ['']])).toEqual([
      [''],
      ['a'],
      ['a\u0000'],
      ['ab'],
      ['b'],
      ['张'],
    ]);
  });

  it('should order dates in time and across types as MongoDB does: null < number < string < boolean < date', () => {
    const d1 = new Date('2026-01-01T00:00:00Z');
    const d2 = new Date('2026-06-01T00:00:00Z');
    expect(order([[d2], [true], ['x'], [3], [null], [d1]])).toEqual([[null], [3], ['x'], [true], [d1], [d2]]);
  });

  it('should order compound keys field by field', () => {
    const t = (s: string) => new Date(s);
    const keys = [
      ['p2', t('2026-01-01T00:00:00Z')],
      ['p1', t('2026-03-01T00:00:00Z')],
      ['p1', t('2026-02-01T00:00:00Z')],
      ['p10', t('2025-01-01T00:00:00Z')],
    ];
    expect(order(keys).map(([p, d]) => `${p}@${(d as Date).toISOString().slice(0, 7)}`)).toEqual([
      'p1@2026-02',
      'p1@2026-03',
      'p10@2025-01',
      'p2@2026-01',
    ]);
  });

  it('should order null before every number, objects between strings and booleans, false before true', () => {
    expect(order([[true], [{ a: 1 }], [false], [-Infinity], [null], ['z'], [undefined]])).toEqual([
      [null],
      [undefined],
      [-Infinity],
      ['z'],
      [{ a: 1 }],
      [false],
      [true],
    ]);
  });

  // the index tables keep these bytes on disk: a change of encoding would leave a data file's indexes unreadable
  it.each([
    [null, '05'],
    [undefined, '05'],
    [0, '108000000000000000'],
    [-0, '108000000000000000'],
    [1, '10bff0000000000000'],
    [-1, '10400fffffffffffff'],
    ['a', '20610000'],
    ['a\u0000b', '206100ff620000'],
    [false, '4000'],
    [true, '4001'],
    [new Date(0), '508000000000000000'],
    [{ a: 1 }, '307b2261223a317d0000'],
  ])('should encode %p as the bytes %s', (value, hex) => {
    expect(encodeComponent(value).toString('hex')).toBe(hex);
  });
});

describe('the values an index takes from a document', () => {
  it.each([
    ['site.id', { site: { id: 's1' } }, ['s1']],
    ['site.id', { site: 's1' }, []],
    ['site.id', { site: null }, []],
    ['site.id', {}, []],
    ['scopeAncestors', { scopeAncestors: ['p1', 'p2'] }, [['p1', 'p2']]],
    ['items.id', { items: [{ id: 1 }, { other: 2 }, 'x', null, { id: 3 }] }, [1, 3]],
    ['a.b.c', { a: [{ b: [{ c: 1 }, { c: 2 }] }, { b: { c: 3 } }] }, [1, 2, 3]],
  ])('should find at %s in %j the values %j', (path, doc, values) => {
    expect(valuesAtPath(doc, path)).toEqual(values);
  });
});
