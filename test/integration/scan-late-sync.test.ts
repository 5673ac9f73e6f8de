/**
 * Readings that reach the server out of order, and what the gate's people see of them (rule 4, API.md 2.2 and 2.3,
 * docs/api.md `scan`). A reading synced late changes the code only if no later reading of the person is known —
 * from the person (`lastReadingAt`, the time of the latest reading that changed the code) or from the stored scans
 * — and a later one is strictly later: a reading taken at the same instant still counts. A pass admitted offline is
 * judged by the person's color at the scan's time (`stale_pass`), the color changing at an instant that is its own.
 * Then the refusals: a forced entry pushed to the region's agency within the call, a retried refusal answered to its
 * holder only (even once the position's duty log no longer shows them), retries racing; and `scan.roles` marking
 * the active positions only.
 *
 * Where the outcome cannot tell (a shortcut taken or not gives the same answer), the wire meter pins the cost the
 * docs promise: the code's history is read only for an offline admission from before the last change, the scans
 * only when the person does not already answer, and a reading that changes nothing writes nothing on the person.
 */
import type {
  AlertDoc,
  CodeEventDoc,
  PersonDoc,
  PositionDoc,
  ScanDoc,
} from '../../cloudfunctions/_server/db/documents';
import { parsePass } from '../../miniprogram/core/signed-pass';
import type { Doc } from '../../tools/local-cloud/db/store';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import type { TripCount } from '../../tools/local-cloud/wire-meter';
import { call, openLocalCloud, withTripDelay, type HttpReply } from '../helpers/local-cloud';
import {
  CHANGCHUN,
  buildWorld,
  citizenWithCode,
  handOverOrdinary,
  newScanId,
  onDuty,
  register,
  type Scanner,
  type World,
} from '../helpers/world';

const INITIATOR = 'late-initiator';
const SECOND = 1000;
const MINUTE = 60_000;
let cloud: LocalCloud;
let world: World;
/** Two gates of 长春站, on duty since an hour before the tests' time: a reading taken since may sync late. */
let gateA: Scanner;
let gateB: Scanner;

type RecordReply = { scanId: string; duplicate: boolean; color: string; decision: string };
type Citizen = Awaited<ReturnType<typeof citizenWithCode>>;

const iso = (ms: number) => new Date(ms).toISOString();
const codeOf = (reply: HttpReply) => (reply.body.ok ? 'ok' : reply.body.error!.code);
const person = (id: string) => cloud.store.get('persons', id)!.doc as unknown as PersonDoc;
const scan = (id: string) => cloud.store.get('scans', id)!.doc as unknown as ScanDoc;
const alertKinds = (scanId: string) =>
  (cloud.store.find('alerts', { scanId }).docs as unknown as AlertDoc[]).map((a) => [a.kind, a.color]);
const events = (personId: string) =>
  (cloud.store.find('code_events', { personId }).docs as unknown as CodeEventDoc[])
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((e) => `${e.from}->${e.to}`);
/** Moves the local cloud's clock on by `ms`. */
const wait = (ms: number) => cloud.clock.set({ offsetMs: cloud.clock.offsetMs + ms });

/** A scan as the scan page sends it (with its location; a late sync's is stored, not checked). */
const record = (gate: Scanner, body: Record<string, unknown>) =>
  call<RecordReply>(
    cloud,
    'scan',
    { action: 'record', positionId: gate.id, scanId: newScanId(), location: CHANGCHUN, ...body },
    gate.openid,
  );

/** A reading of `c` taken at `ms` (the phone's queue sends its time), synced now. */
const reading = (gate: Scanner, c: Citizen, ms: number, temperature: number, extra = {}) =>
  record(gate, { qr: c.qrAt(ms), temperature, scannedAt: iso(ms), ...extra });

