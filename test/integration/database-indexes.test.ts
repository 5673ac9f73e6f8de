/**
 * Declared indexes of the embedded cloud database (cloudfunctions/_server/db/collections.ts), through the real
 * wx-server-sdk: unique and sparse constraints, and query plans that prove indexed queries never scan.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS } from '../../cloudfunctions/_server/db/collections';
import { Store } from '../../tools/local-cloud/db/store';
import { openEmbeddedDb, type EmbeddedDb } from '../helpers/embedded-db';

type Row = Record<string, unknown> & { _id?: string | number };

let env: EmbeddedDb;
let db: EmbeddedDb['db'];
let _: EmbeddedDb['db']['command'];
let store: Store;

const scansOf = (collection: string) => store.collectionScans.get(collection) ?? 0;
const planOf = (collection: string) => {
  const plan = store.lastPlan.get(collection);
  if (!plan) throw new Error(`no plan recorded for ${collection}`);
  return plan;
};

async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}
const messageOf = (err: Record<string, unknown>) => `${err.errMsg ?? ''} ${err.message ?? ''}`;

/** A small deterministic generator, so that the data set is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

beforeAll(async () => {
  env = openEmbeddedDb();
  db = env.db;
  _ = db.command;
  store = env.store;
  for (const name of ['persons', 'checkins', 'scans', 'positions', 'sites']) store.createCollection(name);
});

afterAll(() => store.close());

describe('unique indexes', () => {
  const persons$ = () => db.collection('persons');

  it('should reject a second person with the same idHash, saying duplicate key', async () => {
    await persons$().add({ data: { _id: 'u-a', idHash: 'same' } });
    const err = await failure(persons$().add({ data: { _id: 'u-b', idHash: 'same' } }));
    expect(messageOf(err)).toContain('duplicate key');
    expect(err.errCode).toBe(-502001);
    expect((await persons$().where({ idHash: 'same' }).get()).data.map((d) => d._id)).toEqual(['u-a']);
    expect(
      await failure(
        persons$()
          .doc('u-c')
          .set({ data: { idHash: 'same' } }),
      ),
    ).toMatchObject({
      errCode: -502001,
    });
  });

  it('should let many persons go without an openid (sparse) but not share one', async () => {
    await persons$().add({
      data: [
        { _id: 'no-openid-1', idHash: 'n1' },
        { _id: 'no-openid-2', idHash: 'n2' },
        { _id: 'no-openid-3', idHash: 'n3' },
      ],
    });
    expect(
      (
        await persons$()
          .where({ _id: _.in(['no-openid-1', 'no-openid-2', 'no-openid-3']) })
          .count()
      ).total,
    ).toBe(3);
    await persons$().add({ data: { _id: 'with-openid', idHash: 'o1', openid: 'OPENID-1' } });
    const err = await failure(
      persons$().add({ data: { _id: 'with-openid-2', idHash: 'o2', openid: 'OPENID-1' } }),
    );
    expect(messageOf(err)).toContain('duplicate key');
  });

  it('should allow one check-in per person and date', async () => {
    const checkins$ = () => db.collection('checkins');
    await checkins$().add({ data: { personId: 'x', date: '2024-05-01' } });
    await checkins$().add({ data: { personId: 'x', date: '2024-05-02' } });
    await checkins$().add({ data: { personId: 'y', date: '2024-05-01' } });
    const err = await failure(checkins$().add({ data: { personId: 'x', date: '2024-05-01', again: true } }));
    expect(messageOf(err)).toContain('duplicate key');
    expect((await checkins$().where({ personId: 'x' }).count()).total).toBe(2);
    expect((await checkins$().where({ again: true }).count()).total).toBe(0);
  });

  it('should reject an update that would create a duplicate and leave the document and its index entry as they were', async () => {
    await persons$().add({
      data: [
        { _id: 'up-a', idHash: 'A', name: 'a' },
        { _id: 'up-b', idHash: 'B', name: 'b' },
      ],
    });
    const err = await failure(
      persons$()
        .doc('up-b')
        .update({ data: { idHash: 'A', name: 'changed' } }),
    );
    expect(messageOf(err)).toContain('duplicate key');
    expect((await persons$().doc('up-b').get()).data).toEqual({ _id: 'up-b', idHash: 'B', name: 'b' });
    const stillIndexed = await persons$().where({ idHash: 'B' }).get();
    expect(stillIndexed.data.map((d) => d._id)).toEqual(['up-b']);
    expect(planOf('persons').index).toBe('idHash');
    const multi = await failure(
      persons$()
        .where({ _id: _.in(['up-a', 'up-b']) })
        .update({ data: { idHash: 'AB' } }),
    );
    expect(messageOf(multi)).toContain('duplicate key');
    expect((await persons$().where({ idHash: 'AB' }).count()).total).toBe(0);
  });

  it('should reject a duplicate _id on add', async () => {
    await db.collection('sites').add({ data: { _id: 'site-1', name: 'first' } });
    const err = await failure(db.collection('sites').add({ data: { _id: 'site-1', name: 'second' } }));
    expect(messageOf(err)).toContain('duplicate key');
    expect((await db.collection('sites').doc('site-1').get()).data).toEqual({ _id: 'site-1', name: 'first' });
  });

  it('should let exactly one of two concurrent adds with the same idHash succeed', async () => {
    const results = await Promise.allSettled([
      persons$().add({ data: { idHash: 'race', name: 'one' } }),
      persons$().add({ data: { idHash: 'race', name: 'two' } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(messageOf(rejected[0].reason)).toContain('duplicate key');
    expect((await persons$().where({ idHash: 'race' }).count()).total).toBe(1);
  });
});

describe('query plans', () => {
  interface Scan {
    _id: string;
    personId: string;
    gate: string;
    scopeAncestors: string[];
    scannedAt: Date;
  }
  const SCANS = 2000;
  const T0 = Date.parse('2024-05-01T00:00:00Z');
  const scans: Scan[] = [];
  const scans$ = () => db.collection('scans');
  const newestFirst = (a: Scan, b: Scan) => b.scannedAt.getTime() - a.scannedAt.getTime();

  beforeAll(async () => {
    const next = random(7);
    const regions = ['P', 'Q', 'S'];
    const used = new Set<number>();
    for (let i = 0; i < SCANS; i++) {
      let minute: number;
      do minute = Math.floor(next() * 100_000);
      while (used.has(minute));
      used.add(minute);
      const region = regions[Math.floor(next() * regions.length)];
      const path = ['root', region];
      if (next() < 0.5) path.push(`${region}-${Math.floor(next() * 10)}`);
      // a few scans are recorded at several places in the tree at once
      if (region !== 'P' && next() < 0.05) path.push('P');
      scans.push({
        _id: `scan-${i}`,
        personId: `person-${Math.floor(next() * 50)}`,
        gate: `gate-${i % 13}`,
        scopeAncestors: path,
        scannedAt: new Date(T0 + minute * 60_000),
      });
    }
    for (let i = 0; i < SCANS; i += 500) await scans$().add({ data: scans.slice(i, i + 500) });
  });

  it('should page scopeAncestors newest first through scopeAncestors_scannedAt, reading only the page', async () => {
    const expected = scans.filter((s) => s.scopeAncestors.includes('P')).sort(newestFirst);
    expect(expected.length).toBeGreaterThan(600);
    const before = scansOf('scans');

    const first = await scans$().where({ scopeAncestors: 'P' }).orderBy('scannedAt', 'desc').limit(20).get();
    expect(first.data.map((d) => d._id)).toEqual(expected.slice(0, 20).map((s) => s._id));
    const plan = planOf('scans');
    expect(plan.index).toBe('scopeAncestors_scannedAt');
    expect(plan.sortedByIndex).toBe(true);
    expect(plan.docsExamined).toBeLessThanOrEqual(21);

    // deep paging by a range on scannedAt walks every P scan exactly once, each page as cheap as the first
    const seen: string[] = [];
    let cursor: Date | null = null;
    for (;;) {
      const condition: Record<string, unknown> = { scopeAncestors: 'P' };
      if (cursor) condition.scannedAt = _.lt(cursor);
      const page = await scans$().where(condition).orderBy('scannedAt', 'desc').limit(20).get();
      const pagePlan = planOf('scans');
      expect(pagePlan.index).toBe('scopeAncestors_scannedAt');
      expect(pagePlan.sortedByIndex).toBe(true);
      expect(pagePlan.docsExamined).toBeLessThanOrEqual(21);
      if (page.data.length === 0) break;
      seen.push(...page.data.map((d) => String(d._id)));
      cursor = page.data[page.data.length - 1].scannedAt as Date;
    }
    expect(seen).toEqual(expected.map((s) => s._id));
    expect(scansOf('scans')).toBe(before);
  });

  it('should skip through the index, and read oldest first as well', async () => {
    const expected = scans.filter((s) => s.scopeAncestors.includes('Q-3')).sort(newestFirst);
    const page = await scans$()
      .where({ scopeAncestors: 'Q-3' })
      .orderBy('scannedAt', 'desc')
      .skip(20)
      .limit(10)
      .get();
    expect(page.data.map((d) => d._id)).toEqual(expected.slice(20, 30).map((s) => s._id));
    expect(planOf('scans')).toMatchObject({ index: 'scopeAncestors_scannedAt', sortedByIndex: true });
    expect(planOf('scans').docsExamined).toBeLessThanOrEqual(31);

    const window = { from: new Date(T0 + 20_000 * 60_000), to: new Date(T0 + 60_000 * 60_000) };
    const oldest = await scans$()
      .where({ scopeAncestors: 'S', scannedAt: _.gte(window.from).and(_.lt(window.to)) })
      .orderBy('scannedAt', 'asc')
      .limit(15)
      .get();
    const expectedOldest = scans
      .filter((s) => s.scopeAncestors.includes('S') && s.scannedAt >= window.from && s.scannedAt < window.to)
      .sort((a, b) => -newestFirst(a, b))
      .slice(0, 15);
    expect(oldest.data.map((d) => d._id)).toEqual(expectedOldest.map((s) => s._id));
    expect(planOf('scans')).toMatchObject({ index: 'scopeAncestors_scannedAt', sortedByIndex: true });
    expect(planOf('scans').docsExamined).toBeLessThanOrEqual(16);
  });

  it('should use personId_scannedAt for one person, and count through the index', async () => {
    const expected = scans.filter((s) => s.personId === 'person-7').sort(newestFirst);
    const before = scansOf('scans');
    const latest = await scans$().where({ personId: 'person-7' }).orderBy('scannedAt', 'desc').limit(5).get();
    expect(latest.data.map((d) => d._id)).toEqual(expected.slice(0, 5).map((s) => s._id));
    expect(planOf('scans')).toMatchObject({ index: 'personId_scannedAt', sortedByIndex: true });
    const { total } = await scans$().where({ personId: 'person-7' }).count();
    expect(total).toBe(expected.length);
    expect(planOf('scans')).toMatchObject({ index: 'personId_scannedAt', docsExamined: expected.length });
    expect(scansOf('scans')).toBe(before);
  });

  it('should scan for a field no index declares, and count the scan', async () => {
    const before = scansOf('scans');
    const { data } = await scans$().where({ gate: 'gate-5' }).limit(1000).get();
    expect(data).toHaveLength(scans.filter((s) => s.gate === 'gate-5').length);
    expect(scansOf('scans')).toBe(before + 1);
    expect(planOf('scans')).toMatchObject({ index: null, docsExamined: SCANS });
    expect(store.explain('scans', { gate: 'gate-5' })).toEqual({ index: null, sortedByIndex: false });
    expect(store.explain('scans', { scopeAncestors: 'P' }, [['scannedAt', -1]])).toEqual({
      index: 'scopeAncestors_scannedAt',
      sortedByIndex: true,
    });
  });

  it('should plan positions by status, role in a list and lastActiveAt before a time', async () => {
    const next = random(11);
    const statuses = ['active', 'vacant', 'retired'];
    const roles = ['scanner', 'senior', 'initiator'];
    const positions = Array.from({ length: 400 }, (_unused, i) => ({
      _id: `pos-${i}`,
      status: statuses[Math.floor(next() * 3)],
      role: roles[Math.floor(next() * 3)],
      lastActiveAt: new Date(T0 + Math.floor(next() * 10_000) * 60_000),
      holder: { openid: `holder-${i}` },
      parentId: `pos-${Math.floor(i / 10)}`,
    }));
    await db.collection('positions').add({ data: positions });
    const cutoff = new Date(T0 + 5_000 * 60_000);
    const before = scansOf('positions');

    const stale = await db
      .collection('positions')
      .where({ status: 'active', role: _.in(['scanner', 'senior']), lastActiveAt: _.lt(cutoff) })
      .limit(1000)
      .get();
    const expected = positions.filter(
      (p) => p.status === 'active' && ['scanner', 'senior'].includes(p.role) && p.lastActiveAt < cutoff,
    );
    expect(stale.data.map((d) => d._id).sort()).toEqual(expected.map((p) => p._id).sort());
    expect(planOf('positions')).toMatchObject({
      index: 'status_role_lastActiveAt',
      docsExamined: expected.length,
    });

    const oldestScanners = await db
      .collection('positions')
      .where({ status: 'active', role: 'scanner' })
      .orderBy('lastActiveAt', 'asc')
      .limit(3)
      .get();
    const expectedOldest = positions
      .filter((p) => p.status === 'active' && p.role === 'scanner')
      .sort((a, b) => a.lastActiveAt.getTime() - b.lastActiveAt.getTime())
      .slice(0, 3);
    expect(oldestScanners.data.map((d) => d._id)).toEqual(expectedOldest.map((p) => p._id));
    expect(planOf('positions')).toMatchObject({ index: 'status_role_lastActiveAt', sortedByIndex: true });
    expect(planOf('positions').docsExamined).toBeLessThanOrEqual(4);

    const held = await db
      .collection('positions')
      .where({ holder: { openid: 'holder-42' } })
      .get();
    expect(held.data.map((d) => d._id)).toEqual(['pos-42']);
    expect(planOf('positions')).toMatchObject({ index: 'holderOpenid', docsExamined: 1 });
    expect(scansOf('positions')).toBe(before);
  });

  it('should find persons by openid and by idHash through their unique indexes', async () => {
    await db.collection('persons').add({
      data: Array.from({ length: 200 }, (_unused, i) => ({
        _id: `pp-${i}`,
        idHash: `hash-${i}`,
        ...(i % 3 === 0 ? {} : { openid: `openid-${i}` }),
      })),
    });
    const before = scansOf('persons');
    const byOpenid = await db.collection('persons').where({ openid: 'openid-101' }).get();
    expect(byOpenid.data.map((d) => d._id)).toEqual(['pp-101']);
    expect(planOf('persons')).toMatchObject({ index: 'openid', keysExamined: 1, docsExamined: 1 });
    const byHash = await db.collection('persons').where({ idHash: 'hash-99' }).get();
    expect(byHash.data.map((d) => d._id)).toEqual(['pp-99']);
    expect(planOf('persons')).toMatchObject({ index: 'idHash', keysExamined: 1, docsExamined: 1 });
    const none = await db.collection('persons').where({ openid: 'openid-99' }).get();
    expect(none.data).toEqual([]); // 99 is a multiple of 3: no openid
    expect(planOf('persons')).toMatchObject({ index: 'openid', docsExamined: 0 });
    expect(scansOf('persons')).toBe(before);
  });

  it('should match a two-sided range on a multikey field when different elements satisfy each side', async () => {
    // MongoDB semantics: {ancestors: {$gt: 'b', $lt: 'y'}} matches ['a', 'z'] ('z' > 'b' and 'a' < 'y')
    await db.collection('sites').add({
      data: [
        { _id: 'split', ancestors: ['a', 'z'] },
        { _id: 'inside', ancestors: ['m'] },
        { _id: 'below', ancestors: ['a'] },
        { _id: 'above', ancestors: ['z'] },
      ],
    });
    const { data } = await db
      .collection('sites')
      .where({ ancestors: _.gt('b').and(_.lt('y')) })
      .get();
    expect(data.map((d) => d._id).sort()).toEqual(['inside', 'split']);
    expect(planOf('sites').index).toBe('ancestors');
  });
});

describe('reopening the file', () => {
  it('should keep documents and indexes after close() and a new Store on the same file', async () => {
    const counts = Object.fromEntries(
      ['persons', 'scans', 'positions'].map((name) => [name, store.count(name)] as const),
    );
    store.close();
    store = new Store(join(env.dir, 'cloud.db'), COLLECTIONS);
    expect(store.collectionNames().sort()).toEqual(['checkins', 'persons', 'positions', 'scans', 'sites']);
    for (const [name, count] of Object.entries(counts)) expect(store.count(name)).toBe(count);

    const { docs, plan } = store.find(
      'scans',
      { scopeAncestors: 'P' },
      { order: [['scannedAt', -1]], limit: 20 },
    );
    expect(docs).toHaveLength(20);
    expect(docs[0].scannedAt).toBeInstanceOf(Date);
    expect(plan).toMatchObject({ index: 'scopeAncestors_scannedAt', sortedByIndex: true });
    expect(plan.docsExamined).toBeLessThanOrEqual(21);
    expect(store.find('persons', { idHash: 'hash-7' }).plan).toMatchObject({
      index: 'idHash',
      docsExamined: 1,
    });
    expect(() => store.insert('persons', { _id: 'copy', idHash: 'hash-7' } as Row & { _id: string })).toThrow(
      /duplicate key/,
    );
    expect(
      store
        .find('sites', { ancestors: { $gt: 'b', $lt: 'y' } })
        .docs.map((d) => d._id)
        .sort(),
    ).toEqual(['inside', 'split']);
    expect(store.integrityCheck()).toBe('ok');
  });

  it('should build an index declared after its collection already held documents', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'jxm-db-')), 'cloud.db');
    const undeclared = new Store(file, { sites: { description: 'no indexes yet', indexes: [] } });
    undeclared.createCollection('sites');
    for (let i = 0; i < 50; i++)
      undeclared.insert('sites', { _id: `s${i}`, ancestors: ['root', `n${i % 5}`] });
    undeclared.close();

    const declared = new Store(file, COLLECTIONS);
    try {
      const { docs, plan } = declared.find('sites', { ancestors: 'n3' });
      expect(docs.map((d) => d._id).sort()).toEqual([
        's13',
        's18',
        's23',
        's28',
        's3',
        's33',
        's38',
        's43',
        's48',
        's8',
      ]);
      expect(plan).toMatchObject({ index: 'ancestors', docsExamined: 10 });
      // the backfill also learnt that ancestors holds arrays
      expect(declared.find('sites', { ancestors: { $gt: 'p', $lt: 'o' } }).docs).toHaveLength(50);
    } finally {
      declared.close();
    }
  });

  it('should learn which fields are multikey when opening a file written before they were recorded', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'jxm-db-')), 'cloud.db');
    const old = new Store(file, COLLECTIONS);
    old.createCollection('sites');
    old.insert('sites', { _id: 'split', ancestors: ['a', 'z'] });
    old.db.exec('DROP TABLE _multikey');
    old.close();

    const reopened = new Store(file, COLLECTIONS);
    try {
      expect(reopened.find('sites', { ancestors: { $gt: 'b', $lt: 'y' } }).docs.map((d) => d._id)).toEqual([
        'split',
      ]);
    } finally {
      reopened.close();
    }
  });
});
