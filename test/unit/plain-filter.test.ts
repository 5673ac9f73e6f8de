/**
 * The store's plain filters (tools/local-cloud/db/plain-filter.ts): the filters most reads send are tested without
 * mingo, and every answer given is mingo's own. Random documents and filters, each decision checked against mingo's
 * full Query; the documents left to mingo (arrays, missing fields, values of another type) found as mingo finds them
 * through the store; and the filters a scan sends are plain, which is why the module is there.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Query } from 'mingo';
import type { CollectionSpec } from '../../cloudfunctions/_server/db/collections';
import { plainFilterTest } from '../../tools/local-cloud/db/plain-filter';
import { Store, type Doc } from '../../tools/local-cloud/db/store';
import { seededRandom } from '../helpers/random';

const T0 = Date.UTC(2026, 11, 1);
/** Values close to each other, so that comparisons land on both sides and on equality. */
const SCALARS: unknown[] = [
  'a',
  'b',
  'B',
  '',
  'ä',
  '𠀀', // outside the BMP: a surrogate pair
  '\uffff',
  '10',
  '9',
  0,
  -0,
  1,
  9,
  10,
  1.5,
  -1,
  true,
  false,
  new Date(T0),
  new Date(T0 + 1),
  new Date(T0 - 1),
];
const ODD: unknown[] = [
  null,
  undefined,
  [],
  ['a', 1],
  [new Date(T0)],
  { x: 1 },
  NaN,
  Infinity,
  new Date(NaN),
];

function docOf(next: () => number): Doc {
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const value = () => (next() < 0.75 ? pick(SCALARS) : pick(ODD));
  const doc: Record<string, unknown> = { _id: 'd' };
  for (const field of ['a', 'b']) if (next() < 0.9) doc[field] = value();
  const r = next();
  // q.c through a plain object, an array of objects, a scalar or nothing
  if (r < 0.6) doc.q = { c: value() };
  else if (r < 0.75) doc.q = [{ c: pick(SCALARS) }, { c: pick(SCALARS) }];
  else if (r < 0.85) doc.q = pick(SCALARS);
  return doc as Doc;
}

/** A document whose fields hold the values the filter names: each comparison at its bound. */
function docAtBounds(filter: Record<string, unknown>, next: () => number): Doc {
  const doc = docOf(next) as Record<string, unknown>;
  const clauses = [filter, ...((filter.$and as Array<Record<string, unknown>>) ?? [])];
  for (const clause of clauses) {
    for (const [field, cond] of Object.entries(clause)) {
      if (field === '$and') continue;
      const isOps = cond !== null && typeof cond === 'object' && !(cond instanceof Date);
      const value = isOps ? Object.values(cond as object)[0] : cond;
      if (field === 'q.c') doc.q = { c: value };
      else doc[field] = value;
    }
  }
  return doc as Doc;
}

function filterOf(next: () => number): Record<string, unknown> {
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const clause = () => {
    const field = pick(['a', 'b', 'q.c']);
    if (next() < 0.35) return { [field]: pick(SCALARS) };
    const ops: Record<string, unknown> = {};
    const count = 1 + Math.floor(next() * 2);
    for (let i = 0; i < count; i++) {
      const value = pick(SCALARS);
      ops[typeof value === 'boolean' ? '$eq' : pick(['$eq', '$gt', '$gte', '$lt', '$lte'])] = value;
    }
    return { [field]: ops };
  };
  const filter: Record<string, unknown> = {};
  const clauses = 1 + Math.floor(next() * 3);
  for (let i = 0; i < clauses; i++) Object.assign(filter, clause());
  if (next() < 0.3) filter.$and = [clause(), clause()];
  return filter;
}

