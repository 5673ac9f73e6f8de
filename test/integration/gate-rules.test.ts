/**
 * The gate as the regulation says it (API.md v1.1): the geofence on every scan (rule 7), the scanner's own color
 * (rule 7), refusals and forced entries (rule 18), and the end of the epidemic period (rule 3) — through the local
 * cloud's HTTP face.
 */
import type { AlertDoc, PositionDoc } from '../../cloudfunctions/_server/db/documents';
import { hmacSha256Hex } from '../../cloudfunctions/_server/privacy/personal-data';
import { renderCode } from '../../miniprogram/core/dynamic-code';
import { greatCircleMeters } from '../../miniprogram/core/geo';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call, openLocalCloud } from '../helpers/local-cloud';
import {
  CHANGCHUN,
  buildWorld,
  citizenWithCode,
  newScanId,
  onDuty,
  type Scanner,
  type World,
} from '../helpers/world';

const INITIATOR = 'test-initiator';
const MINUTE = 60_000;
/** The sites of world.ts have a 500 m radius. */
const RADIUS_M = 500;
let cloud: LocalCloud;

type Envelope<T = Record<string, unknown>> = {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string; fields?: Record<string, string> };
};

const api = async <T = Record<string, unknown>>(
  fn: string,
  openid: string,
  body: Record<string, unknown>,
): Promise<Envelope<T>> => (await call<T>(cloud, fn, body, openid)).body;

const position = (id: string) => cloud.store.get('positions', id)!.doc as unknown as PositionDoc;

/** A point `metres` north of Changchun station. */
function north(metres: number) {
  const latitude = CHANGCHUN.latitude + metres / 111_195;
  return { latitude, longitude: CHANGCHUN.longitude };
}

const record = (who: Scanner, body: Record<string, unknown>) =>
  api<{ color: string; decision: string; duplicate: boolean }>('scan', who.openid, {
    action: 'record',
    positionId: who.id,
    scanId: newScanId(),
    ...body,
  });

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
});

afterAll(async () => {
  await cloud.close();
});

afterEach(() => {
  cloud.clock.set({ offsetMs: 0 });
  delete process.env.JXM_EPIDEMIC_END;
});

