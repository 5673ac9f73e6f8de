/**
 * Database round trips per action (DESIGN.md section 5): in WeChat Cloud every database call crosses the network
 * (5–20 ms) and counts against the environment's quota. Each action here runs through the real SDK and the bundled
 * function, and the local cloud's wire meter counts its operations (a transaction's begin and commit included) and
 * its sequential stages (reads sent together are one stage). The budgets are the most each action may take: a
 * change that adds a trip fails here. Every guarantee is kept (exactly once per scanId, the scan and its alert
 * together); the tests that pin those are elsewhere — this file pins the cost.
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { tripDelayFromEnv, type LocalCloud } from '../../tools/local-cloud/local-cloud';
import type { TripCount } from '../../tools/local-cloud/wire-meter';
import { idNumberOf, personOf } from '../helpers/identities';
import { report } from '../helpers/report';
import { openLocalCloud, withTripDelay } from '../helpers/local-cloud';
import {
  CHANGCHUN,
  buildWorld,
  citizenWithCode,
  newScanId,
  onDuty,
  register,
  type World,
} from '../helpers/world';

const INITIATOR = 'trips-initiator';
let cloud: LocalCloud;
let world: World;

type Envelope<T> = { ok: boolean; data?: T; error?: { code: string } };

/** One call of a function as a phone makes it, and what it cost in round trips. */
async function measured<T = Record<string, unknown>>(
  fn: string,
  body: Record<string, unknown>,
  openid: string | null,
): Promise<{ data: T; count: TripCount }> {
  const { result, count } = await cloud.meter.measure(
    () => cloud.functions.invoke(fn, body, { openid }) as Promise<Envelope<T>>,
  );
  if (!result.ok) throw new Error(`${fn}.${String(body.action)}: ${JSON.stringify(result.error)}`);
  return { data: result.data as T, count };
}

const record = (who: { id: string; openid: string }, body: Record<string, unknown>) =>
  measured<{ color: string; duplicate: boolean; decision: string }>(
    'scan',
    { action: 'record', scanId: newScanId(), positionId: who.id, location: CHANGCHUN, ...body },
    who.openid,
  );

const shape = (c: TripCount) => c.trips.map((t) => `${t.stage}:${t.action}:${t.collection ?? ''}`).join(' ');

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  world = await buildWorld(cloud, INITIATOR, 'trips');
  await onDuty(cloud, world.ordinary);
  // the scanner's activity mark and last fix are written at most every 10 minutes / every minute: the first scan
  // writes them, the budgets are for the scans that follow, as at a gate
  const warm = await citizenWithCode(cloud, 'trips-warm');
  await record(world.ordinary, { qr: warm.qrAt(Date.now()), temperature: 36.5 });
});

afterAll(async () => {
  await cloud.close();
});

