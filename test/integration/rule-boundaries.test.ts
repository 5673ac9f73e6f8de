/**
 * The rules pinned at their boundaries, through the local cloud's HTTP face, so that moving a threshold breaks a
 * test (issue 11 item 8: a review moved them on purpose and nothing failed):
 *  - rule 10's silent sweep: 15 days (14 d 23 h kept, 15 d 1 h disabled), intermediate and ordinary only;
 *  - rule 7's geofence: the site's radius (radius − 5 m accepted, radius + 5 m refused and the position disabled),
 *    with the fix's accuracy up to 500 m (API.md 2 v1.1), on goOnDuty and on every scan;
 *  - rule 10's cascade: everything below the disabled position, to the last level, each with its own SMS.
 */
import type { PositionDoc, ScanDoc } from '../../cloudfunctions/_server/db/documents';
import { EARTH_RADIUS_M, type Coordinates } from '../../miniprogram/core/geo';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call, openLocalCloud, runTimer } from '../helpers/local-cloud';
import { OrgTree, type Citizen, type Held } from '../helpers/org-tree';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface SentSms {
  phone: string;
  template: string;
  text: string;
}

async function smsTo(cloud: LocalCloud, phone: string): Promise<SentSms[]> {
  const res = await fetch(`${cloud.url}/dev/sms?phone=${phone}`);
  return ((await res.json()) as { data: SentSms[] }).data;
}

async function disabledSms(cloud: LocalCloud, phone: string): Promise<SentSms[]> {
  return (await smsTo(cloud, phone)).filter((m) => m.template === 'position_disabled');
}

const positionOf = (cloud: LocalCloud, id: string) =>
  cloud.store.get('positions', id)!.doc as unknown as PositionDoc;

const lastActiveMs = (cloud: LocalCloud, id: string) =>
  new Date(positionOf(cloud, id).lastActiveAt).getTime();

/** Moves the local clock so that it shows `ms` now (it keeps running from there). */
const showClock = (cloud: LocalCloud, ms: number) => cloud.clock.set({ offsetMs: ms - Date.now() });

/**
 * The point `metres` due north of `from` on the mean sphere: along a meridian the great-circle distance is exactly
 * R·Δφ, so the distance is known without the function under test.
 */
const north = (from: Coordinates, metres: number): Coordinates => ({
  latitude: from.latitude + (metres / EARTH_RADIUS_M) * (180 / Math.PI),
  longitude: from.longitude,
});