describe('the geofence on every scan (rule 7)', () => {
  let world: World;
  let citizen: Awaited<ReturnType<typeof citizenWithCode>>;

  beforeEach(async () => {
    world = await buildWorld(cloud, INITIATOR, `fence-${Date.now()}`);
    citizen = await citizenWithCode(cloud, `fence-citizen-${Date.now()}`);
    await onDuty(cloud, world.ordinary);
  });

  it('accepts a scan a few metres inside the radius, and refuses one a few metres outside', async () => {
    expect(greatCircleMeters(CHANGCHUN, north(RADIUS_M - 5))).toBeCloseTo(RADIUS_M - 5, 0);
    const inside = await record(world.ordinary, {
      qr: citizen.qrAt(Date.now()),
      temperature: 36.5,
      location: north(RADIUS_M - 5),
    });
    expect(inside.data?.decision).toBe('allow');

    const scanId = newScanId();
    const outside = await api('scan', world.ordinary.openid, {
      action: 'record',
      positionId: world.ordinary.id,
      scanId,
      qr: citizen.qrAt(Date.now()),
      temperature: 36.5,
      location: north(RADIUS_M + 5),
    });
    expect(outside.error).toMatchObject({ code: 'LOCATION_DEVIATION', fields: { location: 'range' } });
    // nothing recorded; the position disabled for geofence, its duty over, its holder told by SMS
    expect(cloud.store.get('scans', scanId)).toBeUndefined();
    expect(position(world.ordinary.id)).toMatchObject({ status: 'disabled', disabledReason: 'geofence' });
    expect(position(world.ordinary.id).onDuty).toBeNull();
    const sms = (await (await fetch(`${cloud.url}/dev/sms?phone=${world.ordinary.phone}`)).json()) as {
      data: Array<{ template: string }>;
    };
    expect(sms.data.map((m) => m.template)).toContain('position_disabled');
  });

  it('forgives the fix’s own accuracy up to 500 m', async () => {
    const lenient = await record(world.ordinary, {
      qr: citizen.qrAt(Date.now()),
      temperature: 36.5,
      location: { ...north(RADIUS_M + 295), accuracy: 300 },
    });
    expect(lenient.data?.decision).toBe('allow');
    // a fix that claims 2 km accuracy is forgiven only 500 m of it
    const vague = await record(world.ordinary, {
      qr: citizen.qrAt(Date.now()),
      temperature: 36.5,
      location: { ...north(RADIUS_M + 505), accuracy: 2000 },
    });
    expect(vague.error?.code).toBe('LOCATION_DEVIATION');
  });

  it('takes a scan without a location for 10 minutes after the last fix, then asks for one', async () => {
    // goOnDuty gave the last fix
    cloud.clock.set({ offsetMs: 9 * MINUTE });
    const fresh = await record(world.ordinary, {
      qr: citizen.qrAt(Date.now() + 9 * MINUTE),
      temperature: 36.5,
    });
    expect(fresh.data?.decision).toBe('allow');
    cloud.clock.set({ offsetMs: 11 * MINUTE });
    const stale = await record(world.ordinary, {
      qr: citizen.qrAt(Date.now() + 11 * MINUTE),
      temperature: 36.5,
    });
    expect(stale.error).toMatchObject({ code: 'LOCATION_REQUIRED', fields: { location: 'required' } });
    // a scan with a location refreshes the fix: the next one without it is taken again
    const located = await record(world.ordinary, {
      qr: citizen.qrAt(Date.now() + 11 * MINUTE),
      temperature: 36.5,
      location: CHANGCHUN,
    });
    expect(located.ok).toBe(true);
    const again = await record(world.ordinary, {
      qr: citizen.qrAt(Date.now() + 11 * MINUTE),
      temperature: 36.5,
    });
    expect(again.ok).toBe(true);
  });

  it('does not let a refused scan refresh the last fix', async () => {
    cloud.clock.set({ offsetMs: 8 * MINUTE });
    const refused = await record(world.ordinary, {
      qr: 'JXM1.not-a-code.1.00',
      temperature: 36.5,
      location: CHANGCHUN,
    });
    expect(refused.error?.code).toBe('QR_INVALID');
    cloud.clock.set({ offsetMs: 11 * MINUTE });
    const stale = await record(world.ordinary, {
      qr: citizen.qrAt(Date.now() + 11 * MINUTE),
      temperature: 36.5,
    });
    expect(stale.error?.code).toBe('LOCATION_REQUIRED');
  });

  it('stores a late sync’s location without checking it', async () => {
    const takenAt = Date.now();
    cloud.clock.set({ offsetMs: 30 * MINUTE });
    const far = { latitude: 45.75, longitude: 126.65 };
    const scanId = newScanId();
    const late = await api('scan', world.ordinary.openid, {
      action: 'record',
      positionId: world.ordinary.id,
      scanId,
      qr: citizen.qrAt(takenAt),
      temperature: 36.5,
      location: far,
      scannedAt: new Date(takenAt).toISOString(),
    });
    expect(late.ok).toBe(true);
    expect(position(world.ordinary.id).status).toBe('active');
    expect(cloud.store.get('scans', scanId)!.doc.location).toMatchObject({
      coordinates: [far.longitude, far.latitude],
    });
  });

  it('applies the same tolerance when going on duty', async () => {
    const refused = await api('scan', world.intermediate.openid, {
      action: 'goOnDuty',
      positionId: world.intermediate.id,
      location: { ...north(RADIUS_M + 50), accuracy: 60 },
    });
    expect(refused.ok).toBe(true);
    const other = await buildWorld(cloud, INITIATOR, `fence-duty-${Date.now()}`);
    const deviating = await api('scan', other.intermediate.openid, {
      action: 'goOnDuty',
      positionId: other.intermediate.id,
      location: { ...north(RADIUS_M + 50), accuracy: 40 },
    });
    expect(deviating.error?.code).toBe('LOCATION_DEVIATION');
  });
});

