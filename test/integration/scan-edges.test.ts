/**
 * The edges of scan mode that mutation testing (`npm run mutate -- scan`) found unguarded: whose retry a repeated
 * scanId is, two retries racing, the plausible temperatures at their bounds, an older reading synced late after a
 * newer one, the replay window, the guest's fields, an orange code's alert, what a scan writes on the position
 * (activity and last fix, only when due), and the messages a scanner reads. Each test states what a person at the
 * gate would notice.
 */
import type {
  CodeEventDoc,
  PersonDoc,
  PositionDoc,
  ScanDoc,
} from '../../cloudfunctions/_server/db/documents';
import { hmacSha256Hex, keyRingFromEnv, unseal } from '../../cloudfunctions/_server/privacy/personal-data';
import { renderCode } from '../../miniprogram/core/dynamic-code';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call, frozenAt, openLocalCloud, type HttpReply } from '../helpers/local-cloud';
import {
  CHANGCHUN,
  JILIN,
  buildWorld,
  citizenWithCode,
  handOverOrdinary,
  newScanId,
  onDuty,
  type World,
} from '../helpers/world';

const INITIATOR = 'edges-initiator';
const MINUTE = 60_000;
let cloud: LocalCloud;
let world: World;

type RecordReply = {
  scanId: string;
  duplicate: boolean;
  color: string;
  decision: string;
  replayed?: boolean;
};
const record = (who: { id: string; openid: string }, body: Record<string, unknown>, openid = who.openid) =>
  call<RecordReply>(
    cloud,
    'scan',
    { action: 'record', positionId: who.id, scanId: newScanId(), ...body },
    openid,
  );
const refusal = (who: { id: string; openid: string }, body: Record<string, unknown>, openid = who.openid) =>
  call<{ duplicate: boolean }>(cloud, 'scan', { action: 'refusal', positionId: who.id, ...body }, openid);
const codeOf = (reply: HttpReply) => (reply.body.ok ? 'ok' : reply.body.error!.code);
const position = (id: string) => cloud.store.get('positions', id)!.doc as unknown as PositionDoc;
const person = (id: string) => cloud.store.get('persons', id)!.doc as unknown as PersonDoc;
const scansWith = (scanId: string) =>
  (cloud.store.find('scans', {}).docs as unknown as ScanDoc[]).filter((s) => s._id === scanId);

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  world = await buildWorld(cloud, INITIATOR, 'edges');
  await onDuty(cloud, world.ordinary);
  await onDuty(cloud, world.intermediate);
  await onDuty(cloud, world.otherSenior, JILIN);
});

afterAll(() => cloud.close());

afterEach(() => cloud.clock.set({ offsetMs: 0 }));

