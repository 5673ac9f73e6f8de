/**
 * The embedded store's own contract where the functions' suites reach it only from afar (found by mutation testing
 * of tools/local-cloud/db/store.ts): which collection names it takes (they become SQLite table names), which updates
 * it refuses as MongoDB does, and what find() answers and examines on each of its paths — documents by `_id`, an
 * index's key ranges with the rest of the filter applied, an index read in order, a collection scan — and the
 * revisions a transaction compares to see that a document changed under it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectionSpec } from '../../cloudfunctions/_server/db/collections';
import { Store, analyseFilter, type Doc } from '../../tools/local-cloud/db/store';

const SPECS: Record<string, CollectionSpec> = {
  scans: {
    description: 'test',
    indexes: [
      {
        name: 'color_site',
        fields: [
          ['color', 1],
          ['site', 1],
        ],
      },
      { name: 'tags', fields: [['tags', 1]] },
    ],
  },
};

const fresh = () => join(mkdtempSync(join(tmpdir(), 'jxm-store-')), 'cloud.db');

function scan(i: number): Doc {
  return {
    _id: `s${String(i).padStart(3, '0')}`,
    color: i % 3 === 0 ? 'red' : 'green',
    site: i % 2 === 0 ? 'A' : 'B',
    tags: i % 4 === 0 ? ['night', 'fever'] : ['day'],
    n: i,
  };
}

describe('collection names', () => {
  let store: Store;
  beforeEach(() => {
    store = new Store(fresh(), SPECS);
  });
  afterEach(() => store.close());

  it.each([
    ['a leading digit', '1scans'],
    ['a quote that would end the table name', 'scans"; DROP TABLE "x'],
    ['a space', 'risk list'],
    ['a dot', 'scans.old'],
    ['65 characters', `a${'b'.repeat(64)}`],
    ['nothing', ''],
  ])('refuses %s', (_, name) => {
    expect(() => store.createCollection(name)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAM', message: `invalid collection name: ${name}` }),
    );
    expect(store.hasCollection(name)).toBe(false);
  });

  it('takes letters, digits, _ and - up to 64 characters, once', () => {
    const longest = `a${'b'.repeat(63)}`;
    expect(store.createCollection(longest)).toBe(true);
    expect(store.createCollection('risk_list-2')).toBe(true);
    expect(store.createCollection('risk_list-2')).toBe(false);
    expect(store.hasCollection(longest)).toBe(true);
  });

  it('answers a collection that does not exist as the cloud does', () => {
    expect(() => store.find('nowhere', {})).toThrow(
      expect.objectContaining({
        code: 'DATABASE_COLLECTION_NOT_EXIST',
        message: expect.stringMatching(/^\[ResourceNotFound\] Db or Table not exist: nowhere\. /),
      }),
    );
  });
});

describe('updates MongoDB refuses', () => {
  const doc: Doc = {
    _id: 'p1',
    name: 'x',
    count: 2,
    list: [{ k: 1 }],
    none: null,
    at: new Date(0),
    nested: { deep: 'text' },
  };
  const refused = (update: Record<string, unknown>, message: string) =>
    expect(() => Store.applyUpdate(doc, update)).toThrow(
      expect.objectContaining({ code: 'DATABASE_REQUEST_FAILED', message: `[FailedOperation] ${message}` }),
    );

  it('a number operator on what is not a number', () => {
    refused({ $inc: { name: 1 } }, "Cannot apply $inc to a value of non-numeric type: field 'name'");
    refused(
      { $mul: { 'nested.deep': 2 } },
      "Cannot apply $mul to a value of non-numeric type: field 'nested.deep'",
    );
  });

  it.each(['$push', '$addToSet', '$pop', '$pull', '$pullAll'])('%s on what is not a list', (op) => {
    const value = op === '$pullAll' ? ['a'] : op === '$pop' ? 1 : 'a';
    refused({ [op]: { count: value } }, `Cannot apply ${op} to a non-array value: field 'count'`);
  });

  it('a path through a value that holds no fields, naming the element and its type, never its value', () => {
    refused({ $set: { 'count.x': 1 } }, "Cannot create field 'x' in element 'count' of type number");
    refused({ $set: { 'none.x.y': 1 } }, "Cannot create field 'x' in element 'none' of type null");
    refused(
      { $set: { 'nested.deep.x': 1 } },
      "Cannot create field 'x' in element 'nested.deep' of type string",
    );
    refused({ $set: { 'at.x': 1 } }, "Cannot create field 'x' in element 'at' of type object");
    refused({ $set: { 'list.k': 1 } }, "Cannot create field 'k' in element 'list' of type array");
    refused({ $set: { 'list.0a': 1 } }, "Cannot create field '0a' in element 'list' of type array");
    refused({ $set: { 'list.a0': 1 } }, "Cannot create field 'a0' in element 'list' of type array");
    refused({ $inc: { 'count.1': 1 } }, "Cannot create field '1' in element 'count' of type number");
  });

  it('takes what fits: an element by its position, new fields, unset and rename, positional paths', () => {
    expect(Store.applyUpdate(doc, { $set: { 'list.0.k': 5 } }).doc.list).toEqual([{ k: 5 }]);
    expect(Store.applyUpdate(doc, { $set: { 'list.10': 5 } }).changed).toBe(true);
    expect(Store.applyUpdate(doc, { $set: { 'fresh.a.b': 1 } }).doc.fresh).toEqual({ a: { b: 1 } });
    expect(Store.applyUpdate(doc, { $inc: { missing: 1, count: 1 } }).doc).toMatchObject({
      missing: 1,
      count: 3,
    });
    expect(Store.applyUpdate(doc, { $unset: { 'count.x': '' } }).changed).toBe(false);
    expect(Store.applyUpdate(doc, { $rename: { name: 'label' } }).doc).toMatchObject({ label: 'x' });
    // renaming what is not there (a field under a number) changes nothing, as in MongoDB
    expect(Store.applyUpdate(doc, { $rename: { 'count.x': 'y' } }).changed).toBe(false);
    expect(Store.applyUpdate(doc, { $set: { 'list.$[].k': 7 } }).doc.list).toEqual([{ k: 7 }]);
    // the document given is left as it was
    expect(doc.count).toBe(2);
    expect(doc.list).toEqual([{ k: 1 }]);
  });

  it('no change to the _id, and no operator MongoDB does not know', () => {
    for (const update of [{ $set: { _id: 'p2' } }, { $unset: { _id: '' } }, { $rename: { name: '_id' } }]) {
      refused(update, "Performing an update on the path '_id' would modify the immutable field '_id'.");
    }
    refused({ $set: { '_id.a': 1 } }, "Cannot create field 'a' in element '_id' of type string");
    refused({ $increment: { count: 1 } }, "Unknown update operator: '$increment'.");
  });
});

describe('find', () => {
  let store: Store;
  beforeAll(() => {
    store = new Store(fresh(), SPECS);
    store.createCollection('scans');
    store.createCollection('plain');
    store.transaction(() => {
      for (let i = 0; i < 60; i++) store.insert('scans', scan(i));
      for (let i = 0; i < 10; i++) store.insert('plain', { _id: `p${i}`, n: i });
    });
  });
  afterAll(() => store.close());
  const ids = (docs: Doc[]) => docs.map((d) => d._id);

  it('by _id: each listed document once, what is missing skipped, the rest of the filter applied', () => {
    const { docs, plan } = store.find('scans', {
      _id: { $in: ['s003', 's003', 's004', 's999', 's006'] },
      color: 'red',
    });
    expect(ids(docs).sort()).toEqual(['s003', 's006']);
    expect(plan).toMatchObject({ index: '_id_', keysExamined: 4, docsExamined: 3 });
    expect(store.find('scans', { _id: { $eq: 's005' } }).docs).toHaveLength(1);
    // a document by its _id and another field: the other field still decides (s003 is red)
    expect(store.find('scans', { _id: 's003', color: 'green' }).docs).toEqual([]);
    expect(ids(store.find('scans', { _id: 's003', color: 'red' }).docs)).toEqual(['s003']);
    expect(store.explain('scans', { _id: 's005', color: 'green' })).toEqual({
      index: '_id_',
      sortedByIndex: false,
    });
  });

  it('by an index’s keys: only the documents the whole filter matches, each key counted', () => {
    // two values, two key ranges: the keys are read range by range, then the documents, unsorted
    const { docs, plan } = store.find('scans', { color: { $in: ['red', 'blue'] }, n: { $gte: 30 } });
    const expected = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 3 === 0 && i >= 30);
    expect(docs.map((d) => d.n).sort((a, b) => Number(a) - Number(b))).toEqual(expected);
    // 20 red scans under the keys (none blue), each read, 10 of them kept
    expect(plan).toMatchObject({
      index: 'color_site',
      sortedByIndex: false,
      keysExamined: 20,
      docsExamined: 20,
    });
  });

  it('$in on an index reads each value’s keys; the shortest list of a field’s equalities is the one used', () => {
    const { docs, plan } = store.find('scans', { color: { $in: ['red', 'blue'] }, site: 'A' });
    expect(docs.every((d) => d.color === 'red' && d.site === 'A')).toBe(true);
    expect(docs).toHaveLength(10);
    expect(plan).toMatchObject({ index: 'color_site', keysExamined: 10 });
    expect(
      analyseFilter({ $and: [{ color: { $in: ['a', 'b', 'c'] } }, { color: { $in: ['b', 'c'] } }] }).get(
        'color',
      ),
    ).toEqual({ eq: ['b', 'c'] });
    expect(
      analyseFilter({ $and: [{ color: { $in: ['b'] } }, { color: { $in: ['a', 'b', 'c'] } }] }).get('color'),
    ).toEqual({
      eq: ['b'],
    });
  });

  it('leaves to the filter what an index cannot bound', () => {
    // an empty $in, a list holding an object, an operator at the top, null items in $and
    expect(analyseFilter({ color: { $in: [] } }).get('color')).toEqual({});
    expect(analyseFilter({ color: { $in: ['red', { a: 1 }] } }).get('color')).toEqual({});
    expect(analyseFilter({ $or: [{ color: 'red' }], $and: [null, 'x', { site: 'A' }] } as never)).toEqual(
      new Map([['site', { eq: ['A'] }]]),
    );
    const { docs, plan } = store.find('scans', { color: { $in: [] } });
    expect(docs).toEqual([]);
    expect(plan.index).toBeNull();
  });

  it('a multikey index read in order gives each document once', () => {
    const { docs, plan } = store.find('scans', { tags: { $gte: 'a' } }, { order: [['tags', 1]] });
    expect(plan).toMatchObject({ index: 'tags', sortedByIndex: true });
    // 15 scans hold two tags each: their keys are read twice, the documents answered once
    expect(docs).toHaveLength(60);
    expect(new Set(ids(docs)).size).toBe(60);
    expect(plan.keysExamined).toBe(75);
    expect(plan.docsExamined).toBe(60);
  });

  it('an order on the fields after the equalities is read from the index, another order is not', () => {
    const sorted = store.find(
      'scans',
      { color: 'red' },
      {
        order: [
          ['color', 1],
          ['site', -1],
        ],
      },
    );
    expect(sorted.plan.sortedByIndex).toBe(true);
    expect(sorted.docs.map((d) => d.site)).toEqual([...Array(10).fill('B'), ...Array(10).fill('A')]);
    // the index holds no n: the page is sorted in memory, not read in the index's order
    const byN = store.find(
      'scans',
      { color: 'red' },
      {
        order: [
          ['site', -1],
          ['n', -1],
        ],
      },
    );
    expect(byN.plan.sortedByIndex).toBe(false);
    expect(byN.docs.slice(0, 3).map((d) => d.n)).toEqual([57, 51, 45]);
  });

  it('no page at a limit of nothing', () => {
    expect(store.find('scans', { color: 'red' }, { order: [['site', 1]], limit: 0 }).docs).toEqual([]);
  });

  it('a collection with no index for the filter is read whole', () => {
    const { docs, plan } = store.find('plain', { n: { $lt: 3 } });
    expect(ids(docs).sort()).toEqual(['p0', 'p1', 'p2']);
    expect(plan).toMatchObject({ index: null, keysExamined: 0, docsExamined: 10 });
  });

  it('an $expr anywhere in the filter, inside $and too, is matched with mingo’s expression operators', () => {
    const { docs } = store.find('plain', { $and: [{ n: { $gte: 0 } }, { $expr: { $gt: ['$n', 7] } }] });
    expect(ids(docs).sort()).toEqual(['p8', 'p9']);
  });

  it('an empty projection leaves the documents whole', () => {
    const { docs } = store.find('plain', { _id: 'p1' }, { projection: {} });
    expect(docs).toEqual([{ _id: 'p1', n: 1 }]);
    expect(store.find('plain', { _id: 'p1' }, { projection: { n: 0 } }).docs).toEqual([{ _id: 'p1' }]);
  });
});

describe('revisions', () => {
  it('every write stamps a new one, above the last, however many land in one millisecond', () => {
    const store = new Store(fresh(), SPECS);
    try {
      store.createCollection('plain');
      const started = Date.now() * 1000;
      store.transaction(() => {
        for (let i = 0; i < 200; i++) store.insert('plain', { _id: `p${i}`, n: i });
      });
      const revisions = Array.from({ length: 200 }, (_, i) => store.revision('plain', `p${i}`)!);
      expect(revisions[0]).toBeGreaterThanOrEqual(started);
      revisions.slice(1).forEach((r, i) => expect(r).toBeGreaterThan(revisions[i]));
      // a document removed and written again is not the one a transaction read before
      const before = store.revision('plain', 'p0')!;
      store.transaction(() => {
        store.remove('plain', 'p0');
        store.insert('plain', { _id: 'p0', n: 0 });
      });
      expect(store.revision('plain', 'p0')).toBeGreaterThan(revisions[199]);
      expect(store.revision('plain', 'p0')).not.toBe(before);
      expect(store.revision('plain', 'gone')).toBeNull();
    } finally {
      store.close();
    }
  });
});
