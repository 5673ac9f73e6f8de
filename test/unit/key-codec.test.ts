import { encodeKey } from '../../tools/local-cloud/db/key-codec';

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
});