/** A scan called as the phone calls it, measured by the wire meter: its reply and its database round trips. */
async function measuredReading(
  gate: Scanner,
  body: Record<string, unknown>,
): Promise<{ data: RecordReply; count: TripCount }> {
  const { result, count } = await cloud.meter.measure(
    () =>
      cloud.functions.invoke(
        'scan',
        { action: 'record', positionId: gate.id, scanId: newScanId(), location: CHANGCHUN, ...body },
        { openid: gate.openid },
      ) as Promise<{ ok: boolean; data?: RecordReply; error?: unknown }>,
  );
  if (!result.ok) throw new Error(JSON.stringify(result));
  return { data: result.data!, count };
}
/** Round trips on one collection: all of them, the reads, the writes. */
const tripsOn = (count: TripCount, collection: string) =>
  count.trips.filter((t) => t.collection === collection);
const readsOf = (count: TripCount, collection: string) =>
  tripsOn(count, collection).filter((t) => t.action === 'getDocument');
const writesOf = (count: TripCount, collection: string) =>
  tripsOn(count, collection).filter((t) => t.action !== 'getDocument');

/** A fever read online now at gate A: the code turns yellow; the reading's time, as stored with the scan. */
async function feverNow(c: Citizen): Promise<number> {
  const fever = await record(gateA, { qr: c.qrAt(cloud.clock.nowMs()), temperature: 38.5 });
  expect(fever.body.data).toMatchObject({ color: 'yellow', decision: 'deny' });
  return scan(fever.body.data!.scanId).scannedAt.getTime();
}

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  cloud.clock.set({ offsetMs: -60 * MINUTE });
  world = await buildWorld(cloud, INITIATOR, 'late');
  gateA = world.ordinary;
  gateB = world.intermediate;
  await onDuty(cloud, gateA);
  await onDuty(cloud, gateB);
  cloud.clock.set({ offsetMs: 0 });
});

afterAll(() => cloud.close());

afterEach(() => cloud.clock.set({ offsetMs: 0 }));

/** A citizen whose code was issued a minute before the test's readings (the seeds of their time are known). */
async function citizen(name: string): Promise<Citizen> {
  const c = await citizenWithCode(cloud, `late-${name}`);
  wait(MINUTE);
  return c;
}