describe('a repeated scanId is its scanner’s retry, and nobody else’s', () => {
  it('answers CONFLICT to someone else at the same position, and to the same scanner at another position', async () => {
    const c = await citizenWithCode(cloud, 'edges-dup-1');
    const scanId = newScanId();
    const first = await record(world.ordinary, {
      scanId,
      qr: c.qrAt(cloud.clock.nowMs()),
      temperature: 36.5,
    });
    expect(first.body.data).toMatchObject({ duplicate: false });
    // the intermediate above, with the same scanId at the ordinary's position: not its scan
    expect(
      codeOf(await record(world.ordinary, { scanId, temperature: 36.5, qr: 'x' }, world.intermediate.openid)),
    ).toBe('CONFLICT');
    // the ordinary's holder, with the same scanId at another position it does not hold: refused before anything
    expect(
      codeOf(await record(world.intermediate, { scanId, temperature: 36.5, qr: 'x' }, world.ordinary.openid)),
    ).toBe('CONFLICT');
    expect(scansWith(scanId)).toHaveLength(1);
    // its own retry, whatever it carries now
    const retry = await record(world.ordinary, { scanId, temperature: 39, qr: 'JXM1.garbage' });
    expect(retry.body.data).toMatchObject({ duplicate: true, color: 'green', decision: 'allow' });
  });

  it('is still the scanner’s after its position passed to someone else, and not the successor’s', async () => {
    const w = await buildWorld(cloud, INITIATOR, 'edges-handover');
    await onDuty(cloud, w.ordinary);
    const c = await citizenWithCode(cloud, 'edges-dup-2');
    const scanId = newScanId();
    const scanned = await record(w.ordinary, { scanId, qr: c.qrAt(cloud.clock.nowMs()), temperature: 36.6 });
    expect(scanned.body.ok).toBe(true);
    const refusalId = newScanId();
    expect((await refusal(w.ordinary, { scanId: refusalId, reason: 'refused_scan' })).body.ok).toBe(true);
    // the intermediate hands the ordinary position to someone else, who claims it and goes on duty
    const successor = await citizenWithCode(cloud, 'edges-dup-successor');
    await handOverOrdinary(cloud, w, successor);
    await onDuty(cloud, { ...w.ordinary, openid: successor.openid });
    // the old holder's phone syncs its retry late: the first answer, nothing written
    const retry = await record(w.ordinary, { scanId, qr: 'JXM1.x', temperature: 36.6 });
    expect(retry.body.data).toMatchObject({ duplicate: true });
    expect(
      (await refusal(w.ordinary, { scanId: refusalId, reason: 'refused_scan' })).body.data,
    ).toMatchObject({
      duplicate: true,
    });
    // someone who never held the position: not theirs
    expect(
      codeOf(await refusal(w.ordinary, { scanId: refusalId, reason: 'refused_scan' }, w.senior.openid)),
    ).toBe('CONFLICT');
    expect(
      codeOf(await refusal(w.intermediate, { scanId: refusalId, reason: 'refused_scan' }, w.ordinary.openid)),
    ).toBe('CONFLICT');
  });

  it('answers a retry sent minutes later without its time before any check: its QR expired, its place far, its fix stale', async () => {
    const w = await buildWorld(cloud, INITIATOR, 'edges-late-retry');
    await onDuty(cloud, w.ordinary);
    const c = await citizenWithCode(cloud, 'edges-late-retry-citizen');
    const scanId = newScanId();
    const start = cloud.clock.nowMs();
    const qr = c.qrAt(start);
    const again = (atMs: number, body: Record<string, unknown>) =>
      frozenAt(cloud, atMs, () => record(w.ordinary, { scanId, qr, temperature: 36.5, ...body }));
    expect((await again(start, { location: CHANGCHUN })).body.data).toMatchObject({
      duplicate: false,
      decision: 'allow',
    });
    // the phone never heard the answer and sends the same request 5 minutes on: the QR's step is long past
    expect((await again(start + 5 * MINUTE, { location: CHANGCHUN })).body.data).toMatchObject({
      scanId,
      duplicate: true,
      color: 'green',
      decision: 'allow',
    });
    // from 100 km away: still the first answer, and the position is not disabled for a retry
    expect((await again(start + 6 * MINUTE, { location: JILIN })).body.data).toMatchObject({
      duplicate: true,
    });
    expect(position(w.ordinary.id)).toMatchObject({ status: 'active' });
    // without a location once the position's fix is 12 minutes old: still the first answer
    expect((await again(start + 12 * MINUTE, {})).body.data).toMatchObject({ duplicate: true });
    expect(scansWith(scanId)).toHaveLength(1);
    expect(scansWith(scanId)[0].scannedAt).toEqual(new Date(start));
    // someone else at that position, later: not theirs
    expect(
      codeOf(
        await frozenAt(cloud, start + 7 * MINUTE, () =>
          record(w.ordinary, { scanId, qr, temperature: 36.5, location: CHANGCHUN }, w.intermediate.openid),
        ),
      ),
    ).toBe('CONFLICT');
  });

  it('counts once when retries race: one first answer, the others duplicates, one stored scan and one refusal', async () => {
    const c = await citizenWithCode(cloud, 'edges-race');
    const scanId = newScanId();
    const qr = c.qrAt(cloud.clock.nowMs());
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => record(world.ordinary, { scanId, qr, temperature: 36.4 })),
    );
    expect(replies.map((r) => codeOf(r))).toEqual(Array(6).fill('ok'));
    expect(replies.filter((r) => r.body.data!.duplicate === false)).toHaveLength(1);
    expect(scansWith(scanId)).toHaveLength(1);

    const refusalId = newScanId();
    const refused = await Promise.all(
      Array.from({ length: 6 }, () => refusal(world.ordinary, { scanId: refusalId, reason: 'forced_entry' })),
    );
    expect(refused.map((r) => codeOf(r))).toEqual(Array(6).fill('ok'));
    expect(refused.filter((r) => r.body.data!.duplicate === false)).toHaveLength(1);
    expect(cloud.store.find('refusals', { _id: refusalId }).docs).toHaveLength(1);
    expect(cloud.store.find('alerts', { _id: refusalId }).docs).toHaveLength(1);
  });
});