describe('scan.record', () => {
  it('a green code at a normal temperature: 2 stages, 4 operations (position, person, the code’s scans; insert)', async () => {
    const c = await citizenWithCode(cloud, 'trips-green');
    const { data, count } = await record(world.ordinary, { qr: c.qrAt(Date.now()), temperature: 36.5 });
    expect(data).toMatchObject({ color: 'green', decision: 'allow' });
    expect(count.stages).toBeLessThanOrEqual(2);
    expect(count.operations).toBeLessThanOrEqual(4);
    expect(count.trips.filter((t) => t.action === 'insertDocument').map((t) => t.collection)).toEqual([
      'scans',
    ]);
    budget('scan.record green', count);
  });

  it('a fever turning a green code yellow: ≤ 12 operations, the push after the commit counted apart', async () => {
    const c = await citizenWithCode(cloud, 'trips-fever');
    const { data, count } = await record(world.ordinary, { qr: c.qrAt(Date.now()), temperature: 38.2 });
    expect(data).toMatchObject({ color: 'yellow', decision: 'deny' });
    expect(count.operations).toBeLessThanOrEqual(12);
    // the scan, its alert, the alert's push row and the person's change commit together
    const committed = count.trips.filter((t) => t.transaction && t.action === 'insertDocument');
    expect(committed.map((t) => t.collection).sort()).toEqual([
      'alerts',
      'code_events',
      'push_outbox',
      'scans',
    ]);
    budget('scan.record fever', count);
  });

  it('a normal temperature turning a yellow code green: ≤ 12 operations', async () => {
    const c = await citizenWithCode(cloud, 'trips-recovery');
    await record(world.ordinary, { qr: c.qrAt(Date.now()), temperature: 38.2 });
    const { data, count } = await record(world.ordinary, {
      qr: c.qrAt(Date.now() + 31_000),
      temperature: 36.4,
    });
    expect(data.color).toBe('green');
    expect(count.operations).toBeLessThanOrEqual(12);
    budget('scan.record recovery', count);
  });

  it('a retried scanId: one stage, nothing written', async () => {
    const c = await citizenWithCode(cloud, 'trips-retry');
    const body = {
      scanId: newScanId(),
      qr: c.qrAt(Date.now()),
      temperature: 36.5,
      scannedAt: new Date().toISOString(),
    };
    await record(world.ordinary, body);
    const { data, count } = await record(world.ordinary, body);
    expect(data.duplicate).toBe(true);
    expect(count.stages).toBe(1);
    // the position, the person and the code's scans, sent together: the retry is found among the code's scans
    expect(count.operations).toBeLessThanOrEqual(3);
    expect(count.trips.every((t) => t.action === 'getDocument')).toBe(true);
    budget('scan.record duplicate', count);
  });

  it('a retried no-code registration: 2 operations (the scanId and the position), nothing written', async () => {
    const body = { scanId: newScanId(), guest: { category: 'elderly', name: '王秀英' }, temperature: 36.5 };
    await record(world.ordinary, body);
    const { data, count } = await record(world.ordinary, body);
    expect(data.duplicate).toBe(true);
    expect(count.operations).toBeLessThanOrEqual(2);
    budget('scan.record duplicate no-code', count);
  });

  it('a no-code person: 2 stages, 3 operations', async () => {
    const { data, count } = await record(world.ordinary, {
      guest: { category: 'elderly', name: '李桂芳' },
      temperature: 36.5,
    });
    expect(data.color).toBe('bw');
    expect(count.stages).toBeLessThanOrEqual(2);
    expect(count.operations).toBeLessThanOrEqual(3);
    budget('scan.record no-code', count);
  });

  it('a late offline sync that changes nothing: as a green scan (a later reading is looked up only for a change)', async () => {
    const c = await citizenWithCode(cloud, 'trips-late');
    // synced ten minutes on, taken five minutes on: inside the duty session that began before
    cloud.clock.set({ offsetMs: 10 * 60_000 });
    const at = Date.now() + 5 * 60_000;
    const { data, count } = await record(world.ordinary, {
      qr: c.qrAt(at),
      temperature: 36.5,
      scannedAt: new Date(at).toISOString(),
    }).finally(() => cloud.clock.set({ offsetMs: 0 }));
    expect(data.decision).toBe('allow');
    expect(count.stages).toBeLessThanOrEqual(2);
    expect(count.operations).toBeLessThanOrEqual(4);
    budget('scan.record late sync', count);
  });

  it('a JXM2 code with its signed pass: as a green JXM1 scan', async () => {
    const c = await citizenWithCode(cloud, 'trips-pass');
    const { data, count } = await record(world.ordinary, { qr: c.passQrAt(Date.now()), temperature: 36.5 });
    expect(data.decision).toBe('allow');
    expect(count.stages).toBeLessThanOrEqual(2);
    expect(count.operations).toBeLessThanOrEqual(4);
    budget('scan.record JXM2', count);
  });
});

describe('citizen', () => {
  it('code: ≤ 2 stages', async () => {
    const c = await citizenWithCode(cloud, 'trips-code');
    const { data, count } = await measured<{ codeId: string }>('citizen', { action: 'code' }, c.openid);
    expect(data.codeId).toBe(c.codeId);
    expect(count.stages).toBeLessThanOrEqual(2);
    budget('citizen.code', count);
  });

  it('register: the three reads together, then the person and its first color event in one transaction', async () => {
    const identity = personOf(9101);
    const { count } = await measured('citizen', { action: 'register', ...identity }, 'trips-register');
    budget('citizen.register', count);
    expect(count.stages).toBeLessThanOrEqual(5);
  });
});