describe('a late reading changes the code only if no later reading is known (rule 4)', () => {
  it('a normal reading taken one second after the fever clears the yellow code, and becomes the latest reading', async () => {
    const c = await citizen('after');
    const feverAt = await feverNow(c);
    expect(person(c.personId).lastReadingAt).toEqual(new Date(feverAt));
    // the normal reading, taken at the next gate one second later, reaches the server ten minutes on
    wait(10 * MINUTE);
    const synced = await reading(gateB, c, feverAt + SECOND, 36.5);
    expect(synced.body.data).toMatchObject({ color: 'green', decision: 'allow' });
    const after = person(c.personId);
    expect(after.color).toBe('green');
    expect(after.fever).toBeNull();
    // the reading's own time, not the server's at the sync
    expect(after.lastReadingAt).toEqual(new Date(feverAt + SECOND));
    expect(events(c.personId)).toEqual(['null->green', 'green->yellow', 'yellow->green']);
  });

  it('a normal reading taken one second before the fever never clears it — decided from the person alone', async () => {
    const c = await citizen('before');
    const feverAt = await feverNow(c);
    wait(10 * MINUTE);
    const { data, count } = await measuredReading(gateB, {
      qr: c.qrAt(feverAt - SECOND),
      temperature: 36.5,
      scannedAt: iso(feverAt - SECOND),
    });
    // recorded with the code as it stands: still yellow, refused
    expect(data).toMatchObject({ color: 'yellow', decision: 'deny' });
    expect(person(c.personId)).toMatchObject({ color: 'yellow', lastReadingAt: new Date(feverAt) });
    expect(events(c.personId)).toEqual(['null->green', 'green->yellow']);
    // the person read with the scan's first stage knew the later reading: no look among the scans (only the
    // first stage's), no transaction on the person
    expect(readsOf(count, 'scans')).toHaveLength(1);
    expect(tripsOn(count, 'persons')).toHaveLength(1);
  });

  it('a reading taken at the very instant of the known one is not older: it counts', async () => {
    const c = await citizen('same-instant');
    const feverAt = await feverNow(c);
    wait(10 * MINUTE);
    const synced = await reading(gateB, c, feverAt, 36.5);
    expect(synced.body.data).toMatchObject({ color: 'green' });
    expect(person(c.personId)).toMatchObject({ color: 'green', lastReadingAt: new Date(feverAt) });
  });

  it('knows a later reading that changed nothing from the stored scans alone', async () => {
    const c = await citizen('scans-only');
    // a normal reading of a green person changes nothing: nothing of it is kept on the person
    const normal = await record(gateA, { qr: c.qrAt(cloud.clock.nowMs()), temperature: 36.4 });
    const normalAt = scan(normal.body.data!.scanId).scannedAt.getTime();
    expect(person(c.personId).lastReadingAt).toBeUndefined();
    wait(10 * MINUTE);
    // a fever taken a second before it, synced late: the normal reading after it stands
    const older = await reading(gateB, c, normalAt - SECOND, 38.6);
    expect(older.body.data).toMatchObject({ color: 'green' });
    expect(person(c.personId).color).toBe('green');
    // a normal reading a second after it counts, and changes nothing: one insert, nothing written on the person
    const { data, count } = await measuredReading(gateB, {
      qr: c.qrAt(normalAt + SECOND),
      temperature: 36.6,
      scannedAt: iso(normalAt + SECOND),
    });
    expect(data).toMatchObject({ color: 'green', decision: 'allow' });
    expect(tripsOn(count, 'persons')).toHaveLength(1);
    expect(count.trips.some((t) => t.transaction)).toBe(false);
    // and a fever a second after it counts too
    const newer = await reading(gateB, c, normalAt + 2 * SECOND, 38.2);
    expect(newer.body.data).toMatchObject({ color: 'yellow' });
    expect(person(c.personId)).toMatchObject({
      color: 'yellow',
      lastReadingAt: new Date(normalAt + 2 * SECOND),
    });
  });

  it('a person stored before lastReadingAt existed: the later reading is found among the scans', async () => {
    const c = await citizen('legacy');
    const feverAt = await feverNow(c);
    // the document as it was before the field: the fever is only in the scans
    const doc = cloud.store.get('persons', c.personId)!.doc;
    const legacy = { ...doc } as Record<string, unknown>;
    delete legacy.lastReadingAt;
    cloud.store.replace('persons', doc, legacy as unknown as Doc);
    wait(10 * MINUTE);
    expect((await reading(gateB, c, feverAt - SECOND, 36.5)).body.data).toMatchObject({ color: 'yellow' });
    expect(person(c.personId).color).toBe('yellow');
    expect((await reading(gateB, c, feverAt + SECOND, 36.5)).body.data).toMatchObject({ color: 'green' });
    expect(person(c.personId)).toMatchObject({ color: 'green', lastReadingAt: new Date(feverAt + SECOND) });
  });

  it('a reading queued for a minute (not a late sync) does not undo a newer one either', async () => {
    const c = await citizen('queued');
    const now = cloud.clock.nowMs();
    // gate A's fever, 30 seconds ago, arrives first
    const fever = await reading(gateA, c, now - 30 * SECOND, 38.3);
    expect(fever.body.data).toMatchObject({ color: 'yellow' });
    expect(person(c.personId).lastReadingAt).toEqual(new Date(now - 30 * SECOND));
    // gate B's normal reading from a minute ago arrives after it: recorded, the code stays yellow
    const older = await reading(gateB, c, now - 60 * SECOND, 36.5);
    expect(older.body.data).toMatchObject({ color: 'yellow', decision: 'deny' });
    expect(person(c.personId)).toMatchObject({ color: 'yellow', lastReadingAt: new Date(now - 30 * SECOND) });
    // a normal reading from after the fever clears it
    const newer = await reading(gateB, c, now - 10 * SECOND, 36.5);
    expect(newer.body.data).toMatchObject({ color: 'green' });
    expect(person(c.personId).lastReadingAt).toEqual(new Date(now - 10 * SECOND));
  });

  it('a queued fever older than a normal reading that changed nothing leaves the code green', async () => {
    const c = await citizen('queued-fever');
    const now = cloud.clock.nowMs();
    // gate A's normal reading, 30 seconds ago, arrives first and changes nothing (nothing kept on the person)
    await reading(gateA, c, now - 30 * SECOND, 36.5);
    expect(person(c.personId).lastReadingAt).toBeUndefined();
    // gate B's fever from a minute ago arrives after it: recorded as taken, the code stays green
    const older = await reading(gateB, c, now - 60 * SECOND, 38.4);
    expect(older.body.data).toMatchObject({ color: 'green', decision: 'allow' });
    expect(person(c.personId)).toMatchObject({ color: 'green', fever: null });
    expect(scan(older.body.data!.scanId)).toMatchObject({ temperature: 38.4, fever: true });
  });
});