describe('the temperatures a thermometer can show', () => {
  it.each([34, 43])('records %s °C, the bound itself', async (temperature) => {
    const c = await citizenWithCode(cloud, `edges-bound-${temperature}`);
    const reply = await record(world.ordinary, { qr: c.qrAt(cloud.clock.nowMs()), temperature });
    expect(codeOf(reply)).toBe('ok');
  });
});

describe('what a scanner reads when a scan is refused', () => {
  it('says to scan a code or register a person, not both', async () => {
    const reply = await record(world.ordinary, { temperature: 36.5 });
    expect(reply.body.error).toMatchObject({
      code: 'BAD_REQUEST',
      message: '请扫描吉祥码或登记无码人员信息（二选一）',
      fields: { qr: 'required' },
    });
  });

  it('says the time of a scan is out of range', async () => {
    const c = await citizenWithCode(cloud, 'edges-time');
    const reply = await record(world.ordinary, {
      qr: c.qrAt(cloud.clock.nowMs()),
      temperature: 36.5,
      scannedAt: new Date(cloud.clock.nowMs() + 10 * 60_000).toISOString(),
    });
    expect(reply.body.error).toMatchObject({ code: 'BAD_REQUEST', message: '扫码时间超出允许范围' });
  });

  it('takes a scan kept for exactly 24 hours as a late sync, and refuses one a millisecond older', async () => {
    const now = cloud.clock.nowMs();
    const kept = (ageMs: number) =>
      frozenAt(cloud, now, () =>
        refusal(world.ordinary, {
          scanId: newScanId(),
          reason: 'refused_scan',
          scannedAt: new Date(now - ageMs).toISOString(),
        }),
      );
    // within the range it is judged as a late sync: nobody was on duty here a day ago
    expect(codeOf(await kept(24 * 3600_000))).toBe('NOT_ON_DUTY');
    expect((await kept(24 * 3600_000 + 1)).body.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { scannedAt: 'range' },
    });
  });

  it('says why a scanner cannot scan their own code', async () => {
    const own = await call<{ codeId: string; seed: string }>(
      cloud,
      'citizen',
      { action: 'code' },
      world.ordinary.openid,
    );
    const qr = renderCode(hmacSha256Hex, own.body.data!, cloud.clock.nowMs());
    const reply = await record(world.ordinary, { qr, temperature: 36.5 });
    expect(reply.body.error).toMatchObject({
      code: 'FORBIDDEN',
      message: '不能扫描本人的吉祥码，请由其他扫码员扫码',
    });
  });

  it('refuses a guest whose ID number is wrong even when the name is right, and keeps a guest’s document', async () => {
    const bad = await record(world.ordinary, {
      temperature: 36.5,
      guest: { name: '王秀英', category: 'elderly', idNumber: '220102195001010010' },
    });
    expect(bad.body.error).toMatchObject({
      code: 'GUEST_INVALID',
      fields: { 'guest.idNumber': expect.any(String) },
    });
    const scanId = newScanId();
    const good = await record(world.ordinary, {
      scanId,
      temperature: 36.5,
      guest: { name: 'John Smith', category: 'foreigner', document: 'E12345678' },
    });
    expect(good.body.ok).toBe(true);
    const stored = scansWith(scanId)[0];
    expect(unseal(keyRingFromEnv(), stored.guest!.document!)).toBe('E12345678');
  });
});