describe('the scanner’s own color (rule 7)', () => {
  it('ends duty everywhere the moment the scanner’s code leaves green, and asks for goOnDuty once green again', async () => {
    // on duty since five minutes ago, with codes issued then
    cloud.clock.set({ offsetMs: -5 * MINUTE });
    const world = await buildWorld(cloud, INITIATOR, `own-${Date.now()}`);
    await onDuty(cloud, world.ordinary);
    await onDuty(cloud, world.intermediate);
    const citizen = await citizenWithCode(cloud, `own-citizen-${Date.now()}`);
    const scannerCode = await api<{ codeId: string; seed: string }>('citizen', world.ordinary.openid, {
      action: 'code',
    });
    cloud.clock.set({ offsetMs: 0 });
    const scannerQr = () => renderCode(hmacSha256Hex, scannerCode.data!, Date.now());

    const feverAt = Date.now();
    const fever = await record(world.intermediate, {
      qr: scannerQr(),
      temperature: 37.3,
      location: CHANGCHUN,
    });
    expect(fever.data?.color).toBe('yellow');
    // in the same transaction as the color change: no duty left at the scanner's position
    expect(position(world.ordinary.id).onDuty).toBeNull();
    expect(position(world.ordinary.id).dutyLog![0]!.endedAt).toBeTruthy();

    const whileYellow = await record(world.ordinary, {
      qr: citizen.qrAt(Date.now()),
      temperature: 36.5,
      location: CHANGCHUN,
    });
    expect(whileYellow.error?.code).toBe('SCANNER_CODE_NOT_GREEN');
    const refusalWhileYellow = await api('scan', world.ordinary.openid, {
      action: 'refusal',
      positionId: world.ordinary.id,
      scanId: newScanId(),
      reason: 'refused_scan',
    });
    expect(refusalWhileYellow.error?.code).toBe('SCANNER_CODE_NOT_GREEN');

    // a late sync taken before the fever still counts; one taken after it does not
    cloud.clock.set({ offsetMs: 10 * MINUTE });
    const before = await record(world.ordinary, {
      qr: citizen.qrAt(feverAt - 30_000),
      temperature: 36.5,
      scannedAt: new Date(feverAt - 30_000).toISOString(),
    });
    expect(before.ok).toBe(true);
    const after = await record(world.ordinary, {
      qr: citizen.qrAt(feverAt + 30_000),
      temperature: 36.5,
      scannedAt: new Date(feverAt + 30_000).toISOString(),
    });
    expect(after.error?.code).toBe('NOT_ON_DUTY');

    // a normal reading by another scanner: green again, but off duty until goOnDuty
    const normal = await record(world.intermediate, {
      qr: renderCode(hmacSha256Hex, scannerCode.data!, Date.now() + 10 * MINUTE),
      temperature: 36.4,
      location: CHANGCHUN,
    });
    expect(normal.data?.color).toBe('green');
    const offDuty = await record(world.ordinary, {
      qr: citizen.qrAt(Date.now() + 10 * MINUTE),
      temperature: 36.5,
      location: CHANGCHUN,
    });
    expect(offDuty.error?.code).toBe('NOT_ON_DUTY');
    await onDuty(cloud, world.ordinary);
    const back = await record(world.ordinary, {
      qr: citizen.qrAt(Date.now() + 10 * MINUTE),
      temperature: 36.5,
      location: CHANGCHUN,
    });
    expect(back.data?.decision).toBe('allow');
  });

  it('ends duty when the province sets the scanner’s color', async () => {
    const world = await buildWorld(cloud, INITIATOR, `prov-${Date.now()}`);
    await onDuty(cloud, world.ordinary);
    const set = await api('health', INITIATOR, {
      action: 'setColor',
      actingPositionId: world.initiator.id,
      personId: world.ordinary.personId,
      color: 'orange',
      reason: '密接判定',
    });
    expect(set.ok).toBe(true);
    expect(position(world.ordinary.id).onDuty).toBeNull();
  });
});