describe('org.claim', () => {
  it('≤ 4 stages', async () => {
    const holder = await register(cloud, 'trips-claimer');
    const created = await measured<{ inviteCode: string }>(
      'org',
      {
        action: 'createPosition',
        actingPositionId: world.intermediate.id,
        siteId: world.siteId,
        role: 'ordinary',
        holderName: holder.name,
        holderPhone: holder.phone,
      },
      world.intermediate.openid,
    );
    const { count } = await measured(
      'org',
      { action: 'claim', inviteCode: created.data.inviteCode },
      'trips-claimer',
    );
    expect(count.stages).toBeLessThanOrEqual(4);
    budget('org.claim', count);
  });
});

describe('records', () => {
  it('a page of records.scans: 1 stage, nothing written while the activity mark is fresh', async () => {
    const { count } = await measured(
      'records',
      { action: 'scans', actingPositionId: world.ordinary.id },
      world.ordinary.openid,
    );
    expect(count.stages).toBe(1);
    expect(count.trips.every((t) => t.action === 'getDocument')).toBe(true);
    budget('records.scans', count);
  });

  it('a page of records.alerts: 1 stage', async () => {
    const { count } = await measured(
      'records',
      { action: 'alerts', actingPositionId: world.senior.id },
      world.senior.openid,
    );
    expect(count.stages).toBe(1);
    budget('records.alerts', count);
  });
});

describe('health.importRiskList', () => {
  it('1,000 rows: ≤ 1 query per 100 rows, each changed person one small transaction, several at a time', async () => {
    const known = await Promise.all(
      Array.from({ length: 20 }, (_, i) => register(cloud, `trips-listed-${i}`)),
    );
    const rows = [
      ...known.map((p) => ({
        idNumber: p.idNumber,
        status: 'close_contact',
        quarantineUntil: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      })),
      ...Array.from({ length: 1000 - known.length }, (_, i) => ({
        idNumber: idNumberOf(i, '19800101', '220103'),
        status: 'confirmed',
      })),
    ];
    const { data, count } = await measured<{ matched: number; updated: number; unknown: number }>(
      'health',
      { action: 'importRiskList', actingPositionId: INITIATOR_POSITION_ID, source: '省疾控', rows },
      INITIATOR,
    );
    expect(data).toEqual({ matched: 20, updated: 20, unknown: 980 });
    const queries = count.trips.filter((t) => t.action === 'getDocument' && !t.transaction);
    budget('health.importRiskList 1,000 rows', count);
    // the acting position, then the flags and the persons of each 500 rows
    expect(queries.length).toBeLessThanOrEqual(1 + 1000 / 100);
    // each changed person: begin, read, update, color event, commit — 10 at a time
    const transactions = count.trips.filter((t) => t.action === 'startTransaction').length;
    expect(transactions).toBe(20);
    // the acting position; two batches of reads; two rounds of ten transactions; the flags with the audit row
    expect(count.stages).toBeLessThanOrEqual(1 + 2 + Math.ceil(20 / 10) * 5 + 1);
  });
});

describe('the simulated network (JXM_DB_TRIP_DELAY_MS)', () => {
  it('adds its delay to every round trip: a green scan waits at least its two stages', async () => {
    const c = await citizenWithCode(cloud, 'trips-delayed');
    const started = Date.now();
    const { count } = await withTripDelay(cloud, 40, () =>
      record(world.ordinary, { qr: c.qrAt(Date.now()), temperature: 36.5 }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(count.stages * 40);
    expect(count.stages).toBe(2);
  });

  it('is read from the environment as whole milliseconds up to a second, else off', () => {
    expect(tripDelayFromEnv('10')).toBe(10);
    expect(tripDelayFromEnv(' 20 ')).toBe(20);
    expect(tripDelayFromEnv('1000')).toBe(1000);
    expect(tripDelayFromEnv('1001')).toBe(0);
    expect(tripDelayFromEnv('-5')).toBe(0);
    expect(tripDelayFromEnv('2.5')).toBe(0);
    expect(tripDelayFromEnv('ten')).toBe(0);
    expect(tripDelayFromEnv(undefined)).toBe(0);
  });
});

/** Prints the measured figure beside the test's name (visible with the tests' output). */
function budget(label: string, count: TripCount): void {
  report(
    `${label}: ${count.operations} operations in ${count.stages} stages` +
      (count.sendingOperations ? ` (+${count.sendingOperations} sending the message)` : '') +
      ` — ${shape(count)}`,
  );
}
