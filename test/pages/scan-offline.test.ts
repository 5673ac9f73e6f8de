/**
 * The gate without network (API.md 2.3, rule 16), driven as a finger does with the network cut: the scan page
 * checks the code's signed pass with the keys it cached when it opened (after going on duty), and shows allow or
 * deny and why — a green pass admitted; an expired, forged, non-green, feverish pass, a screenshot and an unknown
 * key refused, each with its reason; a person without a code decided as online. Every scan joins the queue with
 * what was decided, and reaches the cloud exactly once when the network returns.
 */
import type { ScanDoc } from '../../cloudfunctions/_server/db/documents';
import { decodePassPayload } from '../../miniprogram/core/signed-pass';
import { encodePassPayload } from '../../miniprogram/core/signed-pass.issue';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { buildWorld, citizenWithCode, disableBelow, onDuty, type World } from '../helpers/world';
import {
  closePage,
  fieldValue,
  openPage,
  phone,
  resetPhone,
  startCloud,
  stopCloud,
  tap,
  textOf,
  type,
  until,
  type PageInstance,
} from './harness';
import { textIn } from './citizen-helpers';

let cloud: LocalCloud;
let world: World;
let page: PageInstance;

const KEYS = 'jxm.passKeys.v1';
const QUEUE = 'jxm.scanQueue.v1';
type Queued = { params: { scanId: string; qr?: string; offline?: { decision: string; reason?: string } } };
const queue = () => (phone.storage.get(QUEUE) ?? []) as Queued[];

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, 'page-initiator', 'offgate');
  await onDuty(cloud, world.intermediate);
});
afterAll(stopCloud);

/** The scan page at `gate`'s intermediate position, opened online after going on duty (it caches the keys), then the network cut. */
async function openedThenOffline(gate: World): Promise<PageInstance> {
  resetPhone(gate.intermediate.openid);
  const opened = openPage('scanner/scan/scan', { positionId: gate.intermediate.id });
  await until(() => opened.data.locationState === 'ok', 'the first fix');
  await until(() => phone.storage.has(KEYS), 'the keys cached');
  phone.online = false;
  return opened;
}

beforeEach(async () => {
  page = await openedThenOffline(world);
});
afterEach(() => {
  closePage(page);
  cloud.clock.set({ offsetMs: 0 });
});

/** The network is cut: the scanner picks the reading, scans the code, and reads the decision screen. */
async function scanOffline(qr: string, temperature = '#temp-365'): Promise<string> {
  const before = queue().length;
  phone.scanResult = qr;
  await tap(page, temperature);
  await tap(page, '#scan');
  await until(() => queue().length > before && textOf(page).includes('离线核验'), 'the offline decision');
  return textOf(page);
}

const masked = (name: string) => name[0] + '*'.repeat(name.length - 1);

/** The province sets the person's color (health.setColor); the pass of the code they fetch next says so. */
async function passAfterColor(
  c: { personId: string; openid: string },
  color: 'orange' | 'red',
): Promise<string> {
  const set = await cloud.functions.invoke(
    'health',
    { action: 'setColor', actingPositionId: world.initiator.id, personId: c.personId, color, reason: '研判' },
    { openid: 'page-initiator' },
  );
  expect(set).toMatchObject({ ok: true });
  const code = (await cloud.functions.invoke('citizen', { action: 'code' }, { openid: c.openid })) as {
    data: { pass: string };
  };
  return code.data.pass;
}

