/**
 * Filters on an index (DESIGN.md section 2; API.md `records.scans`, `records.alerts`): every filter of the two
 * lists, at every level of the tree and with a cursor, is answered by one declared index in order — the equality
 * fields first (the scope or region, then colour, site, status, kind), then the date — so that a page examines at
 * most a page's worth of index keys more than it returns, whatever the size of the collection. Proven by the plan
 * the embedded store records for each query, and by the pages themselves: exactly the matching documents, newest
 * first, none repeated or lost across pages. A page of `records.scans` is one stage of database round trips.
 *
 * The history is written straight into the store (as the bench seeds it); every read goes through the bundled
 * `records` function and the real wx-server-sdk.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLLECTIONS, type IndexSpec } from '../../cloudfunctions/_server/db/collections';
import { INITIATOR_POSITION_ID, ROOT_SITE_ID } from '../../cloudfunctions/_server/org/bootstrap';
import type { AlertDoc, ScanDoc } from '../../cloudfunctions/_server/db/documents';
import { regionPrefixes } from '../../miniprogram/core/regions';
import type { Doc, QueryPlan } from '../../tools/local-cloud/db/store';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { openLocalCloud } from '../helpers/local-cloud';

const INITIATOR = 'filters-initiator';
const PAGE = 20;
const MINUTE = 60_000;
const T0 = Date.UTC(2024, 4, 1, 0, 0, 0);
const SCANS = 3000;

let cloud: LocalCloud;

interface Position {
  id: string;
  role: 'initiator' | 'senior' | 'intermediate' | 'ordinary' | 'agency';
  siteId: string;
  ancestors: string[];
  regionPrefix?: string;
}

const S0 = 'f-s0';
const S1 = 'f-s1';
const M0 = 'f-s0-m0';
const M1 = 'f-s0-m1';
const N0 = 'f-s1-m0';
const O0 = 'f-s0-m0-o0';
const O1 = 'f-s0-m0-o1';
const P0 = 'f-s0-m1-o0';
const Q0 = 'f-s1-m0-o0';

/** Sites: two units (长春 220102, 吉林 220202), each with child sites. */
const SITES: Array<{ id: string; ancestors: string[]; regionCode: string }> = [
  { id: 'f-u0', ancestors: [ROOT_SITE_ID], regionCode: '220102' },
  { id: 'f-u0-a', ancestors: [ROOT_SITE_ID, 'f-u0'], regionCode: '220102' },
  { id: 'f-u0-b', ancestors: [ROOT_SITE_ID, 'f-u0'], regionCode: '220102' },
  { id: 'f-u1', ancestors: [ROOT_SITE_ID], regionCode: '220202' },
  { id: 'f-u1-a', ancestors: [ROOT_SITE_ID, 'f-u1'], regionCode: '220202' },
];
const regionOf = (siteId: string) =>
  siteId === ROOT_SITE_ID ? '220000' : SITES.find((s) => s.id === siteId)!.regionCode;

const POSITIONS: Position[] = [
  { id: S0, role: 'senior', siteId: 'f-u0', ancestors: [INITIATOR_POSITION_ID] },
  { id: S1, role: 'senior', siteId: 'f-u1', ancestors: [INITIATOR_POSITION_ID] },
  { id: M0, role: 'intermediate', siteId: 'f-u0-a', ancestors: [INITIATOR_POSITION_ID, S0] },
  { id: M1, role: 'intermediate', siteId: 'f-u0-b', ancestors: [INITIATOR_POSITION_ID, S0] },
  { id: N0, role: 'intermediate', siteId: 'f-u1-a', ancestors: [INITIATOR_POSITION_ID, S1] },
  { id: O0, role: 'ordinary', siteId: 'f-u0-a', ancestors: [INITIATOR_POSITION_ID, S0, M0] },
  { id: O1, role: 'ordinary', siteId: 'f-u0-a', ancestors: [INITIATOR_POSITION_ID, S0, M0] },
  { id: P0, role: 'ordinary', siteId: 'f-u0-b', ancestors: [INITIATOR_POSITION_ID, S0, M1] },
  { id: Q0, role: 'ordinary', siteId: 'f-u1-a', ancestors: [INITIATOR_POSITION_ID, S1, N0] },
  // agencies of the province, of 长春 and of one district (API.md v1.1)
  {
    id: 'f-agency-22',
    role: 'agency',
    siteId: ROOT_SITE_ID,
    ancestors: [INITIATOR_POSITION_ID],
    regionPrefix: '22',
  },
  {
    id: 'f-agency-2201',
    role: 'agency',
    siteId: 'f-u0',
    ancestors: [INITIATOR_POSITION_ID],
    regionPrefix: '2201',
  },
  {
    id: 'f-agency-220102',
    role: 'agency',
    siteId: 'f-u0',
    ancestors: [INITIATOR_POSITION_ID],
    regionPrefix: '220102',
  },
];
const positionOf = (id: string): Position =>
  id === INITIATOR_POSITION_ID
    ? { id, role: 'initiator', siteId: ROOT_SITE_ID, ancestors: [] }
    : POSITIONS.find((p) => p.id === id)!;