describe('a pass admitted offline, judged by the color at the scan’s time (API.md 2.3, stale_pass)', () => {
  const setColor = (personId: string, color: 'green' | 'yellow' | 'red') =>
    call(
      cloud,
      'health',
      { action: 'setColor', actingPositionId: world.initiator.id, personId, color, reason: '省指挥部研判' },
      INITIATOR,
    );
  /** A JXM2 scan of `c` taken at `ms` with the green pass the phone still holds, admitted offline, synced now. */
  const admittedOffline = (gate: Scanner, c: Citizen, ms: number) =>
    measuredReading(gate, {
      qr: c.passQrAt(ms),
      temperature: 36.5,
      scannedAt: iso(ms),
      offline: { decision: 'allow' },
    });

  it('raises stale_pass for a scan at the instant the code turned red, not for one a second before', async () => {
    const c = await citizen('pass-boundary');
    expect((await setColor(c.personId, 'red')).body.ok).toBe(true);
    const redSince = person(c.personId).colorSince.getTime();
    wait(10 * MINUTE);

    const atChange = await admittedOffline(gateA, c, redSince);
    expect(atChange.data).toMatchObject({ color: 'red', decision: 'deny' });
    expect(alertKinds(atChange.data.scanId)).toEqual([['stale_pass', 'red']]);
    expect(scan(atChange.data.scanId).stalePass).toEqual({ color: 'red' });
    // red since that very instant: the person's own color answers, the code's history is not read
    expect(readsOf(atChange.count, 'code_events')).toHaveLength(0);

    const before = await admittedOffline(gateB, c, redSince - SECOND);
    // green then: let through rightly; the scan itself carries the server's color now (its alert is the color's)
    expect(scan(before.data.scanId).stalePass).toBeUndefined();
    expect(alertKinds(before.data.scanId)).toEqual([['color', 'red']]);
    // from before the change: one read of the code's history
    expect(readsOf(before.count, 'code_events')).toHaveLength(1);
  });

  it('takes the latest change at or before the scan from a history of several', async () => {
    const c = await citizen('pass-history');
    expect((await setColor(c.personId, 'yellow')).body.ok).toBe(true);
    wait(MINUTE);
    expect((await setColor(c.personId, 'green')).body.ok).toBe(true);
    const greenAgain = person(c.personId).colorSince.getTime();
    wait(MINUTE);
    expect((await setColor(c.personId, 'red')).body.ok).toBe(true);
    expect(events(c.personId)).toEqual(['null->green', 'green->yellow', 'yellow->green', 'green->red']);
    wait(10 * MINUTE);
    // while yellow (after the first change, before the second): stale
    const whileYellow = await admittedOffline(gateA, c, greenAgain - 30 * SECOND);
    expect(alertKinds(whileYellow.data.scanId)).toEqual([['stale_pass', 'yellow']]);
    // while green again: not stale
    const whileGreen = await admittedOffline(gateB, c, greenAgain + 30 * SECOND);
    expect(scan(whileGreen.data.scanId).stalePass).toBeUndefined();
  });

  it('looks up no history for a JXM2 scan the phone refused offline', async () => {
    const c = await citizen('pass-denied');
    expect((await setColor(c.personId, 'red')).body.ok).toBe(true);
    const redSince = person(c.personId).colorSince.getTime();
    wait(10 * MINUTE);
    const denied = await measuredReading(gateA, {
      qr: c.passQrAt(redSince - 30 * SECOND),
      temperature: 36.5,
      scannedAt: iso(redSince - 30 * SECOND),
      offline: { decision: 'deny', reason: 'expired' },
    });
    expect(scan(denied.data.scanId)).toMatchObject({ offline: { decision: 'deny', reason: 'expired' } });
    expect(scan(denied.data.scanId).stalePass).toBeUndefined();
    expect(readsOf(denied.count, 'code_events')).toHaveLength(0);
  });

  it('stores the pass with the scan: its key, its color and its issue and expiry as the real dates', async () => {
    const c = await citizen('pass-stored');
    const claims = parsePass(c.pass)!.claims;
    const reply = await record(gateA, { qr: c.passQrAt(cloud.clock.nowMs()), temperature: 36.5 });
    expect(reply.body.data).toMatchObject({ color: 'green' });
    const pass = scan(reply.body.data!.scanId).qr!.pass!;
    expect(pass).toEqual({
      kid: claims.kid,
      color: 'green',
      iat: new Date(claims.iat * 1000),
      exp: new Date(claims.exp * 1000),
    });
    // issued with the code, a minute ago; good for a day
    expect(Math.abs(pass.iat.getTime() - (cloud.clock.nowMs() - MINUTE))).toBeLessThan(10 * SECOND);
    expect(pass.exp.getTime() - pass.iat.getTime()).toBe(24 * 3600_000);
  });
});

