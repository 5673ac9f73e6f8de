/**
 * The signed pass through the local cloud (API.md 2.3, rule 16): `citizen.code` signs one, `scan.keys` publishes
 * the key it verifies under, `scan.record` takes JXM2 (checked, bound to its codeId, the color its own), stores
 * what the scanner decided offline, and raises `stale_pass` where a scan allowed offline let through someone who
 * was neither green nor bw then — and nowhere else; queued scans count once.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertDoc, ScanDoc } from '../../cloudfunctions/_server/db/documents';
import { newPassKeyPair, sm2Verify } from '../../cloudfunctions/_server/privacy/pass';
import {
  checkPass,
  decodePassPayload,
  parsePass,
  parseScannedCode,
  type PassKey,
} from '../../miniprogram/core/signed-pass';
import { encodePassPayload } from '../../miniprogram/core/signed-pass.issue';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call, openLocalCloud } from '../helpers/local-cloud';
import { CHANGCHUN, buildWorld, citizenWithCode, newScanId, onDuty, type World } from '../helpers/world';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const INITIATOR = 'pass-initiator';
const MINUTE = 60_000;
let cloud: LocalCloud;
let world: World;
let dataDir: string;

type RecordReply = { scanId: string; duplicate: boolean; color: string; decision: string };

/** A scan as the scan page sends it: with the live location (a late sync's is stored, not checked). */
const recordAs = (who: { id: string; openid: string }, body: Record<string, unknown>) =>
  call<RecordReply>(
    cloud,
    'scan',
    { action: 'record', positionId: who.id, scanId: newScanId(), location: CHANGCHUN, ...body },
    who.openid,
  );
const stored = (scanId: string) => cloud.store.get('scans', scanId)?.doc as unknown as ScanDoc | undefined;
const alertsOf = (scanId: string) => cloud.store.find('alerts', { scanId }).docs as unknown as AlertDoc[];
const keysFor = async (openid: string) =>
  (await call<{ keys: PassKey[] }>(cloud, 'scan', { action: 'keys' }, openid)).body;
const setColor = (personId: string, color: 'green' | 'yellow' | 'orange' | 'red') =>
  call(
    cloud,
    'health',
    { action: 'setColor', actingPositionId: world.initiator.id, personId, color, reason: '省指挥部研判' },
    INITIATOR,
  );

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jxm-pass-'));
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR, dataDir });
  world = await buildWorld(cloud, INITIATOR, 'pass');
  await onDuty(cloud, world.ordinary);
  await onDuty(cloud, world.intermediate);
});

afterAll(async () => {
  await cloud.close();
});

afterEach(() => {
  cloud.clock.set({ offsetMs: 0 });
  cloud.faults.set('national', 'up');
  delete process.env.JXM_PASS_PREVIOUS;
  delete process.env.JXM_PASS_TTL_HOURS;
});

