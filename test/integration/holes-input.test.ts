/**
 * Input holes found by an attack on the HTTP API, closed and kept closed:
 *  - an absurd `/dev/clock` (offsetMs 1e300) hung the local cloud: every call INTERNAL, the timers spinning;
 *  - impossible dates (`2026-02-30`, `T24:00`, year 0000) were stored, rolled over into other days;
 *  - forged list cursors were accepted, and a cursor worked on another list, for another caller, with other filters.
 */
import { decodeCursor, encodeCursor } from '../../cloudfunctions/_server/db/paging';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { idNumberOf } from '../helpers/identities';
import { call, openLocalCloud } from '../helpers/local-cloud';
import { startLocalCloudProcess, stopLocalCloudProcess } from '../helpers/local-cloud-process';
import { buildWorld, citizenWithCode, newScanId, onDuty, type Scanner, type World } from '../helpers/world';

const INITIATOR = 'test-initiator';
const YEAR_MS = 365 * 24 * 3600_000;
const CURSOR_REFUSED = {
  code: 'BAD_REQUEST',
  message: '翻页标记无效，请从第一页重新查询',
  fields: { cursor: 'format' },
};

let cloud: LocalCloud;
let world: World;
let citizen: Awaited<ReturnType<typeof citizenWithCode>>;
let bystander: Awaited<ReturnType<typeof citizenWithCode>>;

async function post(url: string, body: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; error?: Record<string, unknown> } };
}

async function record(who: Scanner, whom = citizen) {
  const reply = await call(
    cloud,
    'scan',
    {
      action: 'record',
      positionId: who.id,
      scanId: newScanId(),
      qr: whom.qrAt(cloud.clock.nowMs()),
      temperature: 36.5,
    },
    who.openid,
  );
  expect(reply.body.ok).toBe(true);
}

interface Page {
  items: Array<{ scanId: string }>;
  next: string | null;
}

const records = (who: { id: string; openid: string }, body: Record<string, unknown>) =>
  call<Page>(cloud, 'records', { actingPositionId: who.id, ...body }, who.openid);

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  world = await buildWorld(cloud, INITIATOR, 'hin');
  citizen = await citizenWithCode(cloud, 'hin-citizen');
  bystander = await citizenWithCode(cloud, 'hin-bystander');
  await onDuty(cloud, world.ordinary);
  for (let i = 0; i < 5; i++) await record(world.ordinary);
});

afterAll(async () => {
  await cloud.close();
});

