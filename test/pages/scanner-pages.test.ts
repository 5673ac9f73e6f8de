/**
 * 码上行动 (scanner subpackage): choosing the identity and going on duty, scanning with the temperature one tap
 * away, results at arm's length, no-code persons, and the offline queue synced exactly once.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { JILIN, buildWorld, citizenWithCode, onDuty, type World } from '../helpers/world';
import {
  methods,
  openPage,
  tapOn,
  phone,
  resetPhone,
  startCloud,
  stopCloud,
  textOf,
  until,
  type PageInstance,
} from './harness';

let cloud: LocalCloud;
let world: World;

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, 'page-initiator', 'scanpage');
});
afterAll(stopCloud);

const tapWith = (id: string) => tapOn({ id });

describe('scanner/roles', () => {
  it('should list my identities and take me on duty at the chosen one', async () => {
    resetPhone(world.ordinary.openid);
    const page = openPage('scanner/roles/roles');
    await until(() => page.data.loading === false, 'the roles');
    expect(textOf(page)).toContain('普通扫码员 · 长春站');
    await methods(page).goOnDuty(tapWith(world.ordinary.id));
    expect(phone.navigations).toEqual([`/scanner/scan/scan?positionId=${world.ordinary.id}`]);
  });

  it('should say why going on duty far from the site was refused', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'scanpage-far');
    resetPhone(fresh.ordinary.openid);
    phone.location = JILIN;
    const page = openPage('scanner/roles/roles');
    await until(() => page.data.loading === false, 'the roles');
    await methods(page).goOnDuty(tapWith(fresh.ordinary.id));
    expect(page.data.message).toBe('扫码位置与站点地址偏离过大，账号已自动禁用');
    expect(phone.navigations).toEqual([]);
    phone.location = { latitude: 43.9036, longitude: 125.3184 };
  });
});

describe('scanner/scan', () => {
  let page: PageInstance;

  beforeAll(async () => {
    await onDuty(cloud, world.intermediate);
  });

  beforeEach(() => {
    resetPhone(world.intermediate.openid);
    page = openPage('scanner/scan/scan', { positionId: world.intermediate.id });
  });

  it('should show a green code as allowed, with the masked name, from one tap on the temperature', async () => {
    const c = await citizenWithCode(cloud, 'scanpage-green');
    methods(page).pickTemperature({ currentTarget: { dataset: { value: 36.4 } } });
    phone.scanResult = c.qrAt(Date.now());
    await methods(page).scanCode();
    await until(() => page.data.result !== null, 'the result');
    expect(page.data.result).toMatchObject({ colorName: '绿码', decision: '准予通行', allow: true });
    expect(textOf(page)).toContain('准予通行');
    expect(textOf(page)).toContain(c.name[0] + '*');
  });

  it('should refuse a fever and show the code turned yellow', async () => {
    const c = await citizenWithCode(cloud, 'scanpage-fever');
    methods(page).pickTemperature({ currentTarget: { dataset: { value: 37.5 } } });
    phone.scanResult = c.qrAt(Date.now());
    await methods(page).scanCode();
    await until(() => page.data.result !== null, 'the result');
    expect(page.data.result).toMatchObject({ colorName: '黄码', decision: '禁止通行', allow: false });
  });

  it('should keep a scan taken offline and send it exactly once when the network returns', async () => {
    const c = await citizenWithCode(cloud, 'scanpage-offline');
    phone.online = false;
    phone.scanResult = c.qrAt(Date.now());
    await methods(page).scanCode();
    await until(() => page.data.pending === 1, 'the pending scan');
    expect(textOf(page)).toContain('待同步 1 条');
    const before = cloud.store.find('scans', { personId: c.personId }).docs.length;
    phone.online = true;
    await methods(page).sync();
    await methods(page).sync(); // a second sync finds nothing left to send
    expect(page.data.pending).toBe(0);
    expect(page.data.message).toBe('已同步 1 条离线登记');
    expect(cloud.store.find('scans', { personId: c.personId }).docs.length).toBe(before + 1);
  });

  it('should register a no-code person and name the wrong fields', async () => {
    methods(page).toggleGuest();
    const field = (name: string, value: string) =>
      methods(page).onGuestField({ detail: { value }, currentTarget: { dataset: { field: name } } });
    field('name', '1');
    await methods(page).registerGuest();
    expect(page.data.message).toBe('无码人员信息不完整或有误');
    expect(page.data.hints).toEqual({ 'guest.name': '长度不正确' });
    field('name', '周玉兰');
    await methods(page).registerGuest();
    await until(() => page.data.result !== null, 'the guest result');
    expect(page.data.result).toMatchObject({ colorName: '黑白码', decision: '准予通行', name: '周**' });
  });
});