describe('silent sweep (rule 10): 15 days without a login or an action', () => {
  let cloud: LocalCloud;
  let tree: OrgTree;
  const holders = new Map<string, Citizen>();
  let senior: Held;
  let oldMiddle: Held; // intermediate, silent since the start
  let recentLeaf: Held; // ordinary below it, active two hours later
  let recentMiddle: Held; // intermediate, active two hours later
  let oldLeaf: Held; // ordinary below it, silent since the start

  async function position(actor: Held, siteId: string, role: Held['role'], openid: string) {
    const holder = await tree.citizen(openid);
    const held = await tree.held(actor, siteId, role, holder);
    holders.set(held.id, holder);
    return held;
  }

  beforeAll(async () => {
    cloud = await openLocalCloud();
    tree = new OrgTree(cloud, 5200);
    const siteId = await tree.site(tree.initiator, '长春市静默测试局');
    senior = await position(tree.initiator, siteId, 'senior', 'quiet-senior');
    oldMiddle = await position(senior, siteId, 'intermediate', 'quiet-old-middle');
    recentMiddle = await position(senior, siteId, 'intermediate', 'quiet-recent-middle');
    recentLeaf = await position(oldMiddle, siteId, 'ordinary', 'quiet-recent-leaf');
    oldLeaf = await position(recentMiddle, siteId, 'ordinary', 'quiet-old-leaf');
    // two hours later, two of them open scan mode: a login (docs/api.md, scan.roles)
    showClock(cloud, Date.now() + 2 * HOUR);
    for (const held of [recentMiddle, recentLeaf]) {
      expect((await call(cloud, 'scan', { action: 'roles' }, held.openid)).body.ok).toBe(true);
    }
  }, 60_000);

  afterAll(async () => {
    await cloud.close();
  });

  it('keeps a position silent for 14 d 23 h and disables one silent for 15 d 1 h, with its SMS', async () => {
    const oldest = Math.max(...[senior, oldMiddle, oldLeaf].map((p) => lastActiveMs(cloud, p.id)));
    const recent = Math.min(...[recentMiddle, recentLeaf].map((p) => lastActiveMs(cloud, p.id)));
    expect(recent - oldest).toBeGreaterThanOrEqual(2 * HOUR);

    showClock(cloud, oldest + 15 * DAY + HOUR);
    const run = await runTimer<{ disabled: number }>(cloud, 'cron', 'silentSweep');
    expect(run).toMatchObject({ ok: true, data: { disabled: 2 } });

    const now = cloud.clock.nowMs();
    // the ages are what the test says they are
    for (const p of [oldMiddle, oldLeaf]) {
      const age = now - lastActiveMs(cloud, p.id);
      expect(age).toBeGreaterThanOrEqual(15 * DAY + HOUR);
      expect(age).toBeLessThan(15 * DAY + 2 * HOUR);
    }
    for (const p of [recentMiddle, recentLeaf]) {
      const age = now - lastActiveMs(cloud, p.id);
      expect(age).toBeGreaterThan(14 * DAY + 22 * HOUR);
      expect(age).toBeLessThanOrEqual(14 * DAY + 23 * HOUR + 60_000);
    }

    for (const p of [oldMiddle, oldLeaf]) {
      expect(positionOf(cloud, p.id)).toMatchObject({ status: 'disabled', disabledReason: 'silent' });
      const sent = await disabledSms(cloud, holders.get(p.id)!.phone);
      expect(sent).toHaveLength(1);
      expect(sent[0].text).toContain('15天内未登录或操作');
    }
    // 14 d 23 h is not yet 15 days; what lies below a silent intermediate is not touched
    for (const p of [recentMiddle, recentLeaf]) {
      expect(positionOf(cloud, p.id).status).toBe('active');
      expect(await disabledSms(cloud, holders.get(p.id)!.phone)).toHaveLength(0);
    }
    // a senior is never swept, however long it is silent
    expect(positionOf(cloud, senior.id).status).toBe('active');
    expect(await disabledSms(cloud, holders.get(senior.id)!.phone)).toHaveLength(0);
  });

  it('disables the other two once they pass 15 days too, and still not the senior', async () => {
    const recent = Math.max(...[recentMiddle, recentLeaf].map((p) => lastActiveMs(cloud, p.id)));
    showClock(cloud, recent + 15 * DAY + HOUR);
    const run = await runTimer<{ disabled: number }>(cloud, 'cron', 'silentSweep');
    expect(run).toMatchObject({ ok: true, data: { disabled: 2 } });
    for (const p of [recentMiddle, recentLeaf]) {
      expect(positionOf(cloud, p.id)).toMatchObject({ status: 'disabled', disabledReason: 'silent' });
      expect(await disabledSms(cloud, holders.get(p.id)!.phone)).toHaveLength(1);
    }
    // the old ones are not disabled (or notified) twice
    for (const p of [oldMiddle, oldLeaf]) {
      expect(await disabledSms(cloud, holders.get(p.id)!.phone)).toHaveLength(1);
    }

    showClock(cloud, recent + 90 * DAY);
    expect(await runTimer(cloud, 'cron', 'silentSweep')).toMatchObject({ ok: true, data: { disabled: 0 } });
    expect(positionOf(cloud, senior.id).status).toBe('active');
    expect(await disabledSms(cloud, holders.get(senior.id)!.phone)).toHaveLength(0);
  });
});