describe('the local cloud’s clock cannot be moved out of this world', () => {
  afterEach(() => cloud.clock.set({ offsetMs: 0 }));

  it('refuses an offset of 1e300 ms (and any beyond ±100 years or outside 1970–2100), keeping the clock', async () => {
    cloud.clock.set({ offsetMs: 60_000 });
    const refused: Array<[Record<string, unknown>, Record<string, string>]> = [
      [{ offsetMs: 1e300 }, { offsetMs: 'range' }],
      [{ offsetMs: -1e300 }, { offsetMs: 'range' }],
      [{ offsetMs: 101 * YEAR_MS }, { offsetMs: 'range' }],
      [{ offsetMs: -60 * YEAR_MS }, { offsetMs: 'range' }], // before 1970
      [{ now: '2101-01-01T00:00:00Z' }, { now: 'range' }],
      [{ now: '1969-12-31T23:59:59Z' }, { now: 'range' }],
      [{ now: '+275760-09-13T00:00:00Z' }, { now: 'format' }],
      [{ now: '2026-02-30T00:00:00Z' }, { now: 'format' }],
    ];
    for (const [setting, fields] of refused) {
      const reply = await post(`${cloud.url}/dev/clock`, setting);
      expect({ setting, status: reply.status, error: reply.body.error }).toMatchObject({
        setting,
        status: 400,
        error: { code: 'BAD_REQUEST', fields },
      });
    }
    expect(cloud.clock.offsetMs).toBe(60_000);

    // and the local cloud still answers, on its unchanged clock
    const health = await fetch(`${cloud.url}/health`, { signal: AbortSignal.timeout(5000) });
    expect(health.status).toBe(200);
    const history = await call<Page>(cloud, 'citizen', { action: 'history' }, citizen.openid);
    expect(history.body.ok).toBe(true);
    expect(history.body.data!.items).toHaveLength(5);
  });

  it('still takes the last second of 2100 and a jump of five years', async () => {
    expect((await post(`${cloud.url}/dev/clock`, { now: '2100-12-31T23:59:59Z' })).status).toBe(200);
    expect(cloud.clock.now().getUTCFullYear()).toBe(2100);
    expect((await post(`${cloud.url}/dev/clock`, { offsetMs: 5 * YEAR_MS })).status).toBe(200);
    const profile = await call(cloud, 'citizen', { action: 'profile' }, citizen.openid);
    expect(profile.body.ok).toBe(true);
  });

  it('keeps a running local cloud (timers on) answering after 1e300 and after a jump of five years', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jxm-clock-'));
    let child: ChildProcess | undefined;
    try {
      const started = await startLocalCloudProcess({
        JXM_PORT: '0',
        JXM_DATA_DIR: dataDir,
        JXM_TIMERS: 'on',
        JXM_BOOTSTRAP_OPENID: INITIATOR,
      });
      child = started.child;
      const absurd = await post(`${started.url}/dev/clock`, { offsetMs: 1e300 });
      expect(absurd.status).toBe(400);
      await new Promise((resolve) => setTimeout(resolve, 600)); // a few timer ticks
      expect((await fetch(`${started.url}/health`, { signal: AbortSignal.timeout(3000) })).status).toBe(200);

      const jump = await post(`${started.url}/dev/clock`, { offsetMs: 5 * YEAR_MS });
      expect(jump.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the timers catch up (at most two minutes)
      const began = Date.now();
      expect((await fetch(`${started.url}/health`, { signal: AbortSignal.timeout(3000) })).status).toBe(200);
      const roles = await fetch(`${started.url}/api/scan`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': INITIATOR },
        body: JSON.stringify({ action: 'roles' }),
        signal: AbortSignal.timeout(3000),
      });
      expect(((await roles.json()) as { ok: boolean }).ok).toBe(true);
      expect(Date.now() - began).toBeLessThan(2000);

      // SIGTERM still stops it
      await stopLocalCloudProcess(child, 'SIGTERM');
      child = undefined;
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps the timer loop from spinning on a clock no date can show, and fires again after a jump back', async () => {
    // the scheduler alone, on a clock moved behind the HTTP face's back, in a worker that can be stopped
    const dir = mkdtempSync(join(tmpdir(), 'jxm-timers-'));
    const bundle = join(dir, 'timers.js');
    buildSync({
      entryPoints: [join(__dirname, '..', '..', 'tools', 'local-cloud', 'timers.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'silent',
    });
    const script = `
      const { parentPort } = require('node:worker_threads');
      const { TimerScheduler } = require(${JSON.stringify(bundle)});
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      const minute = (ms) => Math.floor(ms / 60000) * 60000;
      let now = minute(Date.UTC(2026, 0, 1)) + 30000;
      const fired = [];
      const s = new TimerScheduler(
        [{ functionName: 'cron', name: 'everyMinute', cron: '0 * * * * * *' }],
        () => now,
        async () => { fired.push(now); },
      );
      (async () => {
        s.start();
        await sleep(400);
        now = 1e300;
        await sleep(800);
        const afterAbsurd = fired.length;
        now = minute(Date.UTC(2031, 0, 1)) + 500; // five years on, just past a minute
        await sleep(800);
        const afterJump = fired.length;
        now = minute(Date.UTC(2026, 0, 1)) + 59500; // back again, half a second before a minute …
        await sleep(800);
        now += 1000; // … and on past it
        await sleep(800);
        s.stop();
        parentPort.postMessage({ afterAbsurd, afterJump, afterBack: fired.length });
      })();
    `;
    const worker = new Worker(script, { eval: true });
    try {
      const result = await new Promise<Record<string, number>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the timer loop did not come back')), 10_000);
        worker.once('message', (m: Record<string, number>) => {
          clearTimeout(timer);
          resolve(m);
        });
        worker.once('error', reject);
      });
      expect(result).toEqual({ afterAbsurd: 0, afterJump: 1, afterBack: 2 });
    } finally {
      await worker.terminate();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('impossible dates are refused, not rolled over', () => {
  it('refuses a risk list with quarantineUntil 2026-02-30 and writes nothing of it', async () => {
    const flagsBefore = cloud.store.count('risk_flags');
    const auditBefore = cloud.store.count('audit');
    const reply = await call(
      cloud,
      'health',
      {
        action: 'importRiskList',
        actingPositionId: INITIATOR_POSITION_ID,
        source: '省卫健委',
        rows: [
          { idNumber: idNumberOf(1), status: 'quarantine', quarantineUntil: '2026-02-30T00:00:00+08:00' },
          { idNumber: idNumberOf(2), status: 'quarantine', quarantineUntil: '0000-03-01T00:00:00Z' },
          { idNumber: idNumberOf(3), status: 'quarantine', quarantineUntil: '2026-03-01T00:00:00+08:00' },
        ],
      },
      INITIATOR,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { 'rows.0.quarantineUntil': 'format', 'rows.1.quarantineUntil': 'range' },
    });
    expect(Object.keys(reply.body.error!.fields!)).toHaveLength(2);
    expect(cloud.store.count('risk_flags')).toBe(flagsBefore);
    expect(cloud.store.count('audit')).toBe(auditBefore);
  });

  it('refuses statistics up to T24:00, or from before 1970', async () => {
    const stats = (from: string, to: string) =>
      records(world.senior, { action: 'stats', from, to }).then((r) => r.body.error);
    expect(await stats('2026-03-01T00:00:00+08:00', '2026-03-01T24:00:00+08:00')).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { to: 'format' },
    });
    expect(await stats('1969-12-31T00:00:00Z', '2026-03-01T00:00:00Z')).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { from: 'range' },
    });
    expect(await stats('2026-03-01T00:00:00+08:00', '2026-03-01T23:59:59+08:00')).toBeUndefined();
  });
});