const openidOf = (id: string) => (id === INITIATOR_POSITION_ID ? INITIATOR : `filters-${id}`);

/** Who made scan k: mostly the ordinary scanners; the seniors and the initiator now and then. */
const ROTA = [O0, O1, P0, Q0, O0, O1, P0, Q0, M0, N0];
function scannerOf(k: number): string {
  if (k % 211 === 0) return INITIATOR_POSITION_ID;
  if (k % 97 === 0) return S0;
  return ROTA[k % ROTA.length];
}

/** Red is rare and only among the oldest scans: an index without the colour would walk everything to find it. */
function colorOf(k: number): ScanDoc['color'] {
  if (k < 60 && k % 3 === 0) return 'red';
  if (k % 13 === 0) return 'yellow';
  if (k % 29 === 0) return 'orange';
  if (k % 31 === 0) return 'bw';
  return 'green';
}

/** One minute apart, and every seventh scan at the same instant as the one before: ties for the cursor. */
const atOf = (k: number) => new Date(T0 + (k % 7 === 6 ? k - 1 : k) * MINUTE);

const ALERT_KINDS = ['fever', 'color', 'replay', 'stale_pass'] as const;

const scans: ScanDoc[] = [];
const alerts: AlertDoc[] = [];

function seed(): void {
  const now = new Date(T0 + SCANS * MINUTE);
  const day = 24 * 3600_000;
  cloud.store.transaction(() => {
    for (const site of SITES) {
      cloud.store.insert('sites', {
        _id: site.id,
        name: `站点${site.id}`,
        type: 'other',
        address: '吉林省',
        location: { type: 'Point', coordinates: [125.3, 43.9] },
        radiusM: 1000,
        parentSiteId: site.ancestors[site.ancestors.length - 1],
        ancestors: site.ancestors,
        lineage: [...site.ancestors, site.id],
        regionCode: site.regionCode,
        uscc: null,
        createdAt: now,
        createdBy: null,
      } as unknown as Doc);
    }
    for (const p of POSITIONS) {
      cloud.store.insert('positions', {
        _id: p.id,
        role: p.role,
        siteId: p.siteId,
        parentId: p.ancestors[p.ancestors.length - 1],
        ancestors: p.ancestors,
        ...(p.regionPrefix ? { regionPrefix: p.regionPrefix } : {}),
        holder: {
          openid: openidOf(p.id),
          personId: null,
          name: null,
          phone: null,
          masked: { name: '李*', phone: '139****0000' },
        },
        status: 'active',
        disabledReason: null,
        currentInviteId: null,
        lastActiveAt: new Date(Date.now() - day),
        createdAt: new Date(T0 - day),
        updatedAt: new Date(T0 - day),
      } as unknown as Doc);
    }
    let alertNo = 0;
    for (let k = 0; k < SCANS; k++) {
      const scanner = positionOf(scannerOf(k));
      const scope = [...scanner.ancestors, scanner.id];
      const color = colorOf(k);
      const scan = {
        _id: `f-scan-${String(k).padStart(5, '0')}`,
        positionId: scanner.id,
        scopeAncestors: scope,
        site: { id: scanner.siteId, name: `站点${scanner.siteId}` },
        regionCode: regionOf(scanner.siteId),
        scanner: { positionId: scanner.id, role: scanner.role, name: '李*' },
        personId: `f-person-${k % 50}`,
        guest: null,
        masked: { name: '张*', idNumber: '2201**********0011' },
        color,
        temperature: 36.5,
        fever: false,
        decision: color === 'green' || color === 'bw' ? 'allow' : 'deny',
        qr: null,
        replayed: false,
        scannedAt: atOf(k),
        receivedAt: atOf(k),
      } as unknown as ScanDoc;
      scans.push(scan);
      cloud.store.insert('scans', scan as unknown as Doc);
      if (k % 5 !== 0) continue;
      // one scan in five raised an alert; open ones are rare and old, the rest handled
      const j = alertNo++;
      const alert: AlertDoc = {
        _id: scan._id,
        scanId: scan._id,
        kind: ALERT_KINDS[j % ALERT_KINDS.length],
        scopeAncestors: scope,
        regionPrefixes: regionPrefixes(scan.regionCode!),
        site: scan.site,
        person: { name: '张*' },
        color,
        temperature: 36.5,
        at: scan.scannedAt,
        status: j < 12 || j % 23 === 0 ? 'open' : 'handled',
        handled: null,
      };
      alerts.push(alert);
      cloud.store.insert('alerts', alert as unknown as Doc);
    }
  });
}

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  seed();
});