describe('refusals at the gate (rule 18)', () => {
  let world: World;

  beforeAll(async () => {
    world = await buildWorld(cloud, INITIATOR, 'refusal');
    await onDuty(cloud, world.ordinary);
  });

  const refuse = (scanId: string, reason: string, extra: Record<string, unknown> = {}) =>
    api<{ scanId: string; duplicate: boolean }>('scan', world.ordinary.openid, {
      action: 'refusal',
      positionId: world.ordinary.id,
      scanId,
      reason,
      ...extra,
    });

  it('records a refusal exactly once per scanId, with no identity and no alert', async () => {
    const scanId = newScanId();
    expect((await refuse(scanId, 'refused_scan', { note: '拒绝出示' })).data).toEqual({
      scanId,
      duplicate: false,
    });
    expect((await refuse(scanId, 'refused_scan')).data).toEqual({ scanId, duplicate: true });
    expect(cloud.store.find('refusals', { _id: scanId }).docs).toHaveLength(1);
    const stored = cloud.store.get('refusals', scanId)!.doc;
    expect(stored).toMatchObject({ reason: 'refused_scan', note: '拒绝出示', positionId: world.ordinary.id });
    expect(Object.keys(stored)).not.toContain('person');
    expect(cloud.store.get('alerts', scanId)).toBeUndefined();
  });

  it('raises a forced_entry alert seen above the gate, naming nobody', async () => {
    const scanId = newScanId();
    expect((await refuse(scanId, 'forced_entry')).ok).toBe(true);
    const alert = cloud.store.get('alerts', scanId)!.doc as unknown as AlertDoc;
    expect(alert).toMatchObject({ kind: 'forced_entry' });
    const seen = await api<{ items: Array<Record<string, unknown>> }>('records', world.senior.openid, {
      action: 'alerts',
      actingPositionId: world.senior.id,
    });
    const item = seen.data!.items.find((a) => a.alertId === scanId)!;
    expect(item).toMatchObject({ kind: 'forced_entry', site: { id: world.siteId } });
    expect(item.person).toBeUndefined();
    expect(item.scanId).toBeUndefined();
  });

  it('counts refusals in stats, apart from the scans', async () => {
    const stats = await api<{ total: number; refusals: number }>('records', world.intermediate.openid, {
      action: 'stats',
      actingPositionId: world.intermediate.id,
      from: new Date(Date.now() - 3600_000).toISOString(),
      to: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(stats.data).toMatchObject({ total: 0, refusals: 2 });
    // the other senior's scope has none of them
    const other = await api<{ refusals: number }>('records', world.otherSenior.openid, {
      action: 'stats',
      actingPositionId: world.otherSenior.id,
      from: new Date(Date.now() - 3600_000).toISOString(),
      to: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(other.data?.refusals).toBe(0);
  });

  it('refuses a scanId already used by another position, or by a scan', async () => {
    const scanId = newScanId();
    await refuse(scanId, 'refused_scan');
    await onDuty(cloud, world.intermediate);
    const elsewhere = await api('scan', world.intermediate.openid, {
      action: 'refusal',
      positionId: world.intermediate.id,
      scanId,
      reason: 'refused_scan',
    });
    expect(elsewhere.error?.code).toBe('CONFLICT');
    const citizen = await citizenWithCode(cloud, 'refusal-citizen');
    const scanned = newScanId();
    await record(world.ordinary, {
      scanId: scanned,
      qr: citizen.qrAt(Date.now()),
      temperature: 36.5,
      location: CHANGCHUN,
    });
    expect((await refuse(scanned, 'refused_scan')).error?.code).toBe('CONFLICT');
  });

  it('names the bad field', async () => {
    const bad = await refuse(newScanId(), 'ran_away');
    expect(bad.error).toMatchObject({ code: 'BAD_REQUEST', fields: { reason: 'enum' } });
    const long = await refuse(newScanId(), 'refused_scan', { note: '很'.repeat(201) });
    expect(long.error).toMatchObject({ code: 'BAD_REQUEST', fields: { note: 'tooLong' } });
  });
});

describe('the end of the epidemic period (rule 3)', () => {
  it('collects no health data after JXM_EPIDEMIC_END: check-ins, codes, scans and refusals', async () => {
    const world = await buildWorld(cloud, INITIATOR, 'end');
    await onDuty(cloud, world.ordinary);
    const citizen = await citizenWithCode(cloud, 'end-citizen');
    const scanId = newScanId();
    // one second before the end everything works
    process.env.JXM_EPIDEMIC_END = new Date(Date.now() + 60_000).toISOString();
    expect((await api('citizen', citizen.openid, { action: 'code' })).ok).toBe(true);

    cloud.clock.set({ offsetMs: 61_000 });
    expect((await api('citizen', citizen.openid, { action: 'code' })).error?.code).toBe('EPIDEMIC_ENDED');
    expect(
      (await api('citizen', citizen.openid, { action: 'checkIn', symptoms: ['none'], contact: false })).error
        ?.code,
    ).toBe('EPIDEMIC_ENDED');
    const scan = await record(world.ordinary, {
      scanId,
      qr: citizen.qrAt(Date.now() + 61_000),
      temperature: 36.5,
      location: CHANGCHUN,
    });
    expect(scan.error?.code).toBe('EPIDEMIC_ENDED');
    expect(cloud.store.get('scans', scanId)).toBeUndefined();
    const refusal = await api('scan', world.ordinary.openid, {
      action: 'refusal',
      positionId: world.ordinary.id,
      scanId: newScanId(),
      reason: 'forced_entry',
    });
    expect(refusal.error?.code).toBe('EPIDEMIC_ENDED');
    // the profile still answers: a citizen can see where they stand
    expect((await api('citizen', citizen.openid, { action: 'profile' })).ok).toBe(true);
  });

  it('still answers a retried scan that was acknowledged before the end', async () => {
    const world = await buildWorld(cloud, INITIATOR, 'end-retry');
    await onDuty(cloud, world.ordinary);
    const citizen = await citizenWithCode(cloud, 'end-retry-citizen');
    const scanId = newScanId();
    const first = await record(world.ordinary, {
      scanId,
      qr: citizen.qrAt(Date.now()),
      temperature: 36.5,
      location: CHANGCHUN,
    });
    expect(first.ok).toBe(true);
    process.env.JXM_EPIDEMIC_END = new Date(Date.now() - 1000).toISOString();
    const retry = await record(world.ordinary, { scanId, qr: citizen.qrAt(Date.now()), temperature: 36.5 });
    expect(retry.data).toMatchObject({ duplicate: true });
  });
});
