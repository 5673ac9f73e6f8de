/**
 * The scan page at the gate, driven as a finger does (API.md v1.1, rules 4, 7, 18): no reading is assumed, the
 * reading resets after every scan, the live location goes with every scan, a refused location says what to do,
 * and refusals are two taps away.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { buildWorld, citizenWithCode, onDuty, type World } from '../helpers/world';
import {
  closePage,
  emitLocation,
  openPage,
  phone,
  resetPhone,
  settle,
  startCloud,
  stopCloud,
  tap,
  textOf,
  type,
  until,
  type PageInstance,
} from './harness';

let cloud: LocalCloud;
let world: World;
let page: PageInstance;

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, 'page-initiator', 'gatepage');
  await onDuty(cloud, world.intermediate);
});
afterAll(stopCloud);

beforeEach(async () => {
  resetPhone(world.intermediate.openid);
  page = openPage('scanner/scan/scan', { positionId: world.intermediate.id });
  await until(() => page.data.locationState === 'ok', 'the first fix');
});
afterEach(() => closePage(page));

const lastRecord = () => {
  const scans = cloud.store.find('scans', { positionId: world.intermediate.id }).docs;
  return scans.sort((a, b) => (a.receivedAt as Date).getTime() - (b.receivedAt as Date).getTime()).at(-1)!;
};

describe('scanner/scan: the temperature is this person’s', () => {
  it('should refuse to scan before a reading is chosen, and send nothing', async () => {
    const c = await citizenWithCode(cloud, 'gatepage-none');
    phone.scanResult = c.qrAt(Date.now());
    expect(textOf(page)).toContain('未选择');
    await tap(page, '#scan');
    expect(textOf(page)).toContain('请先为此人测温并选择体温');
    expect(phone.cloudCalls.filter((call) => call.action === 'record')).toHaveLength(0);
  });

  it('should send the tapped reading with the live location, then reset the reading', async () => {
    const c = await citizenWithCode(cloud, 'gatepage-reading');
    phone.scanResult = c.qrAt(Date.now());
    await tap(page, '#temp-364');
    expect(textOf(page)).toContain('36.4');
    await tap(page, '#scan');
    await until(() => textOf(page).includes('准予通行'), 'the result');
    const stored = lastRecord();
    expect(stored.temperature).toBe(36.4);
    expect(stored.location).toMatchObject({
      coordinates: [phone.location.longitude, phone.location.latitude],
    });
    // the next person needs their own reading
    expect(textOf(page)).toContain('未选择');
    phone.scanResult = c.qrAt(Date.now());
    await tap(page, '#scan');
    expect(textOf(page)).toContain('请先为此人测温并选择体温');
  });

  it('should take a typed reading', async () => {
    const c = await citizenWithCode(cloud, 'gatepage-typed');
    phone.scanResult = c.qrAt(Date.now());
    await type(page, '#custom-temperature', '37.6');
    await tap(page, '#scan');
    await until(() => textOf(page).includes('禁止通行'), 'the result');
    expect(lastRecord().temperature).toBe(37.6);
  });
});

describe('scanner/scan: the location', () => {
  it('should say what to do when the location is refused, and follow it once allowed in settings', async () => {
    closePage(page);
    resetPhone(world.intermediate.openid);
    phone.locationAllowed = false;
    page = openPage('scanner/scan/scan', { positionId: world.intermediate.id });
    await until(() => page.data.locationState === 'refused', 'the refusal');
    expect(textOf(page)).toContain('在设置中允许使用位置信息');
    await tap(page, '#location-settings');
    await until(() => page.data.locationState === 'ok', 'the fix after the settings');
    expect(textOf(page)).not.toContain('未获取到位置');
  });

  it('should send the newest fix: far from the site the server disables the position', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'gatepage-far');
    await onDuty(cloud, fresh.ordinary);
    closePage(page);
    resetPhone(fresh.ordinary.openid);
    page = openPage('scanner/scan/scan', { positionId: fresh.ordinary.id });
    await until(() => page.data.locationState === 'ok', 'the first fix');
    // the scanner walks 3 km away
    phone.location = { latitude: phone.location.latitude + 0.03, longitude: phone.location.longitude };
    emitLocation();
    const c = await citizenWithCode(cloud, 'gatepage-far-citizen');
    phone.scanResult = c.qrAt(Date.now());
    await tap(page, '#temp-365');
    await tap(page, '#scan');
    await until(() => textOf(page).includes('偏离过大'), 'the deviation');
    expect(cloud.store.get('positions', fresh.ordinary.id)!.doc).toMatchObject({
      status: 'disabled',
      disabledReason: 'geofence',
    });
  });

  it('should keep the fix with a scan queued offline', async () => {
    const c = await citizenWithCode(cloud, 'gatepage-offline');
    phone.online = false;
    phone.scanResult = c.qrAt(Date.now());
    await tap(page, '#temp-366');
    await tap(page, '#scan');
    await until(() => textOf(page).includes('待同步 1 条'), 'the queued scan');
    const queued = phone.storage.get('jxm.scanQueue.v1') as Array<{ params: Record<string, unknown> }>;
    expect(queued[0]!.params.location).toMatchObject({ latitude: phone.location.latitude, accuracy: 30 });
    phone.online = true;
    await tap(page, '#sync');
    await until(() => textOf(page).includes('已同步 1 条离线登记'), 'the sync');
    expect(lastRecord().location).toBeTruthy();
  });
});

describe('scanner/scan: refusals (rule 18)', () => {
  it('should record someone who will not be scanned, after confirming', async () => {
    const before = cloud.store.find('refusals', { positionId: world.intermediate.id }).docs.length;
    await tap(page, '#refused-scan');
    await until(() => textOf(page).includes('已记录：拒绝扫码'), 'the refusal');
    const after = cloud.store.find('refusals', { positionId: world.intermediate.id }).docs;
    expect(after).toHaveLength(before + 1);
    expect(after.map((r) => r.reason)).toContain('refused_scan');
  });

  it('should record a forced entry and report it above', async () => {
    await tap(page, '#forced-entry');
    await until(() => textOf(page).includes('已记录强行闯入'), 'the forced entry');
    const alerts = cloud.store.find('alerts', { kind: 'forced_entry' }).docs;
    expect(alerts.some((a) => (a.scopeAncestors as string[]).includes(world.senior.id))).toBe(true);
  });

  it('should record nothing when the scanner cancels', async () => {
    phone.confirms = false;
    const before = cloud.store.count('refusals');
    await tap(page, '#refused-scan');
    await settle();
    expect(cloud.store.count('refusals')).toBe(before);
  });

  it('should keep a refusal made offline and send it once', async () => {
    phone.online = false;
    const before = cloud.store.count('refusals');
    await tap(page, '#refused-scan');
    await until(() => textOf(page).includes('待同步 1 条'), 'the queued refusal');
    phone.online = true;
    await tap(page, '#sync');
    await until(() => page.data.pending === 0, 'the sync');
    // nothing left to send: the button is gone
    expect(textOf(page)).not.toContain('立即同步');
    expect(cloud.store.count('refusals')).toBe(before + 1);
  });
});