describe('geofence (rule 7): the site radius, widened by the accuracy up to 500 m', () => {
  let cloud: LocalCloud;
  let tree: OrgTree;
  /** Site centres: radius 500 (given) and the default radius, 1000 m (API.md `goOnDuty`). */
  const CENTER_500 = { latitude: 43.9036, longitude: 125.3184 };
  const CENTER_DEFAULT = { latitude: 43.88, longitude: 125.35 };
  let site500: string;
  let siteDefault: string;
  let senior500: Held;
  let seniorDefault: Held;
  const holders = new Map<string, Citizen>();
  let n = 0;

  async function createSite(name: string, location: Coordinates, radiusM?: number) {
    const data = await tree.ok<{ siteId: string }>(tree.initiator.openid, {
      action: 'createSite',
      actingPositionId: tree.initiator.id,
      name,
      type: 'station',
      address: '吉林省长春市',
      location,
      ...(radiusM === undefined ? {} : { radiusM }),
    });
    return data.siteId;
  }

  /** A new active intermediate position at the senior's site, held by a new registered citizen. */
  async function scanner(senior: Held): Promise<Held> {
    const holder = await tree.citizen(`fence-${n++}`);
    const held = await tree.held(senior, senior.siteId, 'intermediate', holder);
    holders.set(held.id, holder);
    return held;
  }

  const goOnDuty = (who: Held, location: Coordinates & { accuracy?: number }) =>
    call(cloud, 'scan', { action: 'goOnDuty', positionId: who.id, location }, who.openid);

  async function expectAccepted(who: Held, location: Coordinates & { accuracy?: number }) {
    const reply = await goOnDuty(who, location);
    expect(reply.body).toMatchObject({ ok: true, data: { positionId: who.id } });
    expect(positionOf(cloud, who.id).status).toBe('active');
    expect(await disabledSms(cloud, holders.get(who.id)!.phone)).toHaveLength(0);
  }

  async function expectRefusedAndDisabled(who: Held, location: Coordinates & { accuracy?: number }) {
    const reply = await goOnDuty(who, location);
    expect(reply.body.ok).toBe(false);
    expect(reply.body.error).toMatchObject({ code: 'LOCATION_DEVIATION', fields: { location: 'range' } });
    expect(positionOf(cloud, who.id)).toMatchObject({ status: 'disabled', disabledReason: 'geofence' });
    const sent = await disabledSms(cloud, holders.get(who.id)!.phone);
    expect(sent).toHaveLength(1);
    expect(sent[0].text).toContain('扫码位置与站点地址偏离过大');
    // disabled: no duty until the superior activates it
    expect((await goOnDuty(who, location)).body.error?.code).toBe('POSITION_DISABLED');
  }

  beforeAll(async () => {
    cloud = await openLocalCloud();
    tree = new OrgTree(cloud, 5300);
    site500 = await createSite('长春站', CENTER_500, 500);
    siteDefault = await createSite('长春东站', CENTER_DEFAULT);
    for (const [siteId, openid] of [
      [site500, 'fence-senior-500'],
      [siteDefault, 'fence-senior-default'],
    ] as const) {
      const holder = await tree.citizen(openid);
      const held = await tree.held(tree.initiator, siteId, 'senior', holder);
      holders.set(held.id, holder);
      if (siteId === site500) senior500 = held;
      else seniorDefault = held;
    }
  }, 60_000);

  afterAll(async () => {
    await cloud.close();
  });

  it('stores the radius given, and 1000 m when none is', () => {
    expect(cloud.store.get('sites', site500)!.doc).toMatchObject({ radiusM: 500 });
    expect(cloud.store.get('sites', siteDefault)!.doc).toMatchObject({ radiusM: 1000 });
  });

  it('goOnDuty: radius − 5 m is accepted; radius + 5 m is LOCATION_DEVIATION and disables the position (geofence)', async () => {
    await expectAccepted(await scanner(senior500), north(CENTER_500, 495));
    await expectRefusedAndDisabled(await scanner(senior500), north(CENTER_500, 505));
    await expectAccepted(await scanner(seniorDefault), north(CENTER_DEFAULT, 995));
    await expectRefusedAndDisabled(await scanner(seniorDefault), north(CENTER_DEFAULT, 1005));
  });

  it('goOnDuty: an accuracy of 300 m widens the radius by 300 m (radius + 295 accepted, radius + 305 refused)', async () => {
    await expectAccepted(await scanner(senior500), { ...north(CENTER_500, 795), accuracy: 300 });
    await expectRefusedAndDisabled(await scanner(senior500), { ...north(CENTER_500, 805), accuracy: 300 });
  });

  it('goOnDuty: an accuracy of 2000 m counts as 500 m', async () => {
    await expectAccepted(await scanner(senior500), { ...north(CENTER_500, 995), accuracy: 2000 });
    await expectRefusedAndDisabled(await scanner(senior500), { ...north(CENTER_500, 1005), accuracy: 2000 });
    await expectAccepted(await scanner(seniorDefault), { ...north(CENTER_DEFAULT, 1495), accuracy: 2000 });
    await expectRefusedAndDisabled(await scanner(seniorDefault), {
      ...north(CENTER_DEFAULT, 1505),
      accuracy: 2000,
    });
  });

  it('record: a scan located radius − 5 m away is stored; radius + 5 m records nothing and disables the position', async () => {
    const who = await scanner(senior500);
    await expectAccepted(who, CENTER_500);
    const scan = (scanId: string, location: Coordinates & { accuracy?: number }) =>
      call<{ scanId: string; decision: string }>(
        cloud,
        'scan',
        {
          action: 'record',
          positionId: who.id,
          scanId,
          temperature: 36.5,
          guest: { name: '王建国', category: 'elderly' },
          location,
        },
        who.openid,
      );

    const inside = await scan('fence-scan-inside-1', north(CENTER_500, 495));
    expect(inside.body).toMatchObject({
      ok: true,
      data: { scanId: 'fence-scan-inside-1', decision: 'allow' },
    });
    expect(cloud.store.get('scans', 'fence-scan-inside-1')).toBeDefined();
    const widened = await scan('fence-scan-inside-2', { ...north(CENTER_500, 995), accuracy: 2000 });
    expect(widened.body.ok).toBe(true);

    const outside = await scan('fence-scan-outside', north(CENTER_500, 505));
    expect(outside.body.error).toMatchObject({ code: 'LOCATION_DEVIATION', fields: { location: 'range' } });
    expect(cloud.store.get('scans', 'fence-scan-outside')).toBeUndefined();
    const stored = cloud.store.find('scans', { positionId: who.id }).docs as unknown as ScanDoc[];
    expect(stored.map((s) => s._id).sort()).toEqual(['fence-scan-inside-1', 'fence-scan-inside-2']);
    expect(positionOf(cloud, who.id)).toMatchObject({ status: 'disabled', disabledReason: 'geofence' });
    expect(await disabledSms(cloud, holders.get(who.id)!.phone)).toHaveLength(1);
    // and the duty ended with it
    expect((await scan('fence-scan-after', CENTER_500)).body.error?.code).toBe('POSITION_DISABLED');
  });
});