describe('refusals (rule 18)', () => {
  const refusal = (positionId: string, openid: string, body: Record<string, unknown>) =>
    call<{ scanId: string; duplicate: boolean }>(
      cloud,
      'scan',
      { action: 'refusal', positionId, ...body },
      openid,
    );

  it('pushes a forced entry to the region’s agency within the call', async () => {
    const holder = await register(cloud, 'late-agency');
    const invited = await call<{ positionId: string; inviteCode: string }>(
      cloud,
      'org',
      {
        action: 'createPosition',
        actingPositionId: world.initiator.id,
        siteId: world.otherSiteId,
        role: 'agency',
        holderName: holder.name,
        holderPhone: holder.phone,
      },
      INITIATOR,
    );
    expect(invited.body.ok).toBe(true);
    const claimed = await call(
      cloud,
      'org',
      { action: 'claim', inviteCode: invited.body.data!.inviteCode },
      'late-agency',
    );
    expect(claimed.body.ok).toBe(true);
    const forcedEntries = async () =>
      (
        (await (await fetch(`${cloud.url}/dev/messages?openid=late-agency`)).json()) as {
          data: Array<{ data: Record<string, { value: string }> }>;
        }
      ).data.filter((m) => m.data.phrase2.value === '强行闯入');
    expect(await forcedEntries()).toEqual([]);
    const reply = await refusal(gateA.id, gateA.openid, { scanId: newScanId(), reason: 'forced_entry' });
    expect(reply.body.data).toMatchObject({ duplicate: false });
    // no timer runs here: only the push sent right after the commit can be there
    const sent = await forcedEntries();
    expect(sent).toHaveLength(1);
    expect(sent[0].data.thing1.value).toBe('长春站');
  });

  it('answers a retried refusal to its holder, even once the duty log no longer shows them, and CONFLICT to others', async () => {
    const w = await buildWorld(cloud, INITIATOR, 'late-handback');
    await onDuty(cloud, w.ordinary);
    const scanId = newScanId();
    expect(
      (await refusal(w.ordinary.id, w.ordinary.openid, { scanId, reason: 'refused_scan' })).body.data,
    ).toEqual({
      scanId,
      duplicate: false,
    });
    // the position passes to a colleague, who keeps it for ten duty sessions, then back to its holder
    const handOver = (to: { name: string; phone: string; openid: string }) => handOverOrdinary(cloud, w, to);
    const colleague = { ...(await register(cloud, 'late-colleague')), openid: 'late-colleague' };
    await handOver(colleague);
    for (let i = 0; i < 10; i++) await onDuty(cloud, { ...w.ordinary, openid: colleague.openid });
    await handOver(w.ordinary);
    const position = cloud.store.get('positions', w.ordinary.id)!.doc as unknown as PositionDoc;
    expect(position.holder.openid).toBe(w.ordinary.openid);
    expect(position.dutyLog!.map((d) => d.openid)).not.toContain(w.ordinary.openid);

    // the holder's phone sends its queued retry: the first answer
    expect(
      (await refusal(w.ordinary.id, w.ordinary.openid, { scanId, reason: 'refused_scan' })).body.data,
    ).toEqual({
      scanId,
      duplicate: true,
    });
    // the same scanId from someone who never held the position, or from the holder at another position
    expect(codeOf(await refusal(w.ordinary.id, w.senior.openid, { scanId, reason: 'refused_scan' }))).toBe(
      'CONFLICT',
    );
    expect(
      codeOf(await refusal(w.intermediate.id, w.ordinary.openid, { scanId, reason: 'refused_scan' })),
    ).toBe('CONFLICT');
    expect(cloud.store.find('refusals', { _id: scanId }).docs).toHaveLength(1);
  });

  it.each(['refused_scan', 'forced_entry'])('counts a %s once when its retries race', async (reason) => {
    const scanId = newScanId();
    // with the network's time on each round trip, as in production, the retries overtake one another: all of them
    // find no refusal yet, and all but one meet the first at the insert
    const replies = await withTripDelay(cloud, 5, () =>
      Promise.all(Array.from({ length: 6 }, () => refusal(gateA.id, gateA.openid, { scanId, reason }))),
    );
    expect(replies.map((r) => codeOf(r))).toEqual(Array(6).fill('ok'));
    expect(replies.filter((r) => r.body.data!.duplicate === false)).toHaveLength(1);
    expect(cloud.store.find('refusals', { _id: scanId }).docs).toHaveLength(1);
  });
});

