/**
 * npm run shots: every state of the scanner hierarchy's pages — 码上行动 (identities with the pages of each role, a
 * disabled scanner asking for activation), 站点 (the list, a site's children, a new site picked on the map, the
 * server's reasons), 下级管理 (a scanner at a chosen site, the invite code shown once, replace, disable with the
 * cascade, the badge of requests) and the foreigner's passport field at the gate — reached by tapping the
 * rendered pages as a person does.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { buildWorld, onDuty, type World } from '../helpers/world';
import { phone, resetPhone, startCloud, stopCloud, tap, textOf, type, until } from '../pages/harness';
import { exists, orgCall, pickOption, scannerAt, siteBy, toggle } from '../pages/hierarchy-helpers';
import { open, save, shoot } from './shoot';

// miniprogram-simulate and j-component turn 1 rpx into 1 px; at the shots' 375 px width WeChat makes it 0.5 px
jest.mock('miniprogram-simulate/src/utils', () => ({
  ...jest.requireActual('miniprogram-simulate/src/utils'),
  transformRpx: jest.requireActual('./rpx').rpxToPx,
}));
jest.mock('j-component/src/tool/utils', () => ({
  ...jest.requireActual('j-component/src/tool/utils'),
  transformRpx: jest.requireActual('./rpx').rpxToPx,
}));

let cloud: LocalCloud;
let world: World;
let villageId: string;

const PLACE = {
  name: '南关区人民大街便民服务中心',
  address: '吉林省长春市南关区人民大街1号',
  latitude: 43.8812,
  longitude: 125.3311,
};

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, 'page-initiator', 'hshots');
  villageId = await siteBy(cloud, world.senior, '南湖社区', 'village', { regionCode: '220102' });
  await siteBy(cloud, world.senior, '长春站卫生室', 'department');
});
afterAll(stopCloud);

const loaded = (view: ReturnType<typeof open>, selector: string, empty: string) =>
  until(() => exists(view.page, selector) || textOf(view.page).includes(empty), `${view.route} loaded`);

describe('码上行动', () => {
  it('roles-initiator: the initiator’s pages, with the provincial desk', async () => {
    resetPhone('page-initiator');
    const view = open('scanner/roles/roles');
    await loaded(view, '.role', '您还没有扫码员身份');
    shoot('roles-initiator', view);
  });

  it('roles-senior: a senior’s pages', async () => {
    resetPhone(world.senior.openid);
    const view = open('scanner/roles/roles');
    await loaded(view, '.role', '您还没有扫码员身份');
    shoot('roles-senior', view);
  });

  it('roles-nobody: no identity yet, the way to claim one', async () => {
    resetPhone('hshots-nobody');
    const view = open('scanner/roles/roles');
    await loaded(view, '.role', '您还没有扫码员身份');
    shoot('roles-nobody', view);
  });

  it('roles-disabled: a disabled scanner writes a request, then it is sent', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'hshots-ask');
    await orgCall(cloud, fresh.senior.openid, {
      action: 'disable',
      actingPositionId: fresh.senior.id,
      positionId: fresh.intermediate.id,
      cascade: false,
      reason: '违规操作',
    });
    resetPhone(fresh.intermediate.openid);
    const view = open('scanner/roles/roles');
    await loaded(view, '.role', '您还没有扫码员身份');
    save('roles-disabled', view);
    await tap(view.page, `#ask-${fresh.intermediate.id}`);
    await type(view.page, '#activation-note', '已整改完毕，请恢复账号');
    save('roles-disabled-asking', view);
    await tap(view.page, '#send-request');
    await until(() => textOf(view.page).includes('已向上一级扫码员申请激活'), 'the request sent');
    shoot('roles-disabled-asked', view);
  });
});

describe('站点', () => {
  it('sites-list, sites-form-place, sites-form-errors, sites-created: a senior opens a site', async () => {
    resetPhone(world.senior.openid);
    const view = open('admin/sites/sites', { positionId: world.senior.id });
    await loaded(view, '.site', '暂无');
    save('sites-list', view);
    await tap(view.page, '#new-site');
    save('sites-form', view);
    phone.chosenPlace = PLACE;
    await tap(view.page, '#pick-place');
    await tap(view.page, '#type-village');
    save('sites-form-place', view);
    await type(view.page, '#site-name', '人民大街社区 www.example.cn');
    await type(view.page, '#site-radius', '20');
    await type(view.page, '#site-region', '2201');
    await type(view.page, '#site-uscc', '91350100M000100Y44');
    await tap(view.page, '#create-site');
    await until(() => textOf(view.page).includes('不能含'), 'the reasons');
    save('sites-form-errors', view);
    await type(view.page, '#site-name', '人民大街社区');
    await type(view.page, '#site-radius', '800');
    await type(view.page, '#site-region', '220102');
    await tap(view.page, '#create-site');
    await until(() => textOf(view.page).includes('统一社会信用代码校验失败'), 'the credit code');
    save('sites-form-uscc', view);
    await type(view.page, '#site-uscc', '');
    await tap(view.page, '#create-site');
    await until(() => textOf(view.page).includes('已创建站点'), 'the new site');
    shoot('sites-created', view);
  });

  it('sites-children: the sites below one site', async () => {
    await siteBy(cloud, world.senior, '南湖农贸市场', 'market', { parentSiteId: villageId });
    resetPhone(world.senior.openid);
    const view = open('admin/sites/sites', { positionId: world.senior.id });
    await loaded(view, '.site', '暂无');
    await tap(view.page, `#children-${villageId}`);
    await until(() => textOf(view.page).includes('南湖农贸市场'), 'the children');
    shoot('sites-children', view);
  });

  it('sites-village: a village’s intermediate opens public places only', async () => {
    const keeper = await scannerAt(cloud, world.senior, villageId, 'intermediate', 'hshots-village');
    resetPhone(keeper.openid);
    const view = open('admin/sites/sites', { positionId: keeper.id });
    await loaded(view, '.site', '暂无');
    await tap(view.page, '#new-site');
    shoot('sites-village', view);
  });
});

describe('下级管理', () => {
  it('tree, tree-errors, tree-invite: a scanner created at a chosen site, its code shown once', async () => {
    resetPhone(world.senior.openid);
    const view = open('admin/tree/tree', { positionId: world.senior.id });
    await loaded(view, '.row', '暂无下级扫码员');
    await until(() => exists(view.page, `#site-${villageId}`), 'the sites');
    save('tree', view);
    await tap(view.page, `#site-${villageId}`);
    await tap(view.page, '#role-intermediate');
    await type(view.page, '#holder-name', '王建国');
    await type(view.page, '#holder-phone', '1390000');
    await tap(view.page, '#create-position');
    await until(() => textOf(view.page).includes('手机号码格式不正确'), 'the refusal');
    save('tree-errors', view);
    const holder = personOf(7101);
    await type(view.page, '#holder-name', holder.name);
    await type(view.page, '#holder-phone', holder.phone);
    await tap(view.page, '#create-position');
    await until(() => exists(view.page, '#invite'), 'the invite code');
    shoot('tree-invite', view);
  });

  it('tree-replace: a holder replaced, with the reason', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'hshots-replace');
    resetPhone(fresh.senior.openid);
    const view = open('admin/tree/tree', { positionId: fresh.senior.id });
    await loaded(view, '.row', '暂无下级扫码员');
    await tap(view.page, `#replace-${fresh.intermediate.id}`);
    const successor = personOf(7102);
    await type(view.page, '#replace-name', successor.name);
    await type(view.page, '#replace-phone', successor.phone);
    await type(view.page, '#replace-reason', '岗位调整');
    save('tree-replace', view);
    await tap(view.page, '#replace-confirm');
    await until(() => exists(view.page, '#invite'), 'the new invite code');
    shoot('tree-replaced', view);
  });

  it('tree-disable, tree-cascade: three levels disabled at once', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'hshots-cascade');
    resetPhone('page-initiator');
    const view = open('admin/tree/tree', { positionId: fresh.initiator.id });
    await loaded(view, '.row', '暂无下级扫码员');
    await tap(view.page, `#disable-${fresh.senior.id}`);
    await type(view.page, '#disable-reason', '单位撤并');
    await toggle(view.page, '#disable-cascade');
    save('tree-disable', view);
    await tap(view.page, '#disable-confirm');
    await until(() => textOf(view.page).includes('已禁用 3 个账号'), 'the cascade');
    shoot('tree-cascade', view);
  });

  it('tree-requests: the badge of requests for activation, and the requests alone', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'hshots-requests');
    await orgCall(cloud, fresh.senior.openid, {
      action: 'disable',
      actingPositionId: fresh.senior.id,
      positionId: fresh.intermediate.id,
      cascade: true,
      reason: '违规操作',
    });
    await orgCall(cloud, fresh.intermediate.openid, {
      action: 'requestActivation',
      positionId: fresh.intermediate.id,
      note: '已整改完毕，请恢复账号',
    });
    resetPhone(fresh.senior.openid);
    const view = open('admin/tree/tree', { positionId: fresh.senior.id });
    await loaded(view, '.row', '暂无下级扫码员');
    await until(() => exists(view.page, '#requests'), 'the badge');
    save('tree-requests', view);
    await tap(view.page, '#requests');
    shoot('tree-requests-only', view);
  });
});

describe('the gate', () => {
  it('guest-foreigner: a foreigner’s passport number', async () => {
    await onDuty(cloud, world.intermediate);
    resetPhone(world.intermediate.openid);
    const view = open('scanner/scan/scan', { positionId: world.intermediate.id });
    await until(() => !textOf(view.page).includes('正在定位'), 'the first fix');
    await tap(view.page, '#guest-toggle');
    await pickOption(view.page, '#guest-category', '外籍人士');
    await type(view.page, '#guest-name', 'John Smith');
    await type(view.page, '#guest-document', 'E12345678');
    await tap(view.page, '#temp-365');
    shoot('guest-foreigner', view);
  });
});