describe('citizen.code signs a pass; scan.keys publishes its key', () => {
  it('should sign the color, codeId and masked name for 24 hours under the local key (0600)', async () => {
    const c = await citizenWithCode(cloud, 'pass-green');
    const pass = parsePass(c.pass)!;
    expect(pass.claims).toMatchObject({
      v: 1,
      kid: process.env.JXM_PASS_KID,
      codeId: c.codeId,
      color: 'green',
      name: c.name[0] + '*'.repeat(c.name.length - 1),
    });
    expect(pass.claims.exp - pass.claims.iat).toBe(24 * 3600);
    expect(Math.abs(pass.claims.iat * 1000 - Date.now())).toBeLessThan(10_000);
    // the key is the local cloud's own, made at its first start, readable by its owner alone
    const file = join(dataDir, 'keys', 'pass-key.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // any caller, registered or not, gets the public key it verifies under
    const reply = await keysFor('someone-unregistered');
    expect(reply.ok).toBe(true);
    expect(reply.data!.keys).toHaveLength(1);
    const [key] = reply.data!.keys;
    expect(key).toMatchObject({ kid: pass.claims.kid, alg: 'SM2' });
    expect(key.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(Date.parse(key.notAfter)).toBeGreaterThan(Date.now());
    expect(sm2Verify(pass.payload, pass.signatureHex, key.publicKey)).toBe(true);
    // a new fetch, a new signature
    const again = await call<{ pass: string }>(cloud, 'citizen', { action: 'code' }, 'pass-green');
    expect(again.body.data!.pass).not.toBe(c.pass);
  });

  it('should sign the color the person has, and follow the configured lifetime', async () => {
    const c = await citizenWithCode(cloud, 'pass-orange');
    await setColor(c.personId, 'orange');
    process.env.JXM_PASS_TTL_HOURS = '6';
    const reply = await call<{ pass: string; color: string }>(cloud, 'citizen', { action: 'code' }, c.openid);
    const claims = parsePass(reply.body.data!.pass)!.claims;
    expect(claims.color).toBe('orange');
    expect(claims.exp - claims.iat).toBe(6 * 3600);
  });

  it('should publish the previous key next to the current one until its end', async () => {
    const other = newPassKeyPair().publicKey;
    process.env.JXM_PASS_PREVIOUS = JSON.stringify({
      kid: 'p-old',
      publicKey: other,
      notBefore: '2020-01-01T00:00:00Z',
      notAfter: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect((await keysFor('x')).data!.keys.map((k) => k.kid)).toEqual([process.env.JXM_PASS_KID, 'p-old']);
    cloud.clock.set({ offsetMs: 2 * 3600_000 });
    expect((await keysFor('x')).data!.keys.map((k) => k.kid)).toEqual([process.env.JXM_PASS_KID]);
  });
});

describe('scan.record takes JXM2', () => {
  it('should check the pass and decide by the server’s color, not the pass’s', async () => {
    const c = await citizenWithCode(cloud, 'pass-online');
    const qr = c.passQrAt(Date.now());
    expect(qr.length).toBeGreaterThan(120);
    const green = await recordAs(world.ordinary, { qr, temperature: 36.5 });
    expect(green.body.data).toMatchObject({ decision: 'allow', color: 'green' });
    expect(stored(green.body.data!.scanId)!.qr).toMatchObject({
      codeId: c.codeId,
      pass: { kid: process.env.JXM_PASS_KID, color: 'green' },
    });
    expect(stored(green.body.data!.scanId)!.offline).toBeUndefined();
    // the province turns the person red: the green pass they still hold does not let them through online
    await setColor(c.personId, 'red');
    const red = await recordAs(world.ordinary, { qr: c.passQrAt(Date.now()), temperature: 36.5 });
    expect(red.body.data).toMatchObject({ decision: 'deny', color: 'red' });
    expect(alertsOf(red.body.data!.scanId).map((a) => a.kind)).toEqual(['color']);
  });

  it('should refuse a forged pass, another code’s pass and an unknown key as QR_INVALID, recording nothing', async () => {
    const c = await citizenWithCode(cloud, 'pass-forged');
    const other = await citizenWithCode(cloud, 'pass-someone-else');
    const [payload, signature] = c.pass.split('.');
    const claims = decodePassPayload(payload)!;
    const forgeries = [
      // the color changed, the signature kept
      `${encodePassPayload({ ...claims, color: 'red' })}.${signature}`,
      // a key nobody published
      `${encodePassPayload({ ...claims, kid: 'nobody' })}.${signature}`,
      // someone else's genuine pass on this code
      other.pass,
    ];
    for (const pass of forgeries) {
      const before = cloud.store.count('scans');
      const reply = await recordAs(world.ordinary, { qr: c.passQrAt(Date.now(), pass), temperature: 36.5 });
      expect(reply.body.error?.code).toBe('QR_INVALID');
      expect(cloud.store.count('scans')).toBe(before);
    }
    // a QR over 512 characters is no QR the contract takes
    const long = await recordAs(world.ordinary, { qr: 'J'.repeat(513), temperature: 36.5 });
    expect(long.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { qr: 'tooLong' } });
  });

  it('should refuse an offline decision of another shape', async () => {
    const c = await citizenWithCode(cloud, 'pass-shape');
    for (const offline of [
      { decision: 'maybe' },
      { decision: 'deny', reason: 'tired' },
      { decision: 'allow', x: 1 },
    ]) {
      const reply = await recordAs(world.ordinary, {
        qr: c.passQrAt(Date.now()),
        temperature: 36.5,
        offline,
      });
      expect(reply.body.error?.code).toBe('BAD_REQUEST');
    }
  });
});

describe('scans decided offline, synced later', () => {
  it('should store the decision, and count a queued scan exactly once however often it is sent', async () => {
    const c = await citizenWithCode(cloud, 'pass-queue');
    const takenAt = new Date(Date.now() + MINUTE);
    const body = {
      positionId: world.ordinary.id,
      scanId: newScanId(),
      qr: c.passQrAt(takenAt.getTime()),
      temperature: 36.4,
      scannedAt: takenAt.toISOString(),
      offline: { decision: 'allow' },
    };
    cloud.clock.set({ offsetMs: 20 * MINUTE });
    const first = await call<RecordReply>(
      cloud,
      'scan',
      { action: 'record', ...body },
      world.ordinary.openid,
    );
    const again = await call<RecordReply>(
      cloud,
      'scan',
      { action: 'record', ...body },
      world.ordinary.openid,
    );
    expect(first.body.data).toMatchObject({ duplicate: false, decision: 'allow' });
    expect(again.body.data).toMatchObject({ duplicate: true, decision: 'allow' });
    expect(cloud.store.find('scans', { _id: body.scanId }).docs).toHaveLength(1);
    expect(stored(body.scanId)).toMatchObject({ offline: { decision: 'allow', reason: null } });
    expect(alertsOf(body.scanId)).toEqual([]);
  });

  it('should raise stale_pass, once, for a person let through offline after turning red (late sync)', async () => {
    const c = await citizenWithCode(cloud, 'pass-stale');
    const qrWhileGreen = c.pass;
    // the province turns them red; their phone still holds the green pass, and a gate without network admits it
    await setColor(c.personId, 'red');
    const takenAt = new Date(Date.now() + MINUTE);
    const body = {
      positionId: world.ordinary.id,
      scanId: newScanId(),
      qr: c.passQrAt(takenAt.getTime(), qrWhileGreen),
      temperature: 36.5,
      scannedAt: takenAt.toISOString(),
      offline: { decision: 'allow' },
    };
    cloud.clock.set({ offsetMs: 3 * 3600_000 });
    const synced = await call<RecordReply>(
      cloud,
      'scan',
      { action: 'record', ...body },
      world.ordinary.openid,
    );
    expect(synced.body.data).toMatchObject({ decision: 'deny', color: 'red' });
    await call(cloud, 'scan', { action: 'record', ...body }, world.ordinary.openid);
    const alerts = alertsOf(body.scanId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'stale_pass', color: 'red', status: 'open' });
    expect(alerts[0].scopeAncestors).toContain(world.senior.id);
    expect(stored(body.scanId)).toMatchObject({
      stalePass: { color: 'red' },
      offline: { decision: 'allow' },
    });
    // its push went to the outbox with the alert
    expect(cloud.store.get('push_outbox', body.scanId)).toBeDefined();
  });

  it('should raise stale_pass for a scan synced at once too, ahead of a fever', async () => {
    const c = await citizenWithCode(cloud, 'pass-stale-now');
    const pass = c.pass;
    await setColor(c.personId, 'orange');
    const reply = await recordAs(world.ordinary, {
      qr: c.passQrAt(Date.now(), pass),
      temperature: 38.2,
      offline: { decision: 'allow' },
    });
    expect(reply.body.data).toMatchObject({ decision: 'deny' });
    expect(alertsOf(reply.body.data!.scanId).map((a) => [a.kind, a.color])).toEqual([
      ['stale_pass', 'orange'],
    ]);
  });

  it('should not raise stale_pass for a person green when scanned, though red before the sync', async () => {
    const c = await citizenWithCode(cloud, 'pass-green-then');
    const takenAt = new Date(Date.now() + MINUTE);
    const qr = c.passQrAt(takenAt.getTime());
    cloud.clock.set({ offsetMs: 30 * MINUTE });
    await setColor(c.personId, 'red');
    cloud.clock.set({ offsetMs: 60 * MINUTE });
    const reply = await recordAs(world.ordinary, {
      qr,
      temperature: 36.5,
      scannedAt: takenAt.toISOString(),
      offline: { decision: 'allow' },
    });
    expect(reply.body.error).toBeUndefined();
    const scanId = reply.body.data!.scanId;
    expect(stored(scanId)!.stalePass).toBeUndefined();
    expect(alertsOf(scanId).map((a) => a.kind)).not.toContain('stale_pass');
  });

  it('should not raise stale_pass for a refusal offline, a bw pass, a no-code person or a JXM1 code', async () => {
    const red = await citizenWithCode(cloud, 'pass-denied');
    await setColor(red.personId, 'red');
    const denied = await recordAs(world.ordinary, {
      qr: red.passQrAt(Date.now()),
      temperature: 36.5,
      offline: { decision: 'deny', reason: 'not_green' },
    });
    expect(stored(denied.body.data!.scanId)).toMatchObject({
      offline: { decision: 'deny', reason: 'not_green' },
    });
    expect(alertsOf(denied.body.data!.scanId).map((a) => a.kind)).toEqual(['color']);

    // bw: identity known, health not verified — admitted offline below 37.3 °C as online, no alert
    cloud.faults.set('national', 'down');
    const bw = await citizenWithCode(cloud, 'pass-bw');
    expect(parsePass(bw.pass)!.claims.color).toBe('bw');
    const bwScan = await recordAs(world.ordinary, {
      qr: bw.passQrAt(Date.now()),
      temperature: 36.5,
      offline: { decision: 'allow' },
    });
    expect(bwScan.body.data).toMatchObject({ decision: 'allow', color: 'bw' });
    expect(alertsOf(bwScan.body.data!.scanId)).toEqual([]);

    const guest = await recordAs(world.ordinary, {
      guest: { name: '周玉兰', category: 'elderly' },
      temperature: 36.5,
      offline: { decision: 'allow' },
    });
    expect(stored(guest.body.data!.scanId)).toMatchObject({ color: 'bw', offline: { decision: 'allow' } });
    expect(alertsOf(guest.body.data!.scanId)).toEqual([]);

    // a JXM1 code carries no pass: an "allow" on it is no admission on a pass
    const jxm1 = await recordAs(world.ordinary, {
      qr: red.qrAt(Date.now()),
      temperature: 36.5,
      offline: { decision: 'allow' },
    });
    expect(alertsOf(jxm1.body.data!.scanId).map((a) => a.kind)).toEqual(['color']);
  });
});

describe('the pass the scanner checks is the one the server signed', () => {
  it('should verify a fetched code’s JXM2 under the published keys, as the scanner does', async () => {
    const c = await citizenWithCode(cloud, 'pass-scanner');
    const code = parseScannedCode(c.passQrAt(Date.now()));
    expect(code?.version).toBe(2);
    if (code?.version !== 2) return;
    expect(checkPass(code, (await keysFor('scanner')).data!.keys, sm2Verify)).toBe('ok');
  });
});