afterAll(async () => {
  await cloud.close();
});

type Envelope<T> = { ok: boolean; data?: T; error?: { code: string; fields?: Record<string, string> } };
interface ScanPage {
  items: Array<{ scanId: string; at: string; color: string; site: { id: string } }>;
  next: string | null;
}
interface AlertPage {
  items: Array<{ alertId: string; at: string; kind: string; status: string }>;
  next: string | null;
}

async function records<T>(positionId: string, body: Record<string, unknown>): Promise<Envelope<T>> {
  return (await cloud.functions.invoke(
    'records',
    { actingPositionId: positionId, ...body },
    { openid: openidOf(positionId) },
  )) as Envelope<T>;
}

interface Walked<I> {
  items: I[];
  plans: QueryPlan[];
  /** Items per page, in order. */
  pageSizes: number[];
  complete: boolean;
}

/** Pages through a list (at most `maxPages`), keeping each page's recorded plan. */
async function walk<I>(
  positionId: string,
  collection: 'scans' | 'alerts',
  body: Record<string, unknown>,
  maxPages: number,
): Promise<Walked<I>> {
  const out: Walked<I> = { items: [], plans: [], pageSizes: [], complete: false };
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    cloud.store.lastPlan.delete(collection);
    const reply: Envelope<{ items: I[]; next: string | null }> = await records(positionId, {
      ...body,
      limit: PAGE,
      ...(cursor ? { cursor } : {}),
    });
    if (!reply.ok) throw new Error(`records.${String(body.action)}: ${JSON.stringify(reply.error)}`);
    const plan = cloud.store.lastPlan.get(collection);
    if (!plan) throw new Error(`no plan recorded for ${collection}`);
    out.plans.push({ ...plan });
    out.items.push(...reply.data!.items);
    out.pageSizes.push(reply.data!.items.length);
    cursor = reply.data!.next;
    if (!cursor) {
      out.complete = true;
      break;
    }
  }
  return out;
}

/** Every page examined at most a page's worth of keys more than it returned, through `index`, in order. */
function expectBounded(walked: Walked<unknown>, index: string): void {
  walked.plans.forEach((plan, i) => {
    const returned = walked.pageSizes[i];
    expect({ page: i + 1, index: plan.index, sortedByIndex: plan.sortedByIndex }).toEqual({
      page: i + 1,
      index,
      sortedByIndex: true,
    });
    expect({
      page: i + 1,
      keysExamined: plan.keysExamined,
      bounded: plan.keysExamined <= returned + PAGE,
    }).toEqual({ page: i + 1, keysExamined: plan.keysExamined, bounded: true });
    expect(plan.docsExamined).toBeLessThanOrEqual(plan.keysExamined);
  });
}