describe('scanner/scan without network: the signed pass decides', () => {
  it('should admit a green pass, queue the scan with its decision, and send it exactly once', async () => {
    const c = await citizenWithCode(cloud, 'offgate-green');
    const screen = await scanOffline(c.passQrAt(Date.now()));
    expect(screen).toContain('准予通行');
    expect(screen).toContain('绿码');
    expect(screen).toContain(masked(c.name));
    expect(screen).toContain('离线核验 · 省级签名有效');
    expect(screen).toContain('待同步 1 条');
    const [queued] = queue();
    expect(queued.params.qr).toMatch(/^JXM2\./);
    expect(queued.params.offline).toEqual({ decision: 'allow' });

    // the network returns: the scan reaches the cloud once and leaves the phone
    phone.online = true;
    await tap(page, '#sync');
    await until(() => textOf(page).includes('已同步 1 条离线登记'), 'the sync');
    expect(queue()).toEqual([]);
    expect(textOf(page)).not.toContain('立即同步');
    // counted by the person, not by the scanId that would hold one at most
    const scans = cloud.store.find('scans', { personId: c.personId }).docs as unknown as ScanDoc[];
    expect(scans).toHaveLength(1);
    expect(scans[0]._id).toBe(queued.params.scanId);
    expect(scans[0]).toMatchObject({ decision: 'allow', offline: { decision: 'allow', reason: null } });
    expect(cloud.store.find('alerts', { scanId: queued.params.scanId }).docs).toHaveLength(0);
  });

  it('should refuse a fever, with the reason', async () => {
    const c = await citizenWithCode(cloud, 'offgate-fever');
    const screen = await scanOffline(c.passQrAt(Date.now()), '#temp-375');
    expect(screen).toContain('禁止通行');
    expect(screen).toContain('绿码');
    expect(screen).toContain('体温 ≥ 37.3 ℃');
    expect(queue()[0].params.offline).toEqual({ decision: 'deny', reason: 'fever' });
  });

  it('should refuse a code that is not green, naming its color', async () => {
    const c = await citizenWithCode(cloud, 'offgate-orange');
    const screen = await scanOffline(c.passQrAt(Date.now(), await passAfterColor(c, 'orange')));
    expect(screen).toContain('禁止通行');
    expect(screen).toContain('橙码');
    expect(screen).toContain('非绿码，不能离线放行');
    expect(queue()[0].params.offline).toEqual({ decision: 'deny', reason: 'not_green' });
  });

  it('should refuse a red pass whose color was edited to green (its signature no longer holds)', async () => {
    const c = await citizenWithCode(cloud, 'offgate-forged');
    const [payload, signature] = (await passAfterColor(c, 'red')).split('.');
    const claims = decodePassPayload(payload)!;
    expect(claims.color).toBe('red');
    const forged = `${encodePassPayload({ ...claims, color: 'green' })}.${signature}`;
    const screen = await scanOffline(c.passQrAt(Date.now(), forged));
    expect(screen).toContain('禁止通行');
    expect(screen).toContain('签名无效，疑似伪造');
    // no color is shown for a pass nobody signed
    expect(screen).not.toContain('绿码');
    expect(queue()[0].params.offline).toEqual({ decision: 'deny', reason: 'forged' });
  });

  it('should refuse an expired pass', async () => {
    // the pass was fetched 25 hours ago; the seed (7 days) still draws a live code, the pass has run out
    cloud.clock.set({ offsetMs: -25 * 3600_000 });
    const c = await citizenWithCode(cloud, 'offgate-expired');
    cloud.clock.set({ offsetMs: 0 });
    const screen = await scanOffline(c.passQrAt(Date.now()));
    expect(screen).toContain('禁止通行');
    expect(screen).toContain('通行证不在有效期内');
    expect(queue()[0].params.offline).toEqual({ decision: 'deny', reason: 'expired' });
  });

  it('should refuse a screenshot (a QR of minutes ago) and a key the phone does not hold', async () => {
    const c = await citizenWithCode(cloud, 'offgate-stale');
    expect(await scanOffline(c.passQrAt(Date.now() - 5 * 60_000))).toContain('二维码不是实时的');
    phone.storage.delete(KEYS);
    const screen = await scanOffline(c.passQrAt(Date.now()));
    expect(screen).toContain('签名密钥未知');
    expect(queue().map((q) => q.params.offline?.reason)).toEqual(['stale_step', 'unknown_key']);
  });

  it('should decide a person without a code as online: black-and-white, admitted at a normal reading', async () => {
    await tap(page, '#guest-toggle');
    await type(page, '#guest-name', '周玉兰');
    await tap(page, '#temp-364');
    await tap(page, '#guest-submit');
    await until(() => textOf(page).includes('离线核验'), 'the offline decision');
    expect(textOf(page)).toContain('准予通行');
    expect(textOf(page)).toContain('黑白码');
    expect(textOf(page)).toContain('周**');
    expect(textOf(page)).toContain('无码人员，体温正常');
    expect(queue()[0].params.offline).toEqual({ decision: 'allow' });
  });

  it('should refuse on the spot a guest the server would refuse, and open the form empty after a guest', async () => {
    await tap(page, '#guest-toggle');
    await type(page, '#guest-name', '1');
    await tap(page, '#temp-364');
    await tap(page, '#guest-submit');
    // nobody let through on it, nothing kept to be refused and dropped at the sync
    expect(textOf(page)).toContain('无码人员信息不完整或有误');
    expect(textOf(page)).toContain('长度不正确');
    expect(textOf(page)).not.toContain('准予通行');
    expect(queue()).toEqual([]);
    await type(page, '#guest-name', '周玉兰');
    await type(page, '#guest-phone', '1380013800');
    await tap(page, '#guest-submit');
    expect(textOf(page)).toContain('格式不正确');
    expect(queue()).toEqual([]);
    await type(page, '#guest-phone', '13800138000');
    await tap(page, '#guest-submit');
    await until(() => textOf(page).includes('离线核验'), 'the offline decision');
    expect(queue()).toHaveLength(1);
    await tap(page, '#guest-toggle');
    expect([fieldValue(page, '#guest-name'), fieldValue(page, '#guest-phone')]).toEqual(['', '']);
  });

  it('should let nobody through on a typed reading no thermometer shows, and keep nothing', async () => {
    const c = await citizenWithCode(cloud, 'offgate-implausible');
    await type(page, '#custom-temperature', '3.6');
    phone.scanResult = c.passQrAt(Date.now());
    await tap(page, '#scan');
    expect(textOf(page)).toContain('请先为此人测温并选择体温');
    expect(textOf(page)).not.toContain('准予通行');
    expect(queue()).toEqual([]);
  });

  it('should say a JXM1 code cannot be checked offline, and record nothing for what is no 吉祥码', async () => {
    const c = await citizenWithCode(cloud, 'offgate-jxm1');
    expect(await scanOffline(c.qrAt(Date.now()))).toContain('此码不含离线核验签名');
    phone.scanResult = 'https://example.com/not-a-code';
    await tap(page, '#temp-365');
    await tap(page, '#scan');
    await until(() => textOf(page).includes('这不是吉祥码'), 'the refusal');
    expect(queue()).toHaveLength(1);
  });
});