describe('a plain filter decides as mingo does, or leaves the document to mingo', () => {
  it('20,000 random documents and filters: every decision is mingo’s, and most are decided', () => {
    const next = seededRandom(20261201);
    let decided = 0;
    const seen = { true: 0, false: 0 };
    for (let i = 0; i < 20_000; i++) {
      const filter = filterOf(next);
      const doc = next() < 0.5 ? docOf(next) : docAtBounds(filter, next);
      const plain = plainFilterTest(filter);
      expect(plain).not.toBeNull();
      const answer = plain!(doc);
      if (answer === undefined) continue;
      decided++;
      seen[String(answer) as 'true' | 'false']++;
      const mingo = new Query(filter).test(doc);
      if (answer !== mingo) throw new Error(`${JSON.stringify(filter)} on ${JSON.stringify(doc)}: ${answer}`);
    }
    // not a test that passes by deciding nothing: both answers, most of the time
    expect(decided).toBeGreaterThan(9_000);
    expect(seen.true).toBeGreaterThan(2_500);
    expect(seen.false).toBeGreaterThan(5_000);
  });

  it('a range holds at its bound and not past it, to the millisecond', () => {
    const at = new Date(T0);
    const doc = { _id: 'd', scannedAt: at } as Doc;
    const test = (cond: Record<string, Date>) => plainFilterTest({ scannedAt: cond })!(doc);
    expect(test({ $gte: at })).toBe(true);
    expect(test({ $gt: at })).toBe(false);
    expect(test({ $lte: at })).toBe(true);
    expect(test({ $lt: at })).toBe(false);
    expect(test({ $gte: new Date(T0 + 1) })).toBe(false);
    expect(test({ $lte: new Date(T0 - 1) })).toBe(false);
    // a date equal in time but another object
    expect(plainFilterTest({ scannedAt: new Date(T0) })!(doc)).toBe(true);
  });

  it('one clause that fails decides, though another is left to mingo', () => {
    const test = plainFilterTest({ a: 'x', b: 5 })!;
    expect(test({ _id: 'd', a: 'y', b: [5] } as Doc)).toBe(false);
    expect(test({ _id: 'd', a: 'x', b: [5] } as Doc)).toBeUndefined();
    expect(test({ _id: 'd', a: 'x', b: 5 } as Doc)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['an array in the document', { tags: 'a' }],
    ['an array along the path', { 'q.c': 1 }],
    ['a missing field', { gone: 1 }],
    ['a string against a number', { n: { $gt: '5' } }],
    ['null in the document', { nil: 'a' }],
    ['a property of a string', { 'name.length': 3 }],
    ['a property of an array', { 'tags.length': 2 }],
  ])('%s is left to mingo', (_label, filter) => {
    const doc = { _id: 'd', tags: ['a', 'b'], q: [{ c: 1 }], n: 7, nil: null, name: 'abc' } as unknown as Doc;
    expect(plainFilterTest(filter as Record<string, unknown>)!(doc)).toBeUndefined();
  });

  // each beside a plain clause: a filter is plain only if every clause is, and one that is not must not be dropped
  it.each<[string, Record<string, unknown>]>([
    ['null (it matches a missing field)', { a: null }],
    ['$ne', { a: { $ne: 1 } }],
    ['$in', { a: { $in: [1] } }],
    ['$or', { $or: [{ a: 1 }] }],
    ['an empty $and', { $and: [] }],
    ['$and of something else than filters', { $and: [5] }],
    ['$and not a list', { $and: { a: 1 } }],
    ['$and holding a clause that is not plain', { $and: [{ b: 1 }, { a: null }] }],
    ['an array position', { 'a.0': 1 }],
    ['an array position of two digits', { 'a.12': 1 }],
    ['an empty field name', { '': 1 }],
    ['an empty part of a path', { 'a..b': 1 }],
    ['an operator inside a path', { 'a.$b': 1 }],
    ['an operator as a field', { $comment: 'c' }],
    ['an empty condition', { a: {} }],
    ['a boolean range', { a: { $gt: false } }],
    ['NaN', { a: NaN }],
    ['Infinity', { a: { $lt: Infinity } }],
    ['an invalid date', { a: new Date(NaN) }],
    ['a regular expression', { a: /x/ }],
    ['an object (whole-document equality)', { a: { b: 1 } }],
  ])('%s makes a filter that is not plain', (_label, clause) => {
    expect(plainFilterTest(clause)).toBeNull();
    expect(plainFilterTest({ x: 1, ...clause })).toBeNull();
  });

  it('no clause at all, or not an object, is not a plain filter; a field name with digits in it is', () => {
    expect(plainFilterTest({})).toBeNull();
    expect(plainFilterTest(null as unknown as Record<string, unknown>)).toBeNull();
    expect(plainFilterTest([{ a: 1 }] as unknown as Record<string, unknown>)).toBeNull();
    for (const field of ['a.b1', 'a.1b', 'b2b.c']) expect(plainFilterTest({ [field]: 1 })).not.toBeNull();
  });

  it('the filters a green scan sends are plain: the person by code, the scans of the code around a time', () => {
    expect(plainFilterTest({ codeId: '1000000000000000' })).not.toBeNull();
    expect(
      plainFilterTest({
        'qr.codeId': '1000000000000000',
        'qr.step': 59872225,
        $and: [{ scannedAt: { $gte: new Date(T0) } }, { scannedAt: { $lte: new Date(T0 + 600_000) } }],
      }),
    ).not.toBeNull();
  });
});

describe('through the store, documents a plain filter leaves to mingo are found as mingo finds them', () => {
  const SPECS: Record<string, CollectionSpec> = { things: { description: 'test', indexes: [] } };

  it.each<[string, Record<string, unknown>]>([
    ['equality with an array field', { tags: 'b' }],
    ['a range over an array field', { tags: { $gte: 'c' } }],
    ['a path through an array of objects', { 'q.c': 2 }],
    ['a missing field', { n: { $lt: 5 } }],
  ])('%s', (_label, filter) => {
    const store = new Store(join(mkdtempSync(join(tmpdir(), 'jxm-plain-')), 'cloud.db'), SPECS);
    try {
      store.createCollection('things');
      const docs: Doc[] = [
        { _id: 't1', tags: ['a', 'b'], q: [{ c: 1 }, { c: 2 }], n: 3 },
        { _id: 't2', tags: ['c'], q: { c: 2 }, n: 9 },
        { _id: 't3', tags: 'b', q: [{ c: 3 }] },
        { _id: 't4', tags: [], q: null, n: '1' },
      ] as unknown as Doc[];
      docs.forEach((doc) => store.insert('things', doc));
      const expected = new Query(filter)
        .find(docs)
        .all()
        .map((d) => (d as Doc)._id)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      const found = store
        .find('things', filter)
        .docs.map((d) => d._id)
        .sort();
      expect(found).toEqual(expected);
    } finally {
      store.close();
    }
  });
});
