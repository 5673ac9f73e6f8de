/**
 * 码上行动 (scanner subpackage): scanning with the temperature one tap away, results at arm's length, no-code
 * persons, and the offline queue synced exactly once. (Choosing the identity and going on duty, scanner/roles, is
 * tested in roles-pages.test.ts.)
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { buildWorld, citizenWithCode, onDuty, type World } from '../helpers/world';
import {
  openPage,
  tap,
  phone,
  resetPhone,
  startCloud,
  stopCloud,
  textOf,
  type,
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

describe('scanner/scan', () => {
  let page: PageInstance;

  beforeAll(async () => {
    await onDuty(cloud, world.intermediate);
  });

  beforeEach(async () => {
    resetPhone(world.intermediate.openid);
    page = openPage('scanner/scan/scan', { positionId: world.intermediate.id });
    await until(() => page.data.locationState === 'ok', 'the first fix');
  });

  it('should show a green code as allowed, with the masked name, from one tap on the temperature', async () => {
    const c = await citizenWithCode(cloud, 'scanpage-green');
    await tap(page, '#temp-364');
    phone.scanResult = c.qrAt(Date.now());
    await tap(page, '#scan');
    await until(() => textOf(page).includes('准予通行'), 'the result');
    expect(textOf(page)).toContain('绿码');
    expect(textOf(page)).toContain(c.name[0] + '*');
  });

  it('should refuse a fever and show the code turned yellow', async () => {
    const c = await citizenWithCode(cloud, 'scanpage-fever');
    await tap(page, '#temp-375');
    phone.scanResult = c.qrAt(Date.now());
    await tap(page, '#scan');
    await until(() => textOf(page).includes('禁止通行'), 'the result');
    expect(textOf(page)).toContain('黄码');
  });

  it('should keep a scan taken offline and send it exactly once when the network returns', async () => {
    const c = await citizenWithCode(cloud, 'scanpage-offline');
    phone.online = false;
    phone.scanResult = c.qrAt(Date.now());
    await tap(page, '#temp-365');
    await tap(page, '#scan');
    await until(() => textOf(page).includes('待同步 1 条'), 'the pending scan');
    const before = cloud.store.find('scans', { personId: c.personId }).docs.length;
    phone.online = true;
    await tap(page, '#sync');
    await until(() => textOf(page).includes('已同步 1 条离线登记'), 'the sync');
    expect(textOf(page)).not.toContain('待同步');
    expect(cloud.store.find('scans', { personId: c.personId }).docs.length).toBe(before + 1);
  });

  it('should register a no-code person and name the wrong fields', async () => {
    await tap(page, '#guest-toggle');
    await type(page, '#guest-name', '1');
    await tap(page, '#temp-365');
    await tap(page, '#guest-submit');
    await until(() => textOf(page).includes('无码人员信息不完整或有误'), 'the refusal');
    expect(textOf(page)).toContain('长度不正确');
    await type(page, '#guest-name', '周玉兰');
    await tap(page, '#temp-365');
    await tap(page, '#guest-submit');
    await until(() => textOf(page).includes('准予通行'), 'the guest result');
    expect(textOf(page)).toContain('黑白码');
    expect(textOf(page)).toContain('周**');
  });
});