describe('scanner/scan: what the cloud does with the queue when the network returns', () => {
  let gate: World;
  beforeEach(async () => {
    closePage(page);
    gate = await buildWorld(cloud, 'page-initiator', `offsync-${Date.now()}`);
    await onDuty(cloud, gate.intermediate);
    page = await openedThenOffline(gate);
  });

  it('should name each queued scan the cloud refused, with why, until the scanner has read it', async () => {
    const c = await citizenWithCode(cloud, `offsync-refused-${Date.now()}`);
    await scanOffline(c.passQrAt(Date.now()));
    // meanwhile the senior disables the gate's position: the cloud no longer takes its scans
    await disableBelow(cloud, gate.senior, gate.intermediate.id);
    phone.online = true;
    await tap(page, '#sync');
    await until(() => textOf(page).includes('1 条离线登记被拒绝'), 'the sync');
    expect(textOf(page)).not.toContain('已同步 0 条');
    expect(textIn(page, '#refused')).toContain(`${masked(c.name)}：`);
    expect(textIn(page, '#refused')).toMatch(/\d{2}:\d{2} /);
    expect(queue()).toEqual([]);
    await tap(page, '#refused-dismiss');
    expect(textOf(page)).not.toContain('以下离线登记未被接受');
  });

  it('should keep a scan the cloud failed on (INTERNAL) for the next sync, and send the ones behind it', async () => {
    const first = await citizenWithCode(cloud, `offsync-internal-1-${Date.now()}`);
    const second = await citizenWithCode(cloud, `offsync-internal-2-${Date.now()}`);
    await scanOffline(first.passQrAt(Date.now()));
    await scanOffline(second.passQrAt(Date.now()));
    const [stuck] = queue();
    // the database fails the first one's write, whatever is tried: the function answers INTERNAL
    const send = cloud.engine.send.bind(cloud.engine);
    const failing = jest
      .spyOn(cloud.engine, 'send')
      .mockImplementation(async (action, params = {}) =>
        action === 'database.insertDocument' && JSON.stringify(params).includes(stuck.params.scanId)
          ? { code: 'DATABASE_REQUEST_FAILED', message: '[InternalError] the disk is full' }
          : send(action, params),
      );
    phone.online = true;
    try {
      await tap(page, '#sync');
      await until(() => textOf(page).includes('已同步 1 条离线登记'), 'the first sync');
    } finally {
      failing.mockRestore();
    }
    expect(queue().map((q) => q.params.scanId)).toEqual([stuck.params.scanId]);
    expect(textOf(page)).toContain('待同步 1 条');
    expect(cloud.store.find('scans', { personId: second.personId }).docs).toHaveLength(1);
    expect(cloud.store.find('scans', { personId: first.personId }).docs).toHaveLength(0);
    // the next sync sends it
    await tap(page, '#sync');
    await until(() => queue().length === 0, 'the second sync');
    expect(cloud.store.find('scans', { personId: first.personId }).docs).toHaveLength(1);
  });
});
