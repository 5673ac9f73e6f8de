/**
 * Scan data through the local cloud (regulation rules 3, 11, 15, 17; API.md `records`, `retentionPurge`): every
 * scanner sees exactly the scans below it, masked, through the indexed scope query; stats and alerts in the same
 * scope; reveal only with a grant, every call audited; credit flags; retention after the epidemic period.
 */
import type { AuditDoc } from '../../cloudfunctions/_server/db/documents';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call, openLocalCloud, runTimer } from '../helpers/local-cloud';
import {
  JILIN,
  buildWorld,
  citizenWithCode,
  newScanId,
  onDuty,
  type Scanner,
  type World,
} from '../helpers/world';

const INITIATOR = 'test-initiator';
let cloud: LocalCloud;
let world: World;
const scanIds: Record<string, string[]> = { ordinary: [], intermediate: [], other: [] };
let feverScanId = '';
let citizen: Awaited<ReturnType<typeof citizenWithCode>>;
/** Scanned in 吉林: another person, or their codes would be flagged as replayed between the two sites. */
let traveller: Awaited<ReturnType<typeof citizenWithCode>>;

interface ScanList {
  items: Array<{
    scanId: string;
    at: string;
    person: { name: string; idNumber: string };
    scanner: { positionId: string; role: string; name: string };
    color: string;
  }>;
  next: string | null;
}

const records = <T = Record<string, unknown>>(
  who: { id: string; openid: string },
  body: Record<string, unknown>,
) => call<T>(cloud, 'records', { actingPositionId: who.id, ...body }, who.openid);

async function record(who: Scanner, temperature: number, whom = citizen) {
  const scanId = newScanId();
  const reply = await call(
    cloud,
    'scan',
    { action: 'record', positionId: who.id, scanId, qr: whom.qrAt(cloud.clock.nowMs()), temperature },
    who.openid,
  );
  expect(reply.body.ok).toBe(true);
  return scanId;
}

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  world = await buildWorld(cloud, INITIATOR, 'rec');
  citizen = await citizenWithCode(cloud, 'rec-citizen');
  traveller = await citizenWithCode(cloud, 'rec-traveller');
  await onDuty(cloud, world.ordinary);
  await onDuty(cloud, world.intermediate);
  await onDuty(cloud, world.otherSenior, JILIN);
  for (let i = 0; i < 5; i++) scanIds.ordinary.push(await record(world.ordinary, 36.5));
  feverScanId = await record(world.ordinary, 38.1);
  scanIds.ordinary.push(feverScanId);
  for (let i = 0; i < 3; i++) scanIds.intermediate.push(await record(world.intermediate, 36.4));
  for (let i = 0; i < 2; i++) scanIds.other.push(await record(world.otherSenior, 36.6, traveller));
});

afterAll(async () => {
  await cloud.close();
});