/** The same documents as `expected` (newest first; ties in any order), none twice. */
function expectSameList<I extends { at: string }>(
  walked: Walked<I>,
  expected: Array<{ id: string; at: Date }>,
  idOf: (i: I) => string,
) {
  const got = walked.items.map(idOf);
  expect(new Set(got).size).toBe(got.length);
  const want = walked.complete ? expected : expected.slice(0, got.length);
  expect(walked.items.map((i) => i.at)).toEqual(want.map((e) => e.at.toISOString()));
  // each one a matching document at its own instant (which of several tied at the last instant came first is free)
  const matching = new Map(expected.map((e) => [e.id, e.at.toISOString()]));
  expect(walked.items.filter((i) => matching.get(idOf(i)) !== i.at)).toEqual([]);
}

const newestFirst = <T extends { _id: string }>(docs: T[], at: (d: T) => Date) =>
  [...docs].sort((a, b) => at(b).getTime() - at(a).getTime()).map((d) => ({ id: d._id, at: at(d) }));

const LEVELS = [
  ['发起 initiator', INITIATOR_POSITION_ID],
  ['高级 senior', S0],
  ['中级 intermediate', M0],
  ['普通 ordinary', O0],
] as const;

/** A site inside each level's scope with scans of others beside the level's own. */
const SITE_OF: Record<string, string> = {
  [INITIATOR_POSITION_ID]: 'f-u0',
  [S0]: 'f-u0-a',
  [M0]: 'f-u0-a',
  [O0]: 'f-u0-a',
};

const FROM = atOf(1000);
const TO = atOf(2400);

interface ScanFilter {
  color?: ScanDoc['color'];
  site?: boolean;
  from?: boolean;
  to?: boolean;
}

const SCAN_FILTERS: ScanFilter[] = [
  {},
  { color: 'red' },
  { color: 'yellow' },
  { site: true },
  { site: true, color: 'yellow' },
  { site: true, color: 'red' },
  { from: true },
  { to: true },
  { from: true, to: true },
  { to: true, color: 'orange' },
  { from: true, to: true, site: true },
  { from: true, to: true, site: true, color: 'yellow' },
];

const label = (f: object) =>
  Object.entries(f)
    .map(([k, v]) => (v === true ? k : `${k}=${String(v)}`))
    .join('+') || 'none';

const scanIndexOf = (f: ScanFilter) =>
  f.site && f.color
    ? 'scopeAncestors_siteId_color_scannedAt'
    : f.site
      ? 'scopeAncestors_siteId_scannedAt'
      : f.color
        ? 'scopeAncestors_color_scannedAt'
        : 'scopeAncestors_scannedAt';

describe('records.scans: every filter at every level through its index, a page at a time', () => {
  for (const [level, positionId] of LEVELS) {
    describe(level, () => {
      for (const f of SCAN_FILTERS) {
        it(`${label(f)}: ${scanIndexOf(f)}, at most a page of keys beyond the page, the matching scans newest first`, async () => {
          const siteId = SITE_OF[positionId];
          const body = {
            action: 'scans',
            ...(f.color ? { color: f.color } : {}),
            ...(f.site ? { siteId } : {}),
            ...(f.from ? { from: FROM.toISOString() } : {}),
            ...(f.to ? { to: TO.toISOString() } : {}),
          };
          const expected = newestFirst(
            scans.filter(
              (s) =>
                s.scopeAncestors.includes(positionId) &&
                (!f.color || s.color === f.color) &&
                (!f.site || s.site.id === siteId) &&
                (!f.from || s.scannedAt >= FROM) &&
                (!f.to || s.scannedAt <= TO),
            ),
            (s) => s.scannedAt,
          );
          const walked = await walk<ScanPage['items'][number]>(positionId, 'scans', body, 6);
          expectBounded(walked, scanIndexOf(f));
          expectSameList(walked, expected, (i) => i.scanId);
          for (const item of walked.items) {
            if (f.color) expect(item.color).toBe(f.color);
            if (f.site) expect(item.site.id).toBe(siteId);
          }
        });
      }
    });
  }

  it('walks a whole list to its end, the deepest page costing what the first one does', async () => {
    const body = { action: 'scans', to: TO.toISOString() };
    const expected = newestFirst(
      scans.filter((s) => s.scopeAncestors.includes(O0) && s.scannedAt <= TO),
      (s) => s.scannedAt,
    );
    const walked = await walk<ScanPage['items'][number]>(O0, 'scans', body, 1000);
    expect(walked.complete).toBe(true);
    expect(walked.plans.length).toBeGreaterThan(10);
    expectBounded(walked, 'scopeAncestors_scannedAt');
    expectSameList(walked, expected, (i) => i.scanId);
  });
});

