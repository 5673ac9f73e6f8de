/**
 * The embedded store's planner (tools/local-cloud/db/store.ts): several bounds on one field narrow to the tightest
 * (a caller's range and a cursor's bound together), a sorted page reads no key past its last document, a compound
 * index over one array field and scalars is keyed once per element, the longest equality prefix followed by the
 * sort field wins, and an index declared over existing documents is built at the next start — in batches, and
 * again from the start when a build was cut short.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Query } from 'mingo';
import type { CollectionSpec } from '../../cloudfunctions/_server/db/collections';
import { Store, analyseFilter, type Doc } from '../../tools/local-cloud/db/store';

const T0 = Date.UTC(2024, 0, 1);
const at = (i: number) => new Date(T0 + i * 60_000);

const SPECS: Record<string, CollectionSpec> = {
  events: {
    description: 'test',
    indexes: [
      {
        name: 'owner_at',
        fields: [
          ['owner', 1],
          ['at', -1],
        ],
      },
      {
        name: 'tags_at',
        fields: [
          ['tags', 1],
          ['at', -1],
        ],
      },
      {
        name: 'tags_color_at',
        fields: [
          ['tags', 1],
          ['color', 1],
          ['at', -1],
        ],
      },
    ],
  },
};

const fresh = () => join(mkdtempSync(join(tmpdir(), 'jxm-planner-')), 'cloud.db');

function event(i: number, owner = 'a'): Doc {
  return {
    _id: `${owner}-${String(i).padStart(6, '0')}`,
    owner,
    tags: i % 2 === 0 ? ['x', 'y'] : ['x'],
    color: i % 10 === 0 ? 'red' : 'green',
    at: at(i),
    n: i,
  };
}

describe('bounds', () => {
  it('keeps the tightest lower and upper bound of a field, wherever they stand', () => {
    const b = analyseFilter({
      $and: [
        { owner: 'a', at: { $gte: at(10), $lte: at(150) } },
        { at: { $lte: at(40) } },
        { at: { $gt: at(5) } },
      ],
    });
    expect(b.get('at')).toEqual({
      lower: { value: at(10), inclusive: true },
      upper: { value: at(40), inclusive: true },
    });
    // the cursor's bound first, the caller's range after: the same
    expect(
      analyseFilter({
        $and: [{ at: { $lte: at(40) } }, { owner: 'a', at: { $gte: at(10), $lte: at(150) } }],
      }).get('at'),
    ).toEqual({ lower: { value: at(10), inclusive: true }, upper: { value: at(40), inclusive: true } });
    // at the same value the exclusive bound is the tighter
    expect(
      analyseFilter({ $and: [{ n: { $gte: 3, $lte: 9 } }, { n: { $gt: 3, $lt: 9 } }] }).get('n'),
    ).toEqual({
      lower: { value: 3, inclusive: false },
      upper: { value: 9, inclusive: false },
    });
    expect(
      analyseFilter({ $and: [{ n: { $gt: 3, $lt: 9 } }, { n: { $gte: 3, $lte: 9 } }] }).get('n'),
    ).toEqual({
      lower: { value: 3, inclusive: false },
      upper: { value: 9, inclusive: false },
    });
    // of two equality lists, the shorter
    expect(
      analyseFilter({ $and: [{ owner: { $in: ['a', 'b', 'c'] } }, { owner: 'b' }] }).get('owner'),
    ).toEqual({
      eq: ['b'],
    });
  });
});

describe('plans', () => {
  let store: Store;
  beforeAll(() => {
    store = new Store(fresh(), SPECS);
    store.createCollection('events');
    store.transaction(() => {
      for (let i = 0; i < 300; i++) store.insert('events', event(i));
      for (let i = 0; i < 300; i++) store.insert('events', event(i, 'b'));
    });
  });
  afterAll(() => store.close());

  it('reads a page of a range and a cursor bound from the cursor on, and no key past the page', () => {
    const { docs, plan } = store.find(
      'events',
      { $and: [{ owner: 'a', at: { $gte: at(10), $lte: at(250) } }, { at: { $lte: at(40) } }] },
      { order: [['at', -1]], limit: 5 },
    );
    expect(docs.map((d) => d.n)).toEqual([40, 39, 38, 37, 36]);
    expect(plan).toMatchObject({ index: 'owner_at', sortedByIndex: true, keysExamined: 5, docsExamined: 5 });
  });

  it('keys a compound index once per element of its array field: one entry per document and value', () => {
    const { docs, plan } = store.find(
      'events',
      { tags: 'y', color: 'red' },
      { order: [['at', -1]], limit: 100 },
    );
    // red every tenth, y on the even ones: 0, 10, …, 290 of each owner
    expect(docs).toHaveLength(60);
    expect(new Set(docs.map((d) => d._id)).size).toBe(60);
    expect(plan).toMatchObject({
      index: 'tags_color_at',
      sortedByIndex: true,
      keysExamined: 60,
      docsExamined: 60,
    });
    const rows = store.db
      .prepare('SELECT count(*) AS n FROM "x_events__tags_color_at" WHERE id = ?')
      .get('a-000010') as { n: number };
    expect(rows.n).toBe(2); // ['x', 'y'] × 'red'
  });

  it('takes the longest equality prefix followed by the sort field', () => {
    expect(store.explain('events', { tags: 'x', color: 'red' }, [['at', -1]])).toEqual({
      index: 'tags_color_at',
      sortedByIndex: true,
    });
    expect(store.explain('events', { tags: 'x' }, [['at', -1]])).toEqual({
      index: 'tags_at',
      sortedByIndex: true,
    });
    expect(store.explain('events', { tags: 'x', at: { $lt: at(5) } }, [['at', -1]])).toEqual({
      index: 'tags_at',
      sortedByIndex: true,
    });
  });
});

describe('an index declared over documents already stored', () => {
  const v1: Record<string, CollectionSpec> = {
    events: { description: 'test', indexes: [SPECS.events.indexes[0]] },
  };
  const DOCS = 23_456; // more than one backfill batch
  const entries = (store: Store, index: string) =>
    (store.db.prepare(`SELECT count(*) AS n FROM "x_events__${index}"`).get() as { n: number }).n;
  const builds = (store: Store) =>
    (store.db.prepare('SELECT index_table FROM _index_builds').all() as Array<{ index_table: string }>).map(
      (r) => r.index_table,
    );

  it('is built at the next start, in batches, and again from the start after a build cut short', () => {
    const file = fresh();
    let store = new Store(file, v1);
    store.createCollection('events');
    for (let i = 0; i < DOCS; i++) store.insert('events', event(i));
    store.close();

    store = new Store(file, SPECS);
    try {
      expect(entries(store, 'tags_at')).toBe(DOCS + DOCS / 2);
      expect(entries(store, 'tags_color_at')).toBe(DOCS + DOCS / 2);
      expect(builds(store)).toEqual([]);
      const { docs, plan } = store.find(
        'events',
        { tags: 'y', color: 'red' },
        { order: [['at', -1]], limit: 3 },
      );
      expect(docs.map((d) => d.n)).toEqual([23_450, 23_440, 23_430]);
      expect(plan).toMatchObject({ index: 'tags_color_at', sortedByIndex: true, keysExamined: 3 });
    } finally {
      store.close();
    }

    // a build cut short: its mark is still there and half its entries are missing
    const raw = new Database(file);
    raw.prepare('INSERT INTO _index_builds (index_table) VALUES (?)').run('x_events__tags_color_at');
    raw.prepare('DELETE FROM "x_events__tags_color_at" WHERE id > \'a-010000\'').run();
    raw.close();
    store = new Store(file, SPECS);
    try {
      expect(entries(store, 'tags_color_at')).toBe(DOCS + DOCS / 2);
      expect(builds(store)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('refuses to start while a new unique index meets duplicates, and builds it once they are gone', () => {
    const file = fresh();
    let store = new Store(file, v1);
    store.createCollection('events');
    for (let i = 0; i < 50; i++) store.insert('events', { ...event(i), code: `c${i % 49}` });
    store.close();
    const unique: Record<string, CollectionSpec> = {
      events: {
        description: 'test',
        indexes: [...v1.events.indexes, { name: 'code', fields: [['code', 1]], unique: true }],
      },
    };
    expect(() => new Store(file, unique)).toThrow(/duplicate key/);
    const raw = new Database(file);
    raw.prepare('DELETE FROM c_events WHERE id = ?').run('a-000049');
    raw.close();
    store = new Store(file, unique);
    try {
      expect(entries(store, 'code')).toBe(49);
      expect(store.find('events', { code: 'c7' }).plan).toMatchObject({ index: 'code', keysExamined: 1 });
    } finally {
      store.close();
    }
  });
});

describe("a document's index entries follow its content", () => {
  const entriesOf = (store: Store, index: string, id: string) =>
    (
      store.db.prepare(`SELECT count(*) AS n FROM "x_events__${index}" WHERE id = ?`).get(id) as {
        n: number;
      }
    ).n;

  it('an update moves only the entries that changed, a removal takes them all, and no key is left behind', () => {
    const store = new Store(fresh(), SPECS);
    try {
      store.createCollection('events');
      const doc = event(10); // tags x, y; red
      store.insert('events', doc);
      store.insert('events', event(12)); // tags x, y; green: the same keys under another document
      expect(entriesOf(store, 'tags_color_at', 'a-000010')).toBe(2);

      // y dropped, the color changed: the x/red and y/red keys go, x/green comes
      store.replace('events', doc, { ...doc, tags: ['x'], color: 'green' });
      const red = store.find('events', { tags: 'x', color: 'red' }, { order: [['at', -1]] });
      expect(red.docs).toEqual([]);
      expect(red.plan.keysExamined).toBe(0);
      const y = store.find('events', { tags: 'y' }, { order: [['at', -1]] });
      expect(y.docs.map((d) => d._id)).toEqual(['a-000012']);
      expect(y.plan.keysExamined).toBe(1);
      expect(entriesOf(store, 'tags_color_at', 'a-000010')).toBe(1);
      expect(entriesOf(store, 'owner_at', 'a-000010')).toBe(1);

      expect(store.remove('events', 'a-000010')).toBe(true);
      expect(store.remove('events', 'a-000010')).toBe(false);
      for (const index of ['owner_at', 'tags_at', 'tags_color_at'])
        expect(entriesOf(store, index, 'a-000010')).toBe(0);
      // the other document's entries untouched
      expect(entriesOf(store, 'tags_color_at', 'a-000012')).toBe(2);
      const owner = store.find('events', { owner: 'a' }, { order: [['at', -1]] });
      expect(owner.docs.map((d) => d._id)).toEqual(['a-000012']);
      expect(owner.plan.keysExamined).toBe(1);
    } finally {
      store.close();
    }
  });

  it("opens a store written with the earlier index by id, drops that index, and keeps every document's entries", () => {
    const file = fresh();
    let store = new Store(file, SPECS);
    store.createCollection('events');
    for (let i = 0; i < 30; i++) store.insert('events', event(i));
    store.close();
    const raw = new Database(file);
    raw.exec('CREATE INDEX "x_events__tags_at__id" ON "x_events__tags_at" (id)');
    raw.close();

    store = new Store(file, SPECS);
    try {
      const indexes = store.db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%__id'")
        .all();
      expect(indexes).toEqual([]);
      const doc = store.get('events', 'a-000004')!.doc;
      store.replace('events', doc, { ...doc, tags: ['z'] });
      const z = store.find('events', { tags: 'z' }, { order: [['at', -1]] });
      expect(z.docs.map((d) => d.n)).toEqual([4]);
      expect(store.find('events', { tags: 'x' }, { order: [['at', -1]] }).docs).toHaveLength(29);
    } finally {
      store.close();
    }
  });
});

describe('filters match as MongoDB does (mingo)', () => {
  // the store compiles filters with mingo's query operators alone (its whole context costs more to copy than a
  // small query does to compile); each filter here must find what mingo's full Query finds among the same documents
  const filters: Array<[string, Record<string, unknown>]> = [
    ['equality on an array field', { tags: 'y' }],
    ['$in, $nin', { color: { $in: ['red', 'blue'] }, n: { $nin: [0, 20] } }],
    ['a range', { n: { $gte: 5, $lt: 12 } }],
    [
      '$or of $regex and $exists',
      { $or: [{ _id: { $regex: '^a-00000[1-3]$' } }, { gone: { $exists: true } }] },
    ],
    ['$elemMatch, $size', { tags: { $elemMatch: { $eq: 'y' } }, 'tags.1': 'y', n: { $not: { $gt: 15 } } }],
    ['$nor, $all, $mod', { $nor: [{ color: 'red' }], tags: { $all: ['x'] }, n: { $mod: [3, 0] } }],
    ['$expr (expressions: the full context)', { $expr: { $gt: ['$n', { $multiply: [2, 7] }] } }],
  ];

  it.each(filters)('%s', (_label, filter) => {
    const store = new Store(fresh(), SPECS);
    try {
      store.createCollection('events');
      const all = Array.from({ length: 30 }, (_, i) => event(i));
      all.forEach((doc) => store.insert('events', doc));
      const expected = new Query(filter)
        .find(all)
        .all()
        .map((d) => (d as Doc)._id);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(all.length);
      const found = store.find('events', filter, { order: [['at', 1]] }).docs.map((d) => d._id);
      expect(found).toEqual(expected);
    } finally {
      store.close();
    }
  });

  it('a document by its _id alone (no matcher built): the id as stored, not one that only reads the same', () => {
    const store = new Store(fresh(), SPECS);
    try {
      store.createCollection('events');
      const stored = { ...event(7), _id: '7' };
      store.insert('events', stored);
      for (const filter of [{ _id: '7' }, { _id: 7 }, { _id: 'a-000007' }]) {
        const expected = new Query(filter).find([stored]).all();
        expect(store.find('events', filter).docs).toEqual(expected);
      }
      expect(store.find('events', { _id: '7' }).docs).toEqual([stored]);
      expect(store.find('events', { _id: 7 }).docs).toEqual([]);
    } finally {
      store.close();
    }
  });
});