describe('scans: exactly the scope of rule 11', () => {
  const listed = async (who: { id: string; openid: string }) =>
    (
      (await records<ScanList>(who, { action: 'scans', limit: 100 })).body.data!.items.map((i) => i.scanId) ??
      []
    ).sort();

  it('shows an ordinary scanner its own scans only', async () => {
    expect(await listed(world.ordinary)).toEqual([...scanIds.ordinary].sort());
  });

  it('shows an intermediate its own and everything below it', async () => {
    expect(await listed(world.intermediate)).toEqual([...scanIds.ordinary, ...scanIds.intermediate].sort());
  });

  it('shows a senior its subtree and nothing of another senior’s', async () => {
    expect(await listed(world.senior)).toEqual([...scanIds.ordinary, ...scanIds.intermediate].sort());
    expect(await listed(world.otherSenior)).toEqual([...scanIds.other].sort());
  });

  it('shows the initiator everything', async () => {
    expect(await listed(world.initiator)).toEqual(
      [...scanIds.ordinary, ...scanIds.intermediate, ...scanIds.other].sort(),
    );
  });

  it('answers with masked values only, newest first, through the scope index in order', async () => {
    const reply = await records<ScanList>(world.senior, { action: 'scans' });
    const items = reply.body.data!.items;
    expect(items.map((i) => i.at)).toEqual([...items.map((i) => i.at)].sort().reverse());
    for (const item of items) {
      expect(item.person.name).toMatch(/^.\*+$/);
      expect(item.person.idNumber).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
      expect(item.scanner.name).toMatch(/\*/);
    }
    const raw = JSON.stringify(reply.body);
    for (const secret of [citizen.name, citizen.idNumber, citizen.phone, world.ordinary.name])
      expect(raw).not.toContain(secret);
    expect(cloud.store.lastPlan.get('scans')).toMatchObject({
      index: 'scopeAncestors_scannedAt',
      sortedByIndex: true,
    });
  });

  it('filters by color, site and time, and pages with a cursor without repeats', async () => {
    const yellow = await records<ScanList>(world.initiator, { action: 'scans', color: 'yellow' });
    expect(yellow.body.data!.items.map((i) => i.scanId)).toEqual([feverScanId]);
    const jilin = await records<ScanList>(world.initiator, { action: 'scans', siteId: world.otherSiteId });
    expect(jilin.body.data!.items.map((i) => i.scanId).sort()).toEqual([...scanIds.other].sort());
    const future = await records<ScanList>(world.initiator, {
      action: 'scans',
      from: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(future.body.data!.items).toEqual([]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof records<ScanList>>> = await records<ScanList>(world.initiator, {
        action: 'scans',
        limit: 4,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.body.data!.items.map((i) => i.scanId));
      cursor = page.body.data!.next;
    } while (cursor);
    expect(seen.length).toBe(11);
    expect(new Set(seen).size).toBe(11);
  });

  it('keeps the from/to range on every page, not only the first', async () => {
    const from = cloud.store.get('scans', scanIds.ordinary[2])!.doc.scannedAt as Date;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof records<ScanList>>> = await records<ScanList>(world.senior, {
        action: 'scans',
        from: from.toISOString(),
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.body.data!.items.map((i) => i.at));
      cursor = page.body.data!.next;
    } while (cursor);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((at) => Date.parse(at) >= from.getTime())).toBe(true);
  });

  it('pages through many scans taken at the same instant with the cursors it issues', async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const ids = Array.from({ length: 30 }, (_, i) => `same-instant-${String(i).padStart(2, '0')}-0000-0000`);
    for (const id of ids) {
      const doc = { ...cloud.store.get('scans', scanIds.ordinary[0])!.doc, _id: id, scannedAt: at };
      cloud.store.insert('scans', doc);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof records<ScanList>>> = await records<ScanList>(world.ordinary, {
        action: 'scans',
        to: at.toISOString(),
        limit: 7,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.body.ok).toBe(true);
      seen.push(...page.body.data!.items.map((i) => i.scanId));
      cursor = page.body.data!.next;
    } while (cursor);
    expect([...seen].sort()).toEqual(ids);
    for (const id of ids) cloud.store.remove('scans', id);
  });

  it('answers FORBIDDEN for a site outside the actor’s scope', async () => {
    const reply = await records(world.otherSenior, { action: 'scans', siteId: world.siteId });
    expect(reply.body.error?.code).toBe('FORBIDDEN');
  });

  it('answers FORBIDDEN when acting as someone else’s position', async () => {
    expect(
      (
        await call(
          cloud,
          'records',
          { action: 'scans', actingPositionId: world.senior.id },
          world.ordinary.openid,
        )
      ).body.error?.code,
    ).toBe('FORBIDDEN');
  });
});

describe('stats and alerts', () => {
  it('counts the scope by color, fever and site', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const senior = await records(world.senior, { action: 'stats', from, to });
    expect(senior.body.data).toEqual({
      total: 9,
      byColor: { green: 8, yellow: 1 },
      fever: 1,
      refusals: 0,
      bySite: [{ siteId: world.siteId, name: '长春站', total: 9 }],
    });
    const all = await records<{ total: number; bySite: unknown[] }>(world.initiator, {
      action: 'stats',
      from,
      to,
    });
    expect(all.body.data!.total).toBe(11);
    // the busiest site first
    expect(all.body.data!.bySite).toEqual([
      { siteId: world.siteId, name: '长春站', total: 9 },
      { siteId: world.otherSiteId, name: '吉林站', total: 2 },
    ]);
    expect((await records(world.senior, { action: 'stats', from: to, to: from })).body.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { to: 'range' },
    });
  });

  it('counts every site, also past the 20 results an aggregation returns by default, the busiest first', async () => {
    const base = cloud.store.get('scans', scanIds.other[0])!.doc;
    const at = new Date(Date.parse('2026-02-01T00:00:00Z'));
    // one scan at each of 25 sites, and two more at the last one listed
    const ids: string[] = [];
    for (let i = 0; i < 27; i++) {
      const n = Math.min(i, 24);
      ids.push(`many-sites-${i}-0000-0000`);
      cloud.store.insert('scans', {
        ...base,
        _id: ids[i],
        site: { id: `s-${n}`, name: `站点${n}` },
        scannedAt: at,
      });
    }
    const reply = await records<{ total: number; bySite: Array<{ siteId: string; total: number }> }>(
      world.otherSenior,
      { action: 'stats', from: '2026-01-31T00:00:00Z', to: '2026-02-02T00:00:00Z' },
    );
    expect(reply.body.data).toMatchObject({ total: 27 });
    expect(reply.body.data!.bySite).toHaveLength(25);
    expect(reply.body.data!.bySite[0]).toMatchObject({ siteId: 's-24', total: 3 });
    expect(reply.body.data!.bySite.slice(1).every((site) => site.total === 1)).toBe(true);
    for (const id of ids) cloud.store.remove('scans', id);
  });

  it('totals every scan by colour however many sites the scope holds: 10,005 site × colour groups', async () => {
    const base = cloud.store.get('scans', scanIds.other[0])!.doc;
    const at = new Date(Date.parse('2026-03-01T00:00:00Z'));
    const colors = ['green', 'yellow', 'orange', 'red', 'bw'];
    const ids: string[] = [];
    // 2,001 sites, a scan of each colour at each (a province's sites at the initiator's level)
    cloud.store.transaction(() => {
      for (let site = 0; site < 2001; site++)
        for (const color of colors) {
          const id = `groups-${site}-${color}-0000`;
          ids.push(id);
          cloud.store.insert('scans', {
            ...base,
            _id: id,
            site: { id: `g-${site}`, name: `站点${site}` },
            color,
            fever: color === 'yellow',
            scannedAt: at,
          });
        }
    });
    try {
      const reply = await records<{
        total: number;
        byColor: Record<string, number>;
        fever: number;
        bySite: Array<{ siteId: string; total: number }>;
      }>(world.otherSenior, { action: 'stats', from: '2026-02-28T00:00:00Z', to: '2026-03-02T00:00:00Z' });
      expect(reply.body.data).toMatchObject({
        total: 10_005,
        byColor: { green: 2001, yellow: 2001, orange: 2001, red: 2001, bw: 2001 },
        fever: 2001,
      });
      expect(reply.body.data!.bySite).toHaveLength(2001);
      expect(reply.body.data!.bySite.every((site) => site.total === 5)).toBe(true);
    } finally {
      cloud.store.transaction(() => {
        for (const id of ids) cloud.store.remove('scans', id);
      });
    }
  }, 60_000);

  it('lists the fever alert to every position above the scanner, and to nobody else', async () => {
    type Alerts = { items: Array<{ alertId: string; kind: string; person: { name: string } }> };
    for (const who of [world.ordinary, world.intermediate, world.senior, world.initiator]) {
      const reply = await records<Alerts>(who, { action: 'alerts' });
      expect(reply.body.data!.items.map((a) => [a.alertId, a.kind])).toContainEqual([feverScanId, 'fever']);
    }
    expect((await records<Alerts>(world.otherSenior, { action: 'alerts' })).body.data!.items).toEqual([]);
  });
});