describe('an older reading synced late never overrides a newer one (rule 4)', () => {
  // both gates went on duty 40 minutes ago: a reading taken since then may sync late
  // (and the people's codes were issued then, so that the seeds of that time are known)
  let late: World;
  const people: Array<Awaited<ReturnType<typeof citizenWithCode>>> = [];
  beforeAll(async () => {
    late = await buildWorld(cloud, INITIATOR, 'edges-late');
    cloud.clock.set({ offsetMs: -40 * 60_000 });
    await onDuty(cloud, late.ordinary);
    await onDuty(cloud, late.intermediate);
    for (let i = 1; i <= 3; i++) people.push(await citizenWithCode(cloud, `edges-late-${i}`));
    cloud.clock.set({ offsetMs: 0 });
  });
  it('leaves a yellow code yellow when a normal reading taken before the fever arrives late', async () => {
    const c = people[0];
    const now = cloud.clock.nowMs();
    const fever = await record(late.ordinary, { qr: c.qrAt(now), temperature: 38.4, location: CHANGCHUN });
    expect(fever.body.data).toMatchObject({ color: 'yellow' });
    // a normal reading taken 30 minutes before, queued on another gate's phone
    const earlier = now - 30 * 60_000;
    const synced = await record(late.intermediate, {
      qr: c.qrAt(earlier),
      temperature: 36.5,
      scannedAt: new Date(earlier).toISOString(),
    });
    expect(synced.body.ok).toBe(true);
    expect(person(c.personId).color).toBe('yellow');
    // the late scan is recorded with the colour of its time's decision, and raises the non-green alert
    expect(synced.body.data!.color).toBe('yellow');
  });

  it('leaves a green code green when a fever taken before a normal reading arrives late', async () => {
    const c = people[1];
    const now = cloud.clock.nowMs();
    expect(
      (await record(late.ordinary, { qr: c.qrAt(now), temperature: 36.5, location: CHANGCHUN })).body.data,
    ).toMatchObject({
      color: 'green',
    });
    const earlier = now - 20 * 60_000;
    const synced = await record(late.intermediate, {
      qr: c.qrAt(earlier),
      temperature: 38.6,
      scannedAt: new Date(earlier).toISOString(),
    });
    expect(synced.body.ok).toBe(true);
    expect(person(c.personId).color).toBe('green');
  });

  it('lets a late fever taken after the latest reading turn the code yellow, with the gate as the actor', async () => {
    const c = people[2];
    const now = cloud.clock.nowMs();
    const takenAt = now - 5 * 60_000;
    const synced = await record(late.ordinary, {
      qr: c.qrAt(takenAt),
      temperature: 38.1,
      scannedAt: new Date(takenAt).toISOString(),
    });
    expect(synced.body.data).toMatchObject({ color: 'yellow', decision: 'deny' });
    expect(person(c.personId).color).toBe('yellow');
    const events = cloud.store.find('code_events', { personId: c.personId })
      .docs as unknown as CodeEventDoc[];
    expect(events.map((e) => [e.to, e.actor])).toContainEqual(['yellow', `position:${late.ordinary.id}`]);
  });
});

describe('a phone whose clock runs ahead of the server’s', () => {
  it('has its scan taken at the server’s time, so a reading after it still counts; over 2 minutes ahead is refused', async () => {
    const c = await citizenWithCode(cloud, 'edges-ahead');
    const now = cloud.clock.nowMs();
    const ahead = await frozenAt(cloud, now, () =>
      record(world.ordinary, {
        qr: c.qrAt(now),
        temperature: 38.2,
        location: CHANGCHUN,
        scannedAt: new Date(now + 2 * MINUTE).toISOString(),
      }),
    );
    expect(ahead.body.data).toMatchObject({ color: 'yellow', decision: 'deny' });
    expect(scansWith(ahead.body.data!.scanId)[0].scannedAt).toEqual(new Date(now));
    expect(person(c.personId).lastReadingAt).toEqual(new Date(now));
    // 30 seconds later a normal reading at the next gate: the code is green again (rule 4)
    const normal = await frozenAt(cloud, now + 30_000, () =>
      record(world.intermediate, { qr: c.qrAt(now + 30_000), temperature: 36.6, location: CHANGCHUN }),
    );
    expect(normal.body.data).toMatchObject({ color: 'green', decision: 'allow' });
    expect(person(c.personId).color).toBe('green');
    const over = await frozenAt(cloud, now + 40_000, () =>
      record(world.ordinary, {
        qr: c.qrAt(now + 40_000),
        temperature: 36.6,
        location: CHANGCHUN,
        scannedAt: new Date(now + 40_000 + 2 * MINUTE + 1).toISOString(),
      }),
    );
    expect(over.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { scannedAt: 'range' } });
  });
});