describe('cascade (rule 10): everything below, to the last level, each with its SMS', () => {
  let cloud: LocalCloud;
  let tree: OrgTree;
  const holders = new Map<string, Citizen>();
  let n = 0;

  /** initiator ─ senior ─ intermediate ─ ordinary, at a new site. */
  async function chain(): Promise<{ senior: Held; middle: Held; leaf: Held }> {
    const siteId = await tree.site(tree.initiator, `长春市级联测试局${n}`);
    const hold = async (actor: Held, role: Held['role']) => {
      const holder = await tree.citizen(`cascade-${n++}`);
      const held = await tree.held(actor, siteId, role, holder);
      holders.set(held.id, holder);
      return held;
    };
    const senior = await hold(tree.initiator, 'senior');
    const middle = await hold(senior, 'intermediate');
    const leaf = await hold(middle, 'ordinary');
    return { senior, middle, leaf };
  }

  const status = (p: Held) => {
    const doc = positionOf(cloud, p.id);
    return [doc.status, doc.disabledReason ?? null];
  };
  const texts = async (p: Held) =>
    (await disabledSms(cloud, holders.get(p.id)!.phone)).map((m) => m.text.match(/（(.+)）/)?.[1]);

  beforeAll(async () => {
    cloud = await openLocalCloud();
    tree = new OrgTree(cloud, 5400);
  });

  afterAll(async () => {
    await cloud.close();
  });

  it('the initiator disabling a senior with cascade disables the intermediate AND the ordinary below it', async () => {
    const { senior, middle, leaf } = await chain();
    const disabled = await tree.disable(tree.initiator, senior.id, true);
    expect([...disabled].sort()).toEqual([senior.id, middle.id, leaf.id].sort());
    expect(status(senior)).toEqual(['disabled', 'manual']);
    expect(status(middle)).toEqual(['disabled', 'cascade']);
    expect(status(leaf)).toEqual(['disabled', 'cascade']);
    expect(await texts(senior)).toEqual(['上级扫码员禁用']);
    expect(await texts(middle)).toEqual(['上级账号被禁用']);
    expect(await texts(leaf)).toEqual(['上级账号被禁用']);
    // the ordinary scanner cannot go on duty any more
    const duty = await call(
      cloud,
      'scan',
      { action: 'goOnDuty', positionId: leaf.id, location: { latitude: 43.88, longitude: 125.32 } },
      leaf.openid,
    );
    expect(duty.body.error?.code).toBe('POSITION_DISABLED');
  });

  it('a senior disabling its intermediate with cascade disables the ordinary below it too', async () => {
    const { senior, middle, leaf } = await chain();
    const disabled = await tree.disable(senior, middle.id, true);
    expect([...disabled].sort()).toEqual([middle.id, leaf.id].sort());
    expect(status(senior)).toEqual(['active', null]);
    expect(status(middle)).toEqual(['disabled', 'manual']);
    expect(status(leaf)).toEqual(['disabled', 'cascade']);
    expect(await texts(senior)).toEqual([]);
    expect(await texts(middle)).toEqual(['上级扫码员禁用']);
    expect(await texts(leaf)).toEqual(['上级账号被禁用']);
  });

  it('without cascade nothing below is disabled or notified', async () => {
    const { senior, middle, leaf } = await chain();
    expect(await tree.disable(tree.initiator, senior.id, false)).toEqual([senior.id]);
    expect(status(senior)).toEqual(['disabled', 'manual']);
    expect(status(middle)).toEqual(['active', null]);
    expect(status(leaf)).toEqual(['active', null]);
    expect(await texts(middle)).toEqual([]);
    expect(await texts(leaf)).toEqual([]);
    // a later cascade on the disabled senior finishes the subtree (docs/api.md `disable`), each with one SMS
    const finished = await tree.disable(tree.initiator, senior.id, true);
    expect([...finished].sort()).toEqual([middle.id, leaf.id].sort());
    expect(await texts(senior)).toEqual(['上级扫码员禁用']);
    expect(await texts(middle)).toEqual(['上级账号被禁用']);
    expect(await texts(leaf)).toEqual(['上级账号被禁用']);
  });
});