interface AlertFilter {
  status?: 'open' | 'handled';
  kind?: AlertDoc['kind'];
}

const ALERT_FILTERS: AlertFilter[] = [
  {},
  { status: 'open' },
  { status: 'handled' },
  { kind: 'replay' },
  { status: 'open', kind: 'color' },
  { status: 'handled', kind: 'fever' },
];

const ALERT_LEVELS = [
  ...LEVELS,
  ['有关部门 province agency', 'f-agency-22'],
  ['有关部门 city agency', 'f-agency-2201'],
  ['有关部门 district agency', 'f-agency-220102'],
] as const;

const alertIndexOf = (agency: boolean, f: AlertFilter) =>
  `${agency ? 'regionPrefixes' : 'scopeAncestors'}${f.status ? '_status' : ''}${f.kind ? '_kind' : ''}_at`;

describe('records.alerts: scope or region, status and kind through their index, a page at a time', () => {
  for (const [level, positionId] of ALERT_LEVELS) {
    describe(level, () => {
      const position = positionOf(positionId);
      const agency = position.role === 'agency';
      for (const f of ALERT_FILTERS) {
        it(`${label(f)}: ${alertIndexOf(agency, f)}, the matching alerts newest first`, async () => {
          const expected = newestFirst(
            alerts.filter(
              (a) =>
                (agency
                  ? a.regionPrefixes!.includes(position.regionPrefix!)
                  : a.scopeAncestors.includes(positionId)) &&
                (!f.status || a.status === f.status) &&
                (!f.kind || a.kind === f.kind),
            ),
            (a) => a.at,
          );
          const walked = await walk<AlertPage['items'][number]>(
            positionId,
            'alerts',
            { action: 'alerts', ...f },
            6,
          );
          expectBounded(walked, alertIndexOf(agency, f));
          expectSameList(walked, expected, (i) => i.alertId);
          for (const item of walked.items) {
            if (f.status) expect(item.status).toBe(f.status);
            if (f.kind) expect(item.kind).toBe(f.kind);
          }
        });
      }
    });
  }
});

describe('the production index file', () => {
  it('lists every declared index as collections.ts declares it (npm run build writes it; jest builds first)', () => {
    const file = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'cloudfunctions', 'database.indexes.json'), 'utf8'),
    ) as { collections: Array<{ name: string; indexes: unknown[] }> };
    const declared = Object.entries(COLLECTIONS).map(([name, spec]) => ({
      name,
      indexes: spec.indexes.map((index: IndexSpec) => ({
        name: index.name,
        unique: Boolean(index.unique),
        sparse: Boolean(index.sparse),
        fields: index.fields.map(([field, direction]) => ({
          field,
          direction: direction === 1 ? 'asc' : 'desc',
        })),
      })),
    }));
    expect(file.collections.map(({ name, indexes }) => ({ name, indexes }))).toEqual(declared);
    const alertIndexes = file.collections.find((c) => c.name === 'alerts')!.indexes;
    expect(alertIndexes).toContainEqual({
      name: 'regionPrefixes_status_at',
      unique: false,
      sparse: false,
      fields: [
        { field: 'regionPrefixes', direction: 'asc' },
        { field: 'status', direction: 'asc' },
        { field: 'at', direction: 'desc' },
      ],
    });
  });
});