describe('replays (rule 15: a screenshot passed around)', () => {
  it('flags the same step at another site, and not another step of the same code', async () => {
    const c = await citizenWithCode(cloud, 'edges-replay');
    const now = cloud.clock.nowMs();
    const there = await record(world.otherSenior, {
      qr: c.qrAt(now - 60_000),
      temperature: 36.5,
      location: JILIN,
    });
    expect(there.body.data!.replayed).toBeUndefined();
    // a minute later, the next code of the same person at another site: the person moved, no replay
    const here = await record(world.ordinary, { qr: c.qrAt(now), temperature: 36.5 });
    expect(here.body.data!.replayed).toBeUndefined();
    // the very same step as here, shown at the other site: a replay
    const copy = await record(world.otherSenior, { qr: c.qrAt(now), temperature: 36.5, location: JILIN });
    expect(copy.body.data).toMatchObject({ replayed: true });
  });

  it('flags a copy shown at the end of the QR’s window, 148 s after the original was scanned', async () => {
    const c = await citizenWithCode(cloud, 'edges-replay-late');
    // a QR of step S+2 is accepted from step S to step S+4 (two steps either side): scanned 1 s into step S, its
    // copy shown 1 s before step S+4 ends is still the same QR, at another site
    const stepMs = 30_000;
    const start = (Math.floor(cloud.clock.nowMs() / stepMs) + 1) * stepMs;
    const at = (ms: number) => cloud.clock.set({ now: new Date(ms).toISOString() });
    const qr = c.qrAt(start + 2 * stepMs + 1000);
    at(start + 1000);
    const original = await record(world.ordinary, { qr, temperature: 36.5 });
    expect(original.body.data!.replayed).toBeUndefined();
    at(start + 5 * stepMs - 1000);
    const copy = await record(world.otherSenior, { qr, temperature: 36.5, location: JILIN });
    expect(copy.body.data).toMatchObject({ replayed: true });
  });
});

describe('an orange code at the gate', () => {
  it('is refused and raises a colour alert', async () => {
    const c = await citizenWithCode(cloud, 'edges-orange');
    const imported = await call(
      cloud,
      'health',
      {
        action: 'importRiskList',
        actingPositionId: world.initiator.id,
        source: '省卫健委',
        rows: [{ idNumber: c.idNumber, status: 'close_contact' }],
      },
      INITIATOR,
    );
    expect(imported.body.ok).toBe(true);
    const scanId = newScanId();
    const reply = await record(world.ordinary, {
      scanId,
      qr: c.qrAt(cloud.clock.nowMs()),
      temperature: 36.5,
    });
    expect(reply.body.data).toMatchObject({ color: 'orange', decision: 'deny' });
    expect(cloud.store.get('alerts', scanId)?.doc).toMatchObject({ kind: 'color', color: 'orange' });
  });
});