describe('reveal (rule 11: only with the provincial office’s authorisation)', () => {
  const audits = (action: string) => cloud.store.find('audit', { action }).docs as unknown as AuditDoc[];

  it('answers NO_GRANT without a grant, and audits the attempt', async () => {
    const reply = await records(world.senior, { action: 'reveal', scanId: feverScanId, reason: '流调' });
    expect(reply.body.error?.code).toBe('NO_GRANT');
    expect(
      audits('records.reveal').some(
        (a) => a.actorPositionId === world.senior.id && a.details.outcome === 'no_grant',
      ),
    ).toBe(true);
  });

  it('reveals the full identity of a scan in scope with a grant, audited; outside the scope FORBIDDEN', async () => {
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const granted = await records<{ grantId: string }>(world.initiator, {
      action: 'grantReveal',
      granteePositionId: world.senior.id,
      reason: '省数字吉林办授权流调',
      expiresAt,
    });
    expect(granted.body.ok).toBe(true);
    const reply = await records(world.senior, { action: 'reveal', scanId: feverScanId, reason: '流调' });
    expect(reply.body.data).toEqual({ name: citizen.name, idNumber: citizen.idNumber, phone: citizen.phone });
    expect(audits('records.reveal').filter((a) => a.details.outcome === 'revealed')).toEqual([
      expect.objectContaining({ actorPositionId: world.senior.id, target: feverScanId, reason: '流调' }),
    ]);
    expect(audits('records.grantReveal')).toHaveLength(1);
    const outside = await records(world.senior, {
      action: 'reveal',
      scanId: scanIds.other[0],
      reason: '流调',
    });
    expect(outside.body.error?.code).toBe('FORBIDDEN');
    // the refused attempt is audited too, with the grant it was made under
    expect(audits('records.reveal').filter((a) => a.target === scanIds.other[0])).toEqual([
      expect.objectContaining({
        actorPositionId: world.senior.id,
        details: { outcome: 'forbidden', grantId: granted.body.data!.grantId },
      }),
    ]);
  });

  it('audits a call refused before any grant is looked at: one made under someone else’s position', async () => {
    const underAnother = await call(
      cloud,
      'records',
      { action: 'reveal', actingPositionId: world.senior.id, scanId: feverScanId, reason: '流调' },
      world.ordinary.openid,
    );
    expect(underAnother.body.error?.code).toBe('FORBIDDEN');
    expect(
      audits('records.reveal').filter(
        (a) => a.actorOpenid === world.ordinary.openid && a.actorPositionId === world.senior.id,
      ),
    ).toEqual([
      expect.objectContaining({
        target: feverScanId,
        reason: '流调',
        details: { outcome: 'refused', code: 'FORBIDDEN' },
      }),
    ]);
  });

  it('stops revealing once the grant has expired', async () => {
    cloud.clock.set({ offsetMs: 2 * 3600_000 });
    try {
      expect(
        (await records(world.senior, { action: 'reveal', scanId: feverScanId, reason: '流调' })).body.error
          ?.code,
      ).toBe('NO_GRANT');
    } finally {
      cloud.clock.set({ offsetMs: 0 });
    }
  });

  it('lets only the initiator grant, and only into the future', async () => {
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    expect(
      (
        await records(world.senior, {
          action: 'grantReveal',
          granteePositionId: world.ordinary.id,
          reason: 'x',
          expiresAt,
        })
      ).body.error?.code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await records(world.initiator, {
          action: 'grantReveal',
          granteePositionId: world.ordinary.id,
          reason: 'x',
          expiresAt: new Date(Date.now() - 1000).toISOString(),
        })
      ).body.error,
    ).toMatchObject({ code: 'BAD_REQUEST', fields: { expiresAt: 'range' } });
  });
});

