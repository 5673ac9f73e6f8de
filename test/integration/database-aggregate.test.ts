/**
 * Aggregation through the real wx-server-sdk on the embedded database: the stages the product uses, and a
 * leading $match on a declared index being planned through that index.
 */
import { openEmbeddedDb, type EmbeddedDb } from '../helpers/embedded-db';

type Row = Record<string, unknown>;

let env: EmbeddedDb;
let db: EmbeddedDb['db'];
let _: EmbeddedDb['db']['command'];
let $: EmbeddedDb['db']['command']['aggregate'];

const T0 = Date.parse('2024-05-01T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

const eastScans: Row[] = [
  {
    _id: 's1',
    personId: 'alice',
    gate: 'G1',
    temperature: 36.5,
    scopeAncestors: ['R', 'east'],
    scannedAt: at(1),
    tags: ['a'],
  },
  {
    _id: 's2',
    personId: 'bob',
    gate: 'G1',
    temperature: 37.5,
    scopeAncestors: ['R', 'east'],
    scannedAt: at(2),
    tags: ['a', 'b'],
  },
  {
    _id: 's3',
    personId: 'alice',
    gate: 'G2',
    temperature: 36.9,
    scopeAncestors: ['R', 'east', 'east-1'],
    scannedAt: at(3),
    tags: [],
  },
  {
    _id: 's4',
    personId: 'carol',
    gate: 'G1',
    temperature: 38.1,
    scopeAncestors: ['R', 'east', 'east-1'],
    scannedAt: at(4),
    tags: ['b'],
  },
  {
    _id: 's5',
    personId: 'nobody',
    gate: 'G2',
    temperature: 36.2,
    scopeAncestors: ['R', 'east'],
    scannedAt: at(5),
  },
];
const FILLER = 300;

const scans = () => db.collection('scans').aggregate();
/** Runs a pipeline (the SDK types end() as possibly void). */
const run = async (pipeline: { end(): unknown }) => (await pipeline.end()) as { list: Row[] };

beforeAll(async () => {
  env = openEmbeddedDb();
  db = env.db;
  _ = db.command;
  $ = db.command.aggregate;
  env.store.createCollection('scans');
  env.store.createCollection('persons');
  const filler = Array.from({ length: FILLER }, (_unused, i) => ({
    _id: `w${i}`,
    personId: `p${i % 7}`,
    gate: 'W',
    temperature: 36,
    scopeAncestors: ['R', 'west'],
    scannedAt: at(100 + i),
  }));
  await db.collection('scans').add({ data: [...filler.slice(0, 150), ...eastScans, ...filler.slice(150)] });
  await db.collection('persons').add({
    data: [
      { _id: 'alice', name: 'Alice' },
      { _id: 'bob', name: 'Bob' },
      { _id: 'carol', name: 'Carol' },
    ],
  });
});

afterAll(() => env.store.close());

it('should group with sum, avg, max, min and addToSet after a match', async () => {
  const { list } = await run(
    scans()
      .match({ scopeAncestors: 'east' })
      .group({
        _id: '$gate',
        n: $.sum(1),
        avgT: $.avg('$temperature'),
        maxT: $.max('$temperature'),
        minT: $.min('$temperature'),
        people: $.addToSet('$personId'),
      })
      .sort({ _id: 1 }),
  );
  expect(list).toHaveLength(2);
  expect(list[0]).toMatchObject({ _id: 'G1', n: 3, maxT: 38.1, minT: 36.5 });
  expect(list[0].avgT).toBeCloseTo((36.5 + 37.5 + 38.1) / 3, 10);
  expect([...(list[0].people as string[])].sort()).toEqual(['alice', 'bob', 'carol']);
  expect(list[1]).toMatchObject({ _id: 'G2', n: 2, maxT: 36.9, minT: 36.2 });
  expect(list[1].avgT).toBeCloseTo((36.9 + 36.2) / 2, 10);
});

it('should total over everything with a null group key', async () => {
  const { list } = await run(
    scans().group({
      _id: null,
      n: $.sum(1),
      hot: $.sum($.cond({ if: $.gte(['$temperature', 37.3]), then: 1, else: 0 })),
    }),
  );
  expect(list).toEqual([{ _id: null, n: FILLER + eastScans.length, hot: 2 }]);
});

it('should sort, skip, limit and project', async () => {
  const { list } = await run(
    scans()
      .match({ scopeAncestors: 'east' })
      .sort({ temperature: -1 })
      .skip(1)
      .limit(2)
      .project({ _id: 0, id: '$_id', t: '$temperature' }),
  );
  expect(list).toEqual([
    { id: 's2', t: 37.5 },
    { id: 's3', t: 36.9 },
  ]);
});

it('should count the documents that reach the count stage', async () => {
  const { list } = await run(
    scans()
      .match({ temperature: _.gte(37.3) })
      .count('fevers'),
  );
  expect(list).toEqual([{ fevers: 2 }]);
});

it('should unwind arrays, dropping documents without elements', async () => {
  const { list } = await run(
    scans()
      .match({ scopeAncestors: 'east' })
      .unwind('$tags')
      .group({ _id: '$tags', n: $.sum(1), from: $.push('$_id') })
      .sort({ _id: 1 }),
  );
  expect(list).toEqual([
    { _id: 'a', n: 2, from: ['s1', 's2'] },
    { _id: 'b', n: 2, from: ['s2', 's4'] },
  ]);
});

it('should add computed fields with addFields', async () => {
  const { list } = await run(
    scans()
      .match({ scopeAncestors: 'east-1' })
      .addFields({ fever: $.gte(['$temperature', 37.3]), depth: $.size('$scopeAncestors') })
      .project({ _id: 1, fever: 1, depth: 1 })
      .sort({ _id: 1 }),
  );
  expect(list).toEqual([
    { _id: 's3', fever: false, depth: 3 },
    { _id: 's4', fever: true, depth: 3 },
  ]);
});

it('should join another collection with lookup', async () => {
  const { list } = await run(
    scans()
      .match({ scopeAncestors: 'east' })
      .lookup({ from: 'persons', localField: 'personId', foreignField: '_id', as: 'person' })
      .project({ _id: 1, person: 1 })
      .sort({ _id: 1 }),
  );
  expect(list.map((row) => [row._id, (row.person as Row[]).map((p) => p.name)])).toEqual([
    ['s1', ['Alice']],
    ['s2', ['Bob']],
    ['s3', ['Alice']],
    ['s4', ['Carol']],
    ['s5', []],
  ]);
});

it('should match dates as dates inside the pipeline', async () => {
  const { list } = await run(
    scans()
      .match({ scopeAncestors: 'east', scannedAt: _.gt(at(2)).and(_.lte(at(4))) })
      .project({ _id: 1, scannedAt: 1 })
      .sort({ scannedAt: -1 }),
  );
  expect(list.map((row) => row._id)).toEqual(['s4', 's3']);
  expect(list[0].scannedAt).toBeInstanceOf(Date);
  expect((list[0].scannedAt as Date).getTime()).toBe(at(4).getTime());
});

it('should plan a leading match on a declared index through the index, never scanning the collection', async () => {
  const scansBefore = env.store.collectionScans.get('scans') ?? 0;
  const { list } = await run(
    scans()
      .match({ scopeAncestors: 'east', scannedAt: _.gte(at(3)) })
      .group({ _id: null, n: $.sum(1) }),
  );
  expect(list).toEqual([{ _id: null, n: 3 }]);
  const plan = env.store.lastPlan.get('scans');
  expect(plan?.index).toBe('scopeAncestors_scannedAt');
  expect(plan?.docsExamined).toBe(3);
  expect(env.store.collectionScans.get('scans') ?? 0).toBe(scansBefore);

  // without a leading match the whole collection is read, and the counter shows it
  await run(scans().limit(1));
  expect(env.store.collectionScans.get('scans')).toBe(scansBefore + 1);
  expect(env.store.lastPlan.get('scans')?.docsExamined).toBe(FILLER + eastScans.length);
});