describe('opening scan mode (scan.roles, rule 10)', () => {
  it('marks the active positions, and writes nothing for a caller whose only position is disabled', async () => {
    const w = await buildWorld(cloud, INITIATOR, 'late-roles');
    const disabled = await call(
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
    expect(disabled.body.ok).toBe(true);
    const position = (id: string) => cloud.store.get('positions', id)!.doc as unknown as PositionDoc;
    const silentSince = position(w.ordinary.id).lastActiveAt;
    wait(30 * MINUTE);
    const { result, count } = await cloud.meter.measure(
      () =>
        cloud.functions.invoke('scan', { action: 'roles' }, { openid: w.ordinary.openid }) as Promise<{
          data: { items: Array<{ positionId: string; status: string }> };
        }>,
    );
    expect(result.data.items).toEqual([
      expect.objectContaining({ positionId: w.ordinary.id, status: 'disabled' }),
    ]);
    expect(position(w.ordinary.id).lastActiveAt).toEqual(silentSince);
    expect(writesOf(count, 'positions')).toEqual([]);
    // the intermediate's is active: marked at the call
    await call(cloud, 'scan', { action: 'roles' }, w.intermediate.openid);
    expect(position(w.intermediate.id).lastActiveAt.getTime()).toBeGreaterThanOrEqual(
      cloud.clock.nowMs() - 10 * SECOND,
    );
  });
});