describe('what a scan writes on its position (rule 10 activity, rule 7 last fix)', () => {
  it('marks activity and the fix when the last mark is older than ten minutes, not on every scan', async () => {
    const w = await buildWorld(cloud, INITIATOR, 'edges-activity');
    await onDuty(cloud, w.ordinary);
    const c = await citizenWithCode(cloud, 'edges-activity-citizen');
    const before = position(w.ordinary.id);
    // within ten minutes: neither the activity mark nor the fix moves
    cloud.clock.set({ offsetMs: 9 * 60_000 });
    await record(w.ordinary, { qr: c.qrAt(cloud.clock.nowMs()), temperature: 36.5, location: CHANGCHUN });
    expect(position(w.ordinary.id).lastFix!.at).toEqual(before.lastFix!.at);
    expect(position(w.ordinary.id).lastActiveAt).toEqual(before.lastActiveAt);
    // after eleven minutes both, at the scan's time
    cloud.clock.set({ offsetMs: 11 * 60_000 });
    await record(w.ordinary, { qr: c.qrAt(cloud.clock.nowMs()), temperature: 36.5, location: CHANGCHUN });
    const marked = position(w.ordinary.id);
    expect(marked.lastActiveAt.getTime()).toBeGreaterThan(before.lastActiveAt.getTime() + 10 * 60_000);
    expect(marked.lastFix!.at).toEqual(marked.lastActiveAt);
  });

  it('a scan without a location counts on the fix of the position’s last located scan for ten minutes', async () => {
    const w = await buildWorld(cloud, INITIATOR, 'edges-nofix');
    await onDuty(cloud, w.ordinary);
    const c = await citizenWithCode(cloud, 'edges-nofix-citizen');
    // 9 minutes after going on duty: a located scan, which does not move the position's fix (not due yet)
    cloud.clock.set({ offsetMs: 9 * 60_000 });
    await record(w.ordinary, { qr: c.qrAt(cloud.clock.nowMs()), temperature: 36.5, location: CHANGCHUN });
    // 18 minutes: the position's fix is 18 minutes old, the located scan 9: accepted
    cloud.clock.set({ offsetMs: 18 * 60_000 });
    expect(codeOf(await record(w.ordinary, { qr: c.qrAt(cloud.clock.nowMs()), temperature: 36.5 }))).toBe(
      'ok',
    );
    // 19 minutes and one second: the located scan is ten minutes and a second old — and the scan just before it,
    // taken without a location, gave none
    cloud.clock.set({ offsetMs: 19 * 60_000 + 1_000 });
    const late = await record(w.ordinary, { qr: c.qrAt(cloud.clock.nowMs()), temperature: 36.5 });
    expect(codeOf(late)).toBe('LOCATION_REQUIRED');
    // another position's located scan, even the one above it, gives this one no fix
    await onDuty(cloud, w.intermediate);
    cloud.clock.set({ offsetMs: 30 * 60_000 });
    await record(w.intermediate, { qr: c.qrAt(cloud.clock.nowMs()), temperature: 36.5, location: CHANGCHUN });
    cloud.clock.set({ offsetMs: 31 * 60_000 });
    expect(codeOf(await record(w.ordinary, { qr: c.qrAt(cloud.clock.nowMs()), temperature: 36.5 }))).toBe(
      'LOCATION_REQUIRED',
    );
  });

  it('checks the location of a scan queued for exactly 2 minutes, and stores unchecked one queued 1 ms longer', async () => {
    const w = await buildWorld(cloud, INITIATOR, 'edges-skew');
    await onDuty(cloud, w.ordinary);
    await onDuty(cloud, w.intermediate);
    const c = await citizenWithCode(cloud, 'edges-skew-citizen');
    // 5 minutes after going on duty: a scan taken 2 minutes before was taken on duty
    const now = cloud.clock.nowMs() + 5 * MINUTE;
    const queued = (who: { id: string; openid: string }, lagMs: number) =>
      frozenAt(cloud, now, () =>
        record(who, {
          qr: c.qrAt(now - lagMs),
          temperature: 36.5,
          location: JILIN,
          scannedAt: new Date(now - lagMs).toISOString(),
        }),
      );
    // taken 2 minutes ago, 100 km away: not late, so its place is checked, and the position disabled
    expect(codeOf(await queued(w.ordinary, 2 * MINUTE))).toBe('LOCATION_DEVIATION');
    expect(position(w.ordinary.id).status).toBe('disabled');
    // a millisecond earlier: a late sync, its place stored, not checked
    expect(codeOf(await queued(w.intermediate, 2 * MINUTE + 1))).toBe('ok');
    expect(position(w.intermediate.id).status).toBe('active');
  });

  it('takes the position’s own fix while it is 10 minutes old, to the millisecond', async () => {
    const w = await buildWorld(cloud, INITIATOR, 'edges-fix-edge');
    const c = await citizenWithCode(cloud, 'edges-fix-edge-citizen');
    const fixedAt = cloud.clock.nowMs();
    await frozenAt(cloud, fixedAt, () => onDuty(cloud, w.ordinary));
    const withoutLocation = (atMs: number) =>
      frozenAt(cloud, atMs, () => record(w.ordinary, { qr: c.qrAt(atMs), temperature: 36.5 }));
    expect(codeOf(await withoutLocation(fixedAt + 10 * MINUTE))).toBe('ok');
    expect(codeOf(await withoutLocation(fixedAt + 10 * MINUTE + 1))).toBe('LOCATION_REQUIRED');
  });

  it('takes no fix from a late sync: a scan queued 2 minutes gives its position one, 2 minutes and 1 ms none', async () => {
    const w = await buildWorld(cloud, INITIATOR, 'edges-latefix');
    await onDuty(cloud, w.ordinary);
    await onDuty(cloud, w.intermediate);
    const c = await citizenWithCode(cloud, 'edges-latefix-1');
    const d = await citizenWithCode(cloud, 'edges-latefix-2');
    const start = cloud.clock.nowMs();
    const synced = (who: { id: string; openid: string }, person: typeof c, takenAt: number) =>
      record(who, {
        qr: person.qrAt(takenAt),
        temperature: 36.5,
        location: CHANGCHUN,
        scannedAt: new Date(takenAt).toISOString(),
      });
    // 5 minutes on duty (the positions' own fixes not due again yet), each gate's phone syncs a located scan it
    // kept: the ordinary's taken 2 minutes before (checked where it was), the intermediate's 1 ms earlier (late)
    await frozenAt(cloud, start + 5 * MINUTE, async () => {
      expect(codeOf(await synced(w.ordinary, c, start + 3 * MINUTE))).toBe('ok');
      expect(codeOf(await synced(w.intermediate, d, start + 3 * MINUTE - 1))).toBe('ok');
    });
    // 11 minutes: the positions' fixes from going on duty are stale; the scan synced in time is a fix for its
    // position, the late one, whose place nobody checked, is none
    await frozenAt(cloud, start + 11 * MINUTE, async () => {
      const now = start + 11 * MINUTE;
      expect(codeOf(await record(w.ordinary, { qr: c.qrAt(now), temperature: 36.5 }))).toBe('ok');
      expect(codeOf(await record(w.intermediate, { qr: d.qrAt(now), temperature: 36.5 }))).toBe(
        'LOCATION_REQUIRED',
      );
    });
  });

  it('opening scan mode marks the active positions only: a disabled one stays as silent as it was', async () => {
    const w = await buildWorld(cloud, INITIATOR, 'edges-roles');
    await call(
      cloud,
      'org',
      {
        action: 'disable',
        actingPositionId: w.intermediate.id,
        positionId: w.ordinary.id,
        cascade: false,
        reason: '测试',
      },
      w.intermediate.openid,
    );
    const disabledBefore = position(w.ordinary.id).lastActiveAt;
    cloud.clock.set({ offsetMs: 5 * 60_000 });
    const roles = await call<{ items: Array<{ positionId: string; status: string }> }>(
      cloud,
      'scan',
      { action: 'roles' },
      w.ordinary.openid,
    );
    expect(roles.body.data!.items).toContainEqual(
      expect.objectContaining({ positionId: w.ordinary.id, status: 'disabled' }),
    );
    expect(position(w.ordinary.id).lastActiveAt).toEqual(disabledBefore);
    await call(cloud, 'scan', { action: 'roles' }, w.intermediate.openid);
    expect(position(w.intermediate.id).lastActiveAt.getTime()).toBeGreaterThan(
      disabledBefore.getTime() + 4 * 60_000,
    );
  });
});