describe('credit flags (rule 17, an extension)', () => {
  it('lets the initiator flag a person and a scanner with evidence, and lists them newest first', async () => {
    const person = await records<{ flagId: string }>(world.initiator, {
      action: 'flagCredit',
      personId: citizen.personId,
      kind: 'concealment',
      evidence: '隐瞒旅行史，见流调报告第3页',
    });
    const scanner = await records<{ flagId: string }>(world.initiator, {
      action: 'flagCredit',
      positionId: world.ordinary.id,
      kind: 'false_report',
      evidence: '体温登记与现场不符',
    });
    const listed = await records<{
      items: Array<{ flagId: string; subject: { type: string; name: string } }>;
    }>(world.initiator, {
      action: 'creditFlags',
    });
    expect(listed.body.data!.items.map((f) => [f.flagId, f.subject.type])).toEqual([
      [scanner.body.data!.flagId, 'scanner'],
      [person.body.data!.flagId, 'person'],
    ]);
    expect(listed.body.data!.items.every((f) => f.subject.name.includes('*'))).toBe(true);
    // each flag audited with what it flagged
    const rows = cloud.store.find('audit', { action: 'records.flagCredit' }).docs as unknown as AuditDoc[];
    expect(rows.map((a) => [a.target, a.reason, a.details]).sort()).toEqual(
      [
        [citizen.personId, 'concealment', { flagId: person.body.data!.flagId, subject: 'person' }],
        [world.ordinary.id, 'false_report', { flagId: scanner.body.data!.flagId, subject: 'scanner' }],
      ].sort(),
    );
  });

  it('refuses everyone else, unknown subjects, and a flag without exactly one subject', async () => {
    expect((await records(world.senior, { action: 'creditFlags' })).body.error?.code).toBe('FORBIDDEN');
    expect(
      (
        await records(world.initiator, {
          action: 'flagCredit',
          personId: 'nobody',
          kind: 'concealment',
          evidence: 'x',
        })
      ).body.error?.code,
    ).toBe('NOT_FOUND');
    expect(
      (await records(world.initiator, { action: 'flagCredit', kind: 'concealment', evidence: 'x' })).body
        .error,
    ).toMatchObject({
      code: 'BAD_REQUEST',
      message: '请指定被标记的人员或扫码员（二选一）',
      fields: { personId: 'required' },
    });
    const both = await records(world.initiator, {
      action: 'flagCredit',
      personId: citizen.personId,
      positionId: world.ordinary.id,
      kind: 'concealment',
      evidence: 'x',
    });
    expect(both.body.error).toMatchObject({
      code: 'BAD_REQUEST',
      message: '请指定被标记的人员或扫码员（二选一）',
    });
    expect(both.body.error!.fields).toEqual({ positionId: 'unknown' });
  });
});

