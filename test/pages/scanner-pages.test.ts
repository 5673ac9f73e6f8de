/**
 * 码上行动 (scanner subpackage): scanning with the temperature one tap away, results at arm's length, no-code
 * persons, and the offline queue synced exactly once. (Choosing the identity and going on duty, scanner/roles, is
 * tested in roles-pages.test.ts.)
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { buildWorld, citizenWithCode, onDuty, type World } from '../helpers/world';
import {
  fieldValue,
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

  it('should open the guest form empty for the next person: the last guest’s details are nobody else’s', async () => {
    const guest = personOf(4242);
    await tap(page, '#guest-toggle');
    await type(page, '#guest-name', guest.name);
    await type(page, '#guest-id', guest.idNumber);
    await type(page, '#guest-phone', guest.phone);
    await tap(page, '#temp-365');
    await tap(page, '#guest-submit');
    await until(() => textOf(page).includes('准予通行'), 'the guest result');
    expect(textOf(page)).not.toContain('登记通行');
    await tap(page, '#guest-toggle');
    expect([
      fieldValue(page, '#guest-name'),
      fieldValue(page, '#guest-id'),
      fieldValue(page, '#guest-phone'),
    ]).toEqual(['', '', '']);
    // registered as it stands, the empty form names its missing name and sends nothing
    const before = cloud.store.find('scans', { positionId: world.intermediate.id }).docs.length;
    await tap(page, '#temp-365');
    await tap(page, '#guest-submit');
    expect(textOf(page)).toContain('无码人员信息不完整或有误');
    expect(textOf(page)).toContain('请填写此项');
    expect(cloud.store.find('scans', { positionId: world.intermediate.id }).docs.length).toBe(before);
  });

  it('should take a typed reading only within 34.0–43.0 ℃, and say so otherwise', async () => {
    const range = '体温应在 34.0–43.0 ℃ 之间';
    for (const typed of ['3.6', '33.9', '43.1', '365']) {
      await type(page, '#custom-temperature', typed);
      expect(textOf(page)).toContain(range);
      expect(textOf(page)).toContain('此人体温（℃）：未选择');
    }
    // nothing chosen: the scan asks for a reading instead of sending one
    phone.scanResult = 'JXM1.never-sent.1.00';
    await tap(page, '#scan');
    expect(textOf(page)).toContain('请先为此人测温并选择体温');
    for (const [typed, shown] of [
      ['34', '34.0'],
      ['43', '43.0'],
      ['36.9', '36.9'],
    ]) {
      await type(page, '#custom-temperature', typed);
      expect(textOf(page)).not.toContain(range);
      expect(textOf(page)).toContain(`此人体温（℃）：${shown}`);
    }
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