describe('duty (rule 7)', () => {
  it('is NOT_HOLDER for someone else’s position', async () => {
    const reply = await call(
      cloud,
      'scan',
      { action: 'goOnDuty', positionId: world.ordinary.id, location: CHANGCHUN },
      world.intermediate.openid,
    );
    expect(codeOf(reply)).toBe('NOT_HOLDER');
  });

  it('accepts a late sync taken during an earlier session, after the holder went on duty again', async () => {
    const w = await buildWorld(cloud, INITIATOR, 'edges-sessions');
    await onDuty(cloud, w.ordinary);
    const c = await citizenWithCode(cloud, 'edges-sessions-citizen');
    const takenAt = cloud.clock.nowMs() + 60_000;
    // a second session begins an hour later; the scan taken in the first one syncs after that
    cloud.clock.set({ offsetMs: 60 * 60_000 });
    await onDuty(cloud, w.intermediate);
    await onDuty(cloud, w.ordinary);
    cloud.clock.set({ offsetMs: 61 * 60_000 });
    const late = await record(w.ordinary, {
      qr: c.qrAt(takenAt),
      temperature: 36.5,
      scannedAt: new Date(takenAt).toISOString(),
    });
    expect(codeOf(late)).toBe('ok');
    // going on duty again at the same position keeps the holder on duty there
    const now = await record(w.ordinary, { qr: c.qrAt(cloud.clock.nowMs()), temperature: 36.5 });
    expect(codeOf(now)).toBe('ok');
  });
});