describe('retentionPurge (rule 3)', () => {
  afterEach(() => {
    delete process.env.JXM_EPIDEMIC_END;
    cloud.clock.set({ offsetMs: 0 });
  });

  it('deletes nothing before the configured end of the epidemic period', async () => {
    const before = cloud.store.count('scans');
    expect((await runTimer(cloud, 'cron', 'retentionPurge')).data).toMatchObject({ purged: false });
    process.env.JXM_EPIDEMIC_END = new Date(Date.now() + 24 * 3600_000).toISOString();
    expect((await runTimer(cloud, 'cron', 'retentionPurge')).data).toMatchObject({ purged: false });
    expect(cloud.store.count('scans')).toBe(before);
  });

  it('after the end, deletes health data past 30 days and keeps identities and the audit log', async () => {
    process.env.JXM_EPIDEMIC_END = new Date(Date.now() + 24 * 3600_000).toISOString();
    const audits = cloud.store.count('audit');
    cloud.clock.set({ offsetMs: 31 * 24 * 3600_000 });
    const reply = await runTimer(cloud, 'cron', 'retentionPurge');
    expect(reply.data).toMatchObject({ purged: true, scans: 11, alerts: 1 });
    expect(cloud.store.count('scans')).toBe(0);
    expect(cloud.store.count('alerts')).toBe(0);
    expect(cloud.store.count('checkins')).toBe(0);
    expect(cloud.store.count('persons')).toBeGreaterThan(0);
    expect(cloud.store.count('audit')).toBeGreaterThanOrEqual(audits);
    const person = cloud.store.get('persons', citizen.personId)!.doc as unknown as { fever: unknown };
    expect(person.fever).toBeNull();
  });
});