describe('list cursors are the server’s own, for one list, one caller and one set of filters', () => {
  const firstPage = async (body: Record<string, unknown> = {}) => {
    const reply = await records(world.senior, { action: 'scans', limit: 2, ...body });
    expect(reply.body.ok).toBe(true);
    expect(reply.body.data!.next).toEqual(expect.any(String));
    return reply.body.data!.next!;
  };

  it('refuses a forged cursor like {"at":1e300}', async () => {
    const forged = Buffer.from('{"at":1e300,"ids":[]}').toString('base64url');
    for (const cursor of [forged, `${forged}.${'A'.repeat(22)}`, 'not-a-cursor']) {
      const reply = await records(world.senior, { action: 'scans', cursor });
      expect(reply.body.error).toEqual(CURSOR_REFUSED);
    }
  });

  it('refuses a genuine cursor that was altered', async () => {
    const cursor = await firstPage();
    const [payload, mac] = cursor.split('.');
    const moved = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { at: number };
    moved.at += 3600_000;
    const repacked = `${Buffer.from(JSON.stringify(moved)).toString('base64url')}.${mac}`;
    const flipped = `${payload}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    // and the genuine text with anything around it: only the whole text the server issued is a cursor
    for (const bad of [repacked, flipped, `!${cursor}`, `${cursor}!`, `${cursor}.${mac}`]) {
      expect((await records(world.senior, { action: 'scans', cursor: bad })).body.error).toEqual(
        CURSOR_REFUSED,
      );
    }
  });

  it('refuses a cursor of records.scans from another caller, on records.alerts, or with another colour', async () => {
    const cursor = await firstPage();
    const elsewhere = [
      records(world.otherSenior, { action: 'scans', cursor }),
      records(world.intermediate, { action: 'scans', cursor }),
      records(world.senior, { action: 'alerts', cursor }),
      records(world.senior, { action: 'scans', color: 'green', cursor }),
      records(world.senior, { action: 'scans', from: '2020-01-01T00:00:00Z', cursor }),
      call(cloud, 'citizen', { action: 'history', cursor }, citizen.openid),
      call(
        cloud,
        'org',
        { action: 'subordinates', actingPositionId: world.senior.id, cursor },
        world.senior.openid,
      ),
    ];
    for (const reply of await Promise.all(elsewhere)) expect(reply.body.error).toEqual(CURSOR_REFUSED);

    const green = await firstPage({ color: 'green' });
    expect((await records(world.senior, { action: 'scans', cursor: green })).body.error).toEqual(
      CURSOR_REFUSED,
    );
  });

  it('refuses one citizen’s history cursor to another citizen', async () => {
    const first = await call<Page>(cloud, 'citizen', { action: 'history', limit: 2 }, citizen.openid);
    const cursor = first.body.data!.next!;
    expect(cursor).toEqual(expect.any(String));
    const other = await call(cloud, 'citizen', { action: 'history', cursor }, bystander.openid);
    expect(other.body.error).toEqual(CURSOR_REFUSED);
  });

  it('still pages with a genuine cursor: every scan once, with the same filters and any limit', async () => {
    const all = (await records(world.senior, { action: 'scans', limit: 100 })).body.data!.items.map(
      (i) => i.scanId,
    );
    expect(all).toHaveLength(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    let limit = 1;
    do {
      const reply: Awaited<ReturnType<typeof records>> = await records(world.senior, {
        action: 'scans',
        color: 'green',
        limit,
        ...(cursor ? { cursor } : {}),
      });
      expect(reply.body.ok).toBe(true);
      seen.push(...reply.body.data!.items.map((i) => i.scanId));
      cursor = reply.body.data!.next;
      expect(cursor === null || cursor.length < 20_000).toBe(true);
      limit = 2; // the page size may change between pages; the filters may not
    } while (cursor);
    expect(seen).toEqual(all);
  });
});

describe('a cursor differing only in the unused bits of its last character', () => {
  it('is refused: only the text the server issued is a cursor', async () => {
    const keys = { indexKey: Buffer.alloc(32, 7) } as unknown as Parameters<typeof encodeCursor>[0];
    const scope = { openid: 'a', list: 'records.scans', filter: {}, params: {} };
    const issued = encodeCursor(keys, scope, { at: 1_700_000_000_000, ids: [] });
    expect(decodeCursor(keys, scope, issued)).toEqual({ at: 1_700_000_000_000, ids: [] });
    // 16 bytes are 22 base64url characters whose last carries 4 unused bits: flip the lowest
    const last = issued.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = issued.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    expect(() => decodeCursor(keys, scope, twin)).toThrow();
  });
});
