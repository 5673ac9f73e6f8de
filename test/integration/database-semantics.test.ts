/**
 * Query and update semantics of the embedded cloud database, driven through the real wx-server-sdk
 * (`cloud.database()`), so that what is checked is what a cloud function sees. Where the WeChat cloud's behaviour
 * is not documented the expectations follow MongoDB, which the cloud database is built on.
 */
import { openEmbeddedDb, type EmbeddedDb } from '../helpers/embedded-db';

type Row = Record<string, unknown> & { _id?: string | number };

let env: EmbeddedDb;
let db: EmbeddedDb['db'];
let _: EmbeddedDb['db']['command'];

const idsOf = (rows: Row[]) => rows.map((row) => row._id);
const sortedIds = (rows: Row[]) => idsOf(rows).map(String).sort();

/** The SDK's rejection, whatever shape it takes (CloudSDKError or the raw wire reply). */
async function failure(
  promise: Promise<unknown>,
): Promise<{ errCode?: number; errMsg?: string; message?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { errCode?: number; errMsg?: string; message?: string };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  env = openEmbeddedDb();
  db = env.db;
  _ = db.command;
});

afterAll(() => env.store.close());

describe('query commands', () => {
  const people: Row[] = [
    {
      _id: 'p1',
      name: 'Alice',
      age: 30,
      score: 88,
      tags: ['a', 'b'],
      address: { city: 'Jilin', zip: '130000' },
      born: new Date('1994-05-01T00:00:00Z'),
      items: [
        { sku: 'x', qty: 2 },
        { sku: 'y', qty: 5 },
      ],
    },
    {
      _id: 'p2',
      name: 'bob',
      age: 25,
      score: 92,
      tags: ['b', 'c'],
      address: { city: 'Changchun', zip: '130022' },
      born: new Date('1999-01-10T00:00:00Z'),
      items: [{ sku: 'x', qty: 7 }],
    },
    {
      _id: 'p3',
      name: 'Carol',
      age: 35,
      score: 75,
      tags: ['a', 'b', 'c'],
      address: { city: 'Jilin', zip: '132000' },
      born: new Date('1989-12-31T00:00:00Z'),
      items: [],
      nickname: null,
    },
    {
      _id: 'p4',
      name: 'dave',
      age: 40,
      tags: [],
      address: { city: 'Yanji' },
      born: new Date('1984-07-04T00:00:00Z'),
      nickname: 'D',
    },
    {
      _id: 'p5',
      name: 'Eve',
      age: 25,
      score: 60,
      tags: ['c'],
      address: { city: 'Changchun', zip: '130000' },
      born: new Date('1999-01-10T00:00:01Z'),
    },
  ];
  const people$ = () => db.collection('people');
  const where = async (condition: Record<string, unknown>) =>
    sortedIds((await people$().where(condition).get()).data);

  beforeAll(async () => {
    await db.createCollection('people');
    const added = await people$().add({ data: people });
    expect((added as unknown as { _ids: string[] })._ids).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('should match eq and neq, with neq also matching documents that lack the field', async () => {
    expect(await where({ age: _.eq(25) })).toEqual(['p2', 'p5']);
    expect(await where({ age: 25 })).toEqual(['p2', 'p5']);
    expect(await where({ age: _.neq(25) })).toEqual(['p1', 'p3', 'p4']);
    expect(await where({ score: _.neq(60) })).toEqual(['p1', 'p2', 'p3', 'p4']);
  });

  it('should compare with gt, gte, lt and lte', async () => {
    expect(await where({ age: _.gt(30) })).toEqual(['p3', 'p4']);
    expect(await where({ age: _.gte(30) })).toEqual(['p1', 'p3', 'p4']);
    expect(await where({ age: _.lt(30) })).toEqual(['p2', 'p5']);
    expect(await where({ age: _.lte(25) })).toEqual(['p2', 'p5']);
    // a missing field is not "less than" anything
    expect(await where({ score: _.lt(70) })).toEqual(['p5']);
  });

  it('should match in and nin, on scalars and on array elements', async () => {
    expect(await where({ name: _.in(['Alice', 'bob']) })).toEqual(['p1', 'p2']);
    expect(await where({ name: _.nin(['Alice', 'bob']) })).toEqual(['p3', 'p4', 'p5']);
    expect(await where({ tags: _.in(['a']) })).toEqual(['p1', 'p3']);
    expect(await where({ tags: _.nin(['c']) })).toEqual(['p1', 'p4']);
  });

  it('should combine conditions with and, or and nor, at the top and on one field', async () => {
    expect(await where(_.and([{ age: _.gt(20) }, { age: _.lt(30) }]) as unknown as Row)).toEqual([
      'p2',
      'p5',
    ]);
    expect(await where({ age: _.gt(24).and(_.lt(31)) })).toEqual(['p1', 'p2', 'p5']);
    expect(await where(_.or([{ age: 40 }, { name: 'Alice' }]) as unknown as Row)).toEqual(['p1', 'p4']);
    expect(await where({ age: _.eq(25).or(_.eq(35)) })).toEqual(['p2', 'p3', 'p5']);
    expect(await where(_.nor([{ age: 25 }, { tags: 'a' }]) as unknown as Row)).toEqual(['p4']);
    expect(await where({ age: _.gt(20), name: _.in(['Alice', 'Eve', 'dave']), tags: 'c' })).toEqual(['p5']);
  });

  it('should negate with not, which also matches documents that lack the field', async () => {
    expect(await where({ age: _.not(_.gt(30)) })).toEqual(['p1', 'p2', 'p5']);
    expect(await where({ score: _.not(_.gt(80)) })).toEqual(['p3', 'p4', 'p5']);
  });

  it('should test presence with exists, counting an explicit null as present', async () => {
    expect(await where({ score: _.exists(false) })).toEqual(['p4']);
    expect(await where({ nickname: _.exists(true) })).toEqual(['p3', 'p4']);
  });

  it('should match mod, all, elemMatch and size', async () => {
    expect(await where({ age: _.mod(10, 5) })).toEqual(['p2', 'p3', 'p5']);
    expect(await where({ tags: _.all(['a', 'b']) })).toEqual(['p1', 'p3']);
    // one element has to satisfy both conditions: p1 has an x (qty 2) and a qty 5 (sku y), which is not enough
    expect(await where({ items: _.elemMatch({ sku: 'x', qty: _.gt(3) }) })).toEqual(['p2']);
    expect(await where({ tags: _.size(2) })).toEqual(['p1', 'p2']);
    expect(await where({ tags: _.size(0) })).toEqual(['p4']);
  });

  it('should follow dotted paths and treat a nested object in where() as a set of paths', async () => {
    expect(await where({ 'address.city': 'Jilin' })).toEqual(['p1', 'p3']);
    // the SDK flattens nested objects, so this is address.city AND address.zip, not a whole-document match
    expect(await where({ address: { city: 'Changchun', zip: '130000' } })).toEqual(['p5']);
    expect(await where({ address: { city: 'Yanji' } })).toEqual(['p4']);
    expect(await where({ 'items.sku': 'y' })).toEqual(['p1']);
    expect(await where({ items: { qty: _.gte(5) } })).toEqual(['p1', 'p2']);
  });

  it('should match regular expressions from db.RegExp and from JavaScript', async () => {
    expect(await where({ name: db.RegExp({ regexp: '^[a-c]', options: 'i' }) })).toEqual(['p1', 'p2', 'p3']);
    expect(await where({ name: db.RegExp({ regexp: '^[a-c]' }) })).toEqual(['p2']);
    expect(await where({ name: /^d/ })).toEqual(['p4']);
    expect(await where({ 'address.zip': /^1300/ })).toEqual(['p1', 'p2', 'p5']);
    expect(await where({ name: _.in([db.RegExp({ regexp: '^a', options: 'i' }), 'bob']) })).toEqual([
      'p1',
      'p2',
    ]);
  });

  it('should compare dates as dates and give them back as Date objects', async () => {
    expect(await where({ born: _.gte(new Date('1999-01-10T00:00:00Z')) })).toEqual(['p2', 'p5']);
    expect(await where({ born: _.lt(new Date('1990-01-01T00:00:00Z')) })).toEqual(['p3', 'p4']);
    expect(await where({ born: new Date('1999-01-10T00:00:01Z') })).toEqual(['p5']);
    const { data } = await people$().doc('p5').get();
    expect(data.born).toBeInstanceOf(Date);
    expect((data.born as Date).toISOString()).toBe('1999-01-10T00:00:01.000Z');
  });

  it('should order by several fields, missing values first when ascending', async () => {
    const byAgeThenScore = await people$().orderBy('age', 'desc').orderBy('score', 'asc').get();
    expect(idsOf(byAgeThenScore.data)).toEqual(['p4', 'p3', 'p1', 'p5', 'p2']);
    const byAgeThenName = await people$().orderBy('age', 'asc').orderBy('name', 'desc').get();
    // strings compare by code point: 'bob' > 'Eve'
    expect(idsOf(byAgeThenName.data)).toEqual(['p2', 'p5', 'p1', 'p3', 'p4']);
    const byScore = await people$().orderBy('score', 'asc').get();
    expect(idsOf(byScore.data)).toEqual(['p4', 'p5', 'p3', 'p1', 'p2']);
    const byCity = await people$().orderBy('address.city', 'desc').orderBy('_id', 'desc').get();
    expect(idsOf(byCity.data)).toEqual(['p4', 'p3', 'p1', 'p5', 'p2']);
  });

  it('should apply skip and limit after ordering', async () => {
    const page = await people$().orderBy('age', 'asc').orderBy('name', 'asc').skip(1).limit(2).get();
    expect(idsOf(page.data)).toEqual(['p2', 'p1']);
    const tail = await people$()
      .where({ age: _.gte(25) })
      .orderBy('age', 'asc')
      .skip(4)
      .limit(10)
      .get();
    expect(idsOf(tail.data)).toEqual(['p4']);
    const past = await people$().skip(5).get();
    expect(past.data).toEqual([]);
  });

  it('should project fields with field(), including dotted paths and exclusions', async () => {
    const included = await people$().where({ _id: 'p1' }).field({ name: true, 'address.city': true }).get();
    expect(included.data).toEqual([{ _id: 'p1', name: 'Alice', address: { city: 'Jilin' } }]);
    const excluded = await people$()
      .doc('p2')
      .field({ items: false, tags: false, born: false, address: false })
      .get();
    expect(excluded.data).toEqual({ _id: 'p2', name: 'bob', age: 25, score: 92 });
    const sliced = await people$()
      .where({ _id: _.in(['p1', 'p3']) })
      .field({ tags: _.project.slice(1), name: true })
      .orderBy('_id', 'asc')
      .get();
    expect(sliced.data).toEqual([
      { _id: 'p1', name: 'Alice', tags: ['a'] },
      { _id: 'p3', name: 'Carol', tags: ['a'] },
    ]);
  });

  it('should look documents up by _id, once each, with in', async () => {
    expect(await where({ _id: 'p3' })).toEqual(['p3']);
    const found = await people$()
      .where({ _id: _.in(['p4', 'p1', 'p4', 'nope']) })
      .orderBy('age', 'asc')
      .get();
    expect(idsOf(found.data)).toEqual(['p1', 'p4']);
    expect(await where({ _id: _.in(['p1', 'p2']), age: 25 })).toEqual(['p2']);
  });

  it('should count documents, with and without a condition', async () => {
    expect((await people$().count()).total).toBe(5);
    expect((await people$().where({ tags: 'b' }).count()).total).toBe(3);
    expect(
      (
        await people$()
          .where({ age: _.gt(100) })
          .count()
      ).total,
    ).toBe(0);
  });

  it('should fail on a collection that does not exist, with the cloud error code', async () => {
    const err = await failure(db.collection('nowhere').where({ a: 1 }).get());
    expect(err.errCode).toBe(-502005);
    const addErr = await failure(db.collection('nowhere').add({ data: { a: 1 } }));
    expect(addErr.errCode).toBe(-502005);
    const created = await failure(db.createCollection('people'));
    expect(created.errCode).toBe(-502001);
  });
});

describe('geo queries', () => {
  // Changchun; points due north at about 111 m, 1.1 km, 11 km and 111 km (0.001°, 0.01°, 0.1°, 1° of latitude)
  const LNG = 125.3245;
  const LAT = 43.8868;
  const places$ = () => db.collection('places');
  const point = (lng: number, lat: number) => db.Geo.Point(lng, lat);
  const square = (lng: number, lat: number, half: number) =>
    db.Geo.Polygon([
      db.Geo.LineString([
        point(lng - half, lat - half),
        point(lng + half, lat - half),
        point(lng + half, lat + half),
        point(lng - half, lat + half),
        point(lng - half, lat - half),
      ]),
    ]);

  beforeAll(async () => {
    await db.createCollection('places');
    await places$().add({
      data: [
        { _id: 'km11', kind: 'shop', location: point(LNG, LAT + 0.1) },
        { _id: 'm111', kind: 'gate', location: point(LNG, LAT + 0.001) },
        { _id: 'km111', kind: 'shop', location: point(LNG, LAT + 1) },
        { _id: 'km1', kind: 'shop', location: point(LNG, LAT + 0.01) },
        { _id: 'nowhere', kind: 'shop' },
      ],
    });
  });

  it('should order geoNear results by distance and honour maxDistance and minDistance in metres', async () => {
    const all = await places$()
      .where({ location: _.geoNear({ geometry: point(LNG, LAT) }) })
      .get();
    expect(idsOf(all.data)).toEqual(['m111', 'km1', 'km11', 'km111']);
    const near = await places$()
      .where({ location: _.geoNear({ geometry: point(LNG, LAT), maxDistance: 2000 }) })
      .get();
    expect(idsOf(near.data)).toEqual(['m111', 'km1']);
    const ring = await places$()
      .where({ location: _.geoNear({ geometry: point(LNG, LAT), minDistance: 500, maxDistance: 20000 }) })
      .get();
    expect(idsOf(ring.data)).toEqual(['km1', 'km11']);
    const shops = await places$()
      .where({ kind: 'shop', location: _.geoNear({ geometry: point(LNG, LAT + 2), maxDistance: 250_000 }) })
      .limit(2)
      .get();
    expect(idsOf(shops.data)).toEqual(['km111', 'km11']);
    // an explicit orderBy takes over from the distance order, as sort() does after $nearSphere in MongoDB
    const byId = await places$()
      .where({ location: _.geoNear({ geometry: point(LNG, LAT), maxDistance: 20000 }) })
      .orderBy('_id', 'desc')
      .get();
    expect(idsOf(byId.data)).toEqual(['m111', 'km11', 'km1']);
  });

  it('should give stored points back as Geo points', async () => {
    const { data } = await places$().doc('m111').get();
    const location = data.location as { latitude: number; longitude: number };
    expect(location.longitude).toBe(LNG);
    expect(location.latitude).toBeCloseTo(LAT + 0.001, 10);
  });

  it('should find points within a Polygon, a MultiPolygon and a centerSphere', async () => {
    const inSquare = await places$()
      .where({ location: _.geoWithin({ geometry: square(LNG, LAT, 0.05) }) })
      .get();
    expect(sortedIds(inSquare.data)).toEqual(['km1', 'm111']);
    const inEither = await places$()
      .where({
        location: _.geoWithin({
          geometry: db.Geo.MultiPolygon([square(LNG, LAT + 0.1, 0.02), square(LNG, LAT + 1, 0.02)]),
        }),
      })
      .get();
    expect(sortedIds(inEither.data)).toEqual(['km11', 'km111']);
    const inCircle = await places$()
      .where({
        location: _.geoWithin({ centerSphere: [point(LNG, LAT), 5000 / 6378100] } as never),
      })
      .get();
    expect(sortedIds(inCircle.data)).toEqual(['km1', 'm111']);
  });

  it('should find points that intersect a Point or a Polygon', async () => {
    const exact = await places$()
      .where({ location: _.geoIntersects({ geometry: point(LNG, LAT + 0.01) }) })
      .get();
    expect(idsOf(exact.data)).toEqual(['km1']);
    const covered = await places$()
      .where({ location: _.geoIntersects({ geometry: square(LNG, LAT + 0.1, 0.2) }) })
      .get();
    expect(sortedIds(covered.data)).toEqual(['km1', 'km11', 'm111']);
  });
});

describe('limits', () => {
  const bulk$ = () => db.collection('bulk');

  beforeAll(async () => {
    await db.createCollection('bulk');
    const data = Array.from({ length: 1200 }, (_unused, n) => ({ _id: `b${String(n).padStart(4, '0')}`, n }));
    await bulk$().add({ data });
  });

  it('should return 100 documents from get() without limit()', async () => {
    const { data } = await bulk$().get();
    expect(data).toHaveLength(100);
  });

  it('should cap limit(5000) at 1000', async () => {
    const { data } = await bulk$().limit(5000).get();
    expect(data).toHaveLength(1000);
  });

  it('should skip in order, and give what is left past the cap', async () => {
    const page = await bulk$().orderBy('n', 'asc').skip(250).limit(3).get();
    expect(page.data.map((d) => d.n)).toEqual([250, 251, 252]);
    const rest = await bulk$().orderBy('n', 'desc').skip(1100).limit(1000).get();
    expect(rest.data).toHaveLength(100);
    expect(rest.data[0].n).toBe(99);
    expect((await bulk$().count()).total).toBe(1200);
  });

  it('should apply the default and the cap in the engine too, whatever the client asks for', async () => {
    const list = async (params: Record<string, unknown>) => {
      const reply = await env.engine.send('database.getDocument', { collectionName: 'bulk', ...params });
      return (reply.data as { list: string[] }).list;
    };
    expect(await list({})).toHaveLength(100);
    expect(await list({ limit: 5000 })).toHaveLength(1000);
    expect(await list({ limit: 7, offset: 1195 })).toHaveLength(5);
  });
});

describe('update commands', () => {
  const docs$ = () => db.collection('docs');
  const read = async (id: string) => (await docs$().doc(id).get()).data as Row;
  const seed = (id: string, data: Row) => docs$().doc(id).set({ data });

  beforeAll(async () => {
    await db.createCollection('docs');
  });

  it('should merge a nested object but replace the field with set()', async () => {
    await seed('u1', { a: { x: 1, y: 2 }, keep: true });
    await docs$()
      .doc('u1')
      .update({ data: { a: { z: 3 } } });
    expect(await read('u1')).toEqual({ _id: 'u1', a: { x: 1, y: 2, z: 3 }, keep: true });
    await docs$()
      .doc('u1')
      .update({ data: { a: _.set({ only: 1 }) } });
    expect(await read('u1')).toEqual({ _id: 'u1', a: { only: 1 }, keep: true });
  });

  it('should remove, inc, mul, min and max', async () => {
    await seed('u2', { gone: 1, n: 5, m: 3, lo: 10, hi: 10, when: new Date('2024-01-02T00:00:00Z') });
    const res = await docs$()
      .doc('u2')
      .update({
        data: {
          gone: _.remove(),
          n: _.inc(2),
          fresh: _.inc(4),
          m: _.mul(1.5),
          lo: _.min(7),
          hi: _.max(7),
          when: _.max(new Date('2024-03-01T00:00:00Z') as never), // the SDK's typings only admit numbers
        },
      });
    expect(res.stats.updated).toBe(1);
    expect(await read('u2')).toEqual({
      _id: 'u2',
      n: 7,
      fresh: 4,
      m: 4.5,
      lo: 7,
      hi: 10,
      when: new Date('2024-03-01T00:00:00Z'),
    });
  });

  it('should rename a field', async () => {
    await seed('u3', { old: 'v', other: 1 });
    await docs$()
      .doc('u3')
      .update({ data: { old: _.rename('renamed') } });
    expect(await read('u3')).toEqual({ _id: 'u3', renamed: 'v', other: 1 });
  });

  it('should push one value, several values, and with position, sort and slice', async () => {
    await seed('u4', { list: ['a'], nums: [5, 1], deep: { list: [] } });
    await docs$()
      .doc('u4')
      .update({ data: { list: _.push('b') } });
    await docs$()
      .doc('u4')
      .update({ data: { list: _.push(['c', 'd']) } });
    await docs$()
      .doc('u4')
      .update({ data: { list: _.push({ each: ['first'], position: 0 }) } });
    await docs$()
      .doc('u4')
      .update({ data: { nums: _.push({ each: [9, 3, 7], sort: 1, slice: 3 }) } });
    await docs$()
      .doc('u4')
      .update({ data: { 'deep.list': _.push('x'), missing: _.push('created') } });
    expect(await read('u4')).toEqual({
      _id: 'u4',
      list: ['first', 'a', 'b', 'c', 'd'],
      nums: [1, 3, 5],
      deep: { list: ['x'] },
      missing: ['created'],
    });
  });

  it('should pop, shift and unshift', async () => {
    await seed('u5', { a: [1, 2, 3], b: [1, 2, 3], c: [3] });
    await docs$()
      .doc('u5')
      .update({ data: { a: _.pop(), b: _.shift(), c: _.unshift([1, 2]) } });
    expect(await read('u5')).toEqual({ _id: 'u5', a: [1, 2], b: [2, 3], c: [1, 2, 3] });
  });

  it('should pull by value and by condition, pullAll, and addToSet without duplicates', async () => {
    await seed('u6', {
      tags: ['a', 'b', 'a', 'c'],
      nums: [1, 4, 2, 8],
      items: [
        { sku: 'x', qty: 1 },
        { sku: 'y', qty: 2 },
      ],
      all: ['a', 'b', 'c', 'a'],
      set: ['a'],
    });
    await docs$()
      .doc('u6')
      .update({
        data: {
          tags: _.pull('a'),
          nums: _.pull(_.gt(3)),
          items: _.pull({ sku: 'x' }),
          all: _.pullAll(['a', 'c']),
          set: _.addToSet('b'),
        },
      });
    expect(await read('u6')).toEqual({
      _id: 'u6',
      tags: ['b', 'c'],
      nums: [1, 2],
      items: [{ sku: 'y', qty: 2 }],
      all: ['b'],
      set: ['a', 'b'],
    });
    const again = await docs$()
      .doc('u6')
      .update({ data: { set: _.addToSet('a') } });
    expect(again.stats.updated).toBe(0);
    await docs$()
      .doc('u6')
      .update({ data: { set: _.addToSet({ $each: ['b', 'c', 'd'] }) } });
    expect((await read('u6')).set).toEqual(['a', 'b', 'c', 'd']);
  });

  it('should update dotted paths, nested objects and array positions', async () => {
    await seed('u7', { stats: { views: 1, likes: 0 }, arr: ['p', 'q', 'r'] });
    await docs$()
      .doc('u7')
      .update({
        data: { 'stats.views': _.inc(10), stats: { likes: _.inc(1) }, 'arr.1': 'Q', 'new.deep.path': true },
      } as never);
    expect(await read('u7')).toEqual({
      _id: 'u7',
      stats: { views: 11, likes: 1 },
      arr: ['p', 'Q', 'r'],
      new: { deep: { path: true } },
    });
  });

  it('should write db.serverDate() as the engine clock, with its offset, in add, update and where', async () => {
    // the SDK's typings leave out serverDate's options
    const serverDate = db.serverDate as unknown as (options?: { offset: number }) => unknown;
    env.clock.offsetMs = 3_600_000;
    try {
      const before = Date.now() + 3_600_000;
      const { _id } = await docs$().add({ data: { createdAt: db.serverDate() } });
      await docs$()
        .doc(String(_id))
        .update({ data: { updatedAt: serverDate({ offset: 60_000 }) } });
      const after = Date.now() + 3_600_000;
      const doc = await read(String(_id));
      expect(doc.createdAt).toBeInstanceOf(Date);
      const created = (doc.createdAt as Date).getTime();
      expect(created).toBeGreaterThanOrEqual(before);
      expect(created).toBeLessThanOrEqual(after);
      const updated = (doc.updatedAt as Date).getTime();
      expect(updated).toBeGreaterThanOrEqual(before + 60_000);
      expect(updated).toBeLessThanOrEqual(after + 60_000);

      // the server's "now" is an hour ahead of this process: only the document due in two hours is still ahead
      const now = Date.now();
      await seed('due30m', { kind: 'due', dueAt: new Date(now + 30 * 60_000) });
      await seed('due2h', { kind: 'due', dueAt: new Date(now + 120 * 60_000) });
      const pending = await docs$()
        .where({ kind: 'due', dueAt: _.gt(db.serverDate()) })
        .get();
      expect(idsOf(pending.data)).toEqual(['due2h']);
    } finally {
      env.clock.offsetMs = 0;
    }
  });

  it('should replace the whole document with doc().set(), and create it when missing', async () => {
    await seed('u8', { a: 1, b: { c: 2 } });
    const replaced = await docs$()
      .doc('u8')
      .set({ data: { z: 26 } });
    expect(replaced.stats).toEqual({ updated: 1, created: 0 });
    expect(await read('u8')).toEqual({ _id: 'u8', z: 26 });
    const created = await docs$()
      .doc('u9')
      .set({ data: { fresh: true } });
    expect(created.stats).toEqual({ updated: 0, created: 1 });
    expect(await read('u9')).toEqual({ _id: 'u9', fresh: true });
  });

  it('should report 0 updated for an update or a set that changes nothing, like MongoDB nModified', async () => {
    await seed('u10', { a: 1, list: ['x'] });
    const same = await docs$()
      .doc('u10')
      .update({ data: { a: 1 } });
    expect(same.stats.updated).toBe(0);
    const sameSet = await docs$()
      .doc('u10')
      .set({ data: { a: 1, list: ['x'] } });
    expect(sameSet.stats).toEqual({ updated: 0, created: 0 });
    const missing = await docs$()
      .doc('no-such-doc')
      .update({ data: { a: 2 } });
    expect(missing.stats.updated).toBe(0);
    await expect(docs$().doc('no-such-doc').get()).rejects.toBeTruthy();
  });

  it('should refuse, like MongoDB, an operator that does not fit the value it meets, changing nothing', async () => {
    await seed('u11', { name: 'x', list: 'not a list', nested: 'flat', n: 1 });
    const unfit: Row[] = [
      { name: _.inc(1) },
      { n: _.inc(1), name: _.mul(2) },
      { list: _.push('y') },
      { list: _.pop() },
      { nested: { deep: 1 } },
    ];
    for (const data of unfit) {
      const err = await failure(docs$().doc('u11').update({ data }));
      expect(err.errCode).toBe(-502001);
    }
    expect(await read('u11')).toEqual({ _id: 'u11', name: 'x', list: 'not a list', nested: 'flat', n: 1 });
  });

  it('should update every matching document with where().update() and count only the changed ones', async () => {
    await docs$().add({
      data: [
        { _id: 'm1', group: 'g', n: 1 },
        { _id: 'm2', group: 'g', n: 2 },
        { _id: 'm3', group: 'g', n: 5 },
        { _id: 'm4', group: 'h', n: 1 },
      ],
    });
    const bumped = await docs$()
      .where({ group: 'g' })
      .update({ data: { n: _.inc(10) } });
    expect(bumped.stats.updated).toBe(3);
    const capped = await docs$()
      .where({ group: 'g' })
      .update({ data: { n: _.min(12) } });
    // 11 and 12 are already at most 12: only the 15 changes
    expect(capped.stats.updated).toBe(1);
    const rows = await docs$()
      .where({ group: _.in(['g', 'h']) })
      .orderBy('_id', 'asc')
      .get();
    expect(rows.data.map((d) => d.n)).toEqual([11, 12, 12, 1]);
    const none = await docs$()
      .where({ group: 'nobody' })
      .update({ data: { n: 0 } });
    expect(none.stats.updated).toBe(0);
  });

  it('should remove by where and by doc, reporting how many went', async () => {
    await docs$().add({
      data: [
        { _id: 'r1', bin: true },
        { _id: 'r2', bin: true },
        { _id: 'r3', bin: false },
      ],
    });
    const byWhere = await docs$().where({ bin: true }).remove();
    expect(byWhere.stats.removed).toBe(2);
    expect(
      (
        await docs$()
          .where({ bin: _.exists(true) })
          .get()
      ).data.map((d) => d._id),
    ).toEqual(['r3']);
    const byDoc = await docs$().doc('r3').remove();
    expect(byDoc.stats.removed).toBe(1);
    const again = await docs$().doc('r3').remove();
    expect(again.stats.removed).toBe(0);
    expect(
      (
        await docs$()
          .where({ bin: _.exists(true) })
          .count()
      ).total,
    ).toBe(0);
  });

  it('should update and return the first match (updateAndReturn of @cloudbase/database)', async () => {
    // wx-server-sdk does not expose updateAndReturn; the query underneath it does, and the engine answers it
    await docs$().add({
      data: [
        { _id: 'q1', queue: 'sms', at: 3, state: 'new' },
        { _id: 'q2', queue: 'sms', at: 1, state: 'new' },
        { _id: 'q3', queue: 'sms', at: 2, state: 'new' },
      ],
    });
    type Inner = { updateAndReturn(data: Row): Promise<{ updated: number; doc?: Row; code?: string }> };
    const inner = (docs$().where({ queue: 'sms', state: 'new' }) as unknown as { _query: Inner })._query;
    const first = await inner.updateAndReturn({ state: 'taken' });
    expect(first.updated).toBe(1);
    expect(first.doc).toMatchObject({ _id: 'q1', state: 'taken' });
    const states = await docs$().where({ queue: 'sms' }).orderBy('_id', 'asc').get();
    expect(states.data.map((d) => d.state)).toEqual(['taken', 'new', 'new']);
    const nothing = await (
      docs$().where({ queue: 'none' }) as unknown as { _query: Inner }
    )._query.updateAndReturn({ state: 'x' });
    expect(nothing.updated).toBe(0);
    expect(nothing.doc).toBeUndefined();
  });
});