describe('one stage of round trips, and the activity mark at most every ten minutes', () => {
  const measured = async (positionId: string, body: Record<string, unknown>) => {
    const { result, count } = await cloud.meter.measure(() => records<unknown>(positionId, body));
    expect(result.ok).toBe(true);
    return count;
  };
  const written = (positionId: string) =>
    (cloud.store.get('positions', positionId)!.doc as unknown as { lastActiveAt: Date }).lastActiveAt;

  it('records.scans: the position, the site and the page read together; the mark written once, when due', async () => {
    const body = { action: 'scans', siteId: 'f-u0-b', color: 'yellow', from: FROM.toISOString() };
    const due = await measured(P0, body);
    // the position was last active a day ago: this read marks it, after the one stage of reads
    expect(
      due.trips
        .filter((t) => t.stage === 1)
        .map((t) => `${t.action}:${t.collection}`)
        .sort(),
    ).toEqual(['getDocument:positions', 'getDocument:scans', 'getDocument:sites']);
    expect(due.trips.filter((t) => t.stage > 1).map((t) => `${t.action}:${t.collection}`)).toEqual([
      'modifyDocument:positions',
    ]);
    const markedAt = written(P0);
    expect(Math.abs(markedAt.getTime() - cloud.clock.nowMs())).toBeLessThan(5000);
    // within ten minutes: nothing written, one stage
    cloud.clock.offsetMs += 9 * MINUTE;
    try {
      const fresh = await measured(P0, body);
      expect(fresh.stages).toBe(1);
      expect(fresh.trips.every((t) => t.action === 'getDocument')).toBe(true);
      expect(written(P0)).toEqual(markedAt);
      cloud.clock.offsetMs += 2 * MINUTE;
      const later = await measured(P0, body);
      expect(later.trips.filter((t) => t.action === 'modifyDocument')).toHaveLength(1);
    } finally {
      cloud.clock.offsetMs = 0;
    }
  });

  it('records.alerts of a scanner: one stage; of an agency: the region page once its region is known', async () => {
    await measured(P0, { action: 'alerts' }); // marked: within ten minutes now
    const scanner = await measured(P0, { action: 'alerts', status: 'handled' });
    expect(scanner.stages).toBe(1);
    expect(scanner.trips.map((t) => `${t.action}:${t.collection}`).sort()).toEqual([
      'getDocument:alerts',
      'getDocument:positions',
    ]);
    await measured('f-agency-2201', { action: 'alerts' });
    const agency = await measured('f-agency-2201', { action: 'alerts', status: 'open' });
    expect(agency.stages).toBeLessThanOrEqual(2);
    expect(agency.trips.every((t) => t.action === 'getDocument')).toBe(true);
  });

  it('refuses before it answers: someone else’s position, a site outside the scope, a forged cursor', async () => {
    const other = (await cloud.functions.invoke(
      'records',
      { action: 'scans', actingPositionId: O0, color: 'red' },
      { openid: openidOf(O1) },
    )) as Envelope<unknown>;
    expect(other.error?.code).toBe('FORBIDDEN');
    const outside = await records(O0, { action: 'scans', siteId: 'f-u1-a' });
    expect(outside.error?.code).toBe('FORBIDDEN');
    const agency = await records('f-agency-22', { action: 'scans' });
    expect(agency.error?.code).toBe('FORBIDDEN');
    const forgedByStranger = (await cloud.functions.invoke(
      'records',
      { action: 'scans', actingPositionId: O0, cursor: 'AAAA.AAAAAAAAAAAAAAAAAAAAAA' },
      { openid: openidOf(O1) },
    )) as Envelope<unknown>;
    expect(forgedByStranger.error?.code).toBe('FORBIDDEN');
    const forged = await records(O0, { action: 'scans', cursor: 'AAAA.AAAAAAAAAAAAAAAAAAAAAA' });
    expect(forged.error).toMatchObject({ code: 'BAD_REQUEST', fields: { cursor: 'format' } });
  });
});
