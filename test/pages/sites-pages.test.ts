/**
 * 站点 (admin/sites; rules 6, 9, API.md v1.1 `org.sites`, `org.createSite`), driven as a finger does: the place
 * picked on the map fills the address and the name (both editable), the types offered are the role's, the
 * server's reasons show under each field, a site's children and its region, and 在此设扫码员 opening the tree there.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { buildWorld, type World } from '../helpers/world';
import {
  closePage,
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
import { classOf, exists, scannerAt, siteBy, textAt, valueIn } from './hierarchy-helpers';

let cloud: LocalCloud;
let world: World;
let villageId: string;
let page: PageInstance | null = null;

const PLACE = {
  name: '南关区人民大街便民服务中心',
  address: '吉林省长春市南关区人民大街1号',
  latitude: 43.8812,
  longitude: 125.3311,
};

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, 'page-initiator', 'sitepage');
  villageId = await siteBy(cloud, world.senior, '南湖社区', 'village', { regionCode: '220102' });
});
afterAll(stopCloud);
afterEach(() => {
  if (page) closePage(page);
  page = null;
});

async function openSites(acting: { id: string; openid: string }) {
  resetPhone(acting.openid);
  page = openPage('admin/sites/sites', { positionId: acting.id });
  const opened = page;
  await until(() => exists(opened, '.site') || textOf(opened).includes('暂无'), 'the sites');
  return opened;
}

const sitesCreated = () => phone.cloudCalls.filter((c) => c.action === 'createSite').length;

describe('admin/sites: a new site', () => {
  it('should fill the address and name from the place picked on the map, and keep what is edited', async () => {
    const p = await openSites(world.senior);
    expect(textOf(p)).toContain('我管辖的站点');
    // the senior's own site is listed with the sites below it
    expect(textAt(p, `#children-${world.siteId}`)).toBe('下级站点');
    await tap(p, '#new-site');
    expect(textOf(p)).toContain('上级站点：长春站');
    expect(valueIn(p, '#site-radius')).toBe('1000');

    phone.chosenPlace = PLACE;
    await tap(p, '#pick-place');
    await until(() => valueIn(p, '#site-address') === PLACE.address, 'the address from the map');
    expect(valueIn(p, '#site-name')).toBe(PLACE.name);
    expect(textOf(p)).toContain('43.88120, 125.33110');
    await type(p, '#site-address', '吉林省长春市南关区人民大街1号（东门）');
    await type(p, '#site-name', '人民大街社区');
    await tap(p, '#type-village');
    expect(classOf(p, '#type-village')).toContain('type--on');
    await tap(p, '#create-site');
    await until(() => textOf(p).includes('已创建站点：人民大街社区'), 'the new site');

    const site = cloud.store.find('sites', { name: '人民大街社区' }).docs[0]!;
    expect(site).toMatchObject({
      type: 'village',
      address: '吉林省长春市南关区人民大街1号（东门）',
      parentSiteId: world.siteId,
      radiusM: 1000,
      location: { coordinates: [PLACE.longitude, PLACE.latitude] },
    });
    expect(textAt(p, `#children-${site._id}`)).toBe('下级站点');
    expect(textOf(p)).toContain('人民大街社区（村/社区便民服务中心）');
    expect(textOf(p)).toContain('半径 1000 米 · 吉林省（220000）');
  });

  it('should ask for the place and the type before sending anything', async () => {
    const p = await openSites(world.senior);
    await tap(p, '#new-site');
    await type(p, '#site-name', '某站点');
    await tap(p, '#create-site');
    expect(textOf(p)).toContain('请在地图上选择站点位置');
    expect(textOf(p)).toContain('请选择站点类型');
    expect(sitesCreated()).toBe(0);
  });

  it('should show the server’s reason under each field, and create once all are right', async () => {
    const p = await openSites(world.senior);
    await tap(p, '#new-site');
    phone.chosenPlace = PLACE;
    await tap(p, '#pick-place');
    await tap(p, '#type-department');
    await type(p, '#site-name', '卫健委 http://t.cn/x');
    await type(p, '#site-radius', '10');
    await type(p, '#site-region', '2201');
    await tap(p, '#create-site');
    await until(() => textAt(p, '#site-name').includes('不能含'), 'the reasons');
    expect(textAt(p, '#site-name')).toContain('名称不能含引号、尖括号、链接或控制字符');
    expect(textAt(p, '#site-radius')).toContain('半径为50至50000米');
    expect(textAt(p, '#site-region')).toContain('请填写六位地区代码');

    await type(p, '#site-name', '长春市卫生健康委员会');
    await type(p, '#site-radius', '300');
    await type(p, '#site-region', '220012');
    await tap(p, '#create-site');
    await until(() => textAt(p, '#site-region').includes('吉林省的六位地区代码'), 'the region refused');
    expect(textAt(p, '#site-name')).not.toContain('不能含');

    await type(p, '#site-region', '220102');
    await type(p, '#site-uscc', '91350100M000100Y44');
    await tap(p, '#create-site');
    await until(() => textOf(p).includes('统一社会信用代码校验失败'), 'the credit code refused');
    expect(textAt(p, '#site-uscc')).toContain('校验位错误，请核对号码');

    await type(p, '#site-uscc', '91350100M000100Y43');
    await tap(p, '#create-site');
    await until(() => textOf(p).includes('已创建站点：长春市卫生健康委员会'), 'the new site');
    expect(cloud.store.find('sites', { name: '长春市卫生健康委员会' }).docs[0]).toMatchObject({
      type: 'department',
      radiusM: 300,
      regionCode: '220102',
      uscc: '91350100M000100Y43',
    });
  });
});

describe('admin/sites: a city bureau (rule 14)', () => {
  it('should offer the initiator 市政务服务局 among the types, and create one in its city', async () => {
    const p = await openSites(world.initiator);
    await tap(p, '#new-site');
    expect(textAt(p, '#type-city_bureau')).toBe('市政务服务局');
    phone.chosenPlace = { ...PLACE, name: '长春市政务服务局' };
    await tap(p, '#pick-place');
    await tap(p, '#type-city_bureau');
    await type(p, '#site-region', '220100');
    await tap(p, '#create-site');
    await until(() => textOf(p).includes('已创建站点：长春市政务服务局'), 'the new site');
    expect(cloud.store.find('sites', { name: '长春市政务服务局' }).docs[0]).toMatchObject({
      type: 'city_bureau',
      regionCode: '220100',
    });
    expect(textOf(p)).toContain('长春市政务服务局（市政务服务局）');
  });

  it('should not offer it to a senior', async () => {
    const p = await openSites(world.senior);
    await tap(p, '#new-site');
    expect(exists(p, '#type-village')).toBe(true);
    expect(exists(p, '#type-city_bureau')).toBe(false);
  });
});

describe('admin/sites: the sites below', () => {
  it('should list a site’s children, and keep a new one within that site’s region', async () => {
    const p = await openSites(world.senior);
    await tap(p, `#children-${villageId}`);
    await until(() => textOf(p).includes('南湖社区 的下级站点'), 'the children');
    expect(textOf(p)).toContain('暂无下级站点');
    await tap(p, '#new-site');
    expect(textOf(p)).toContain('上级站点：南湖社区');
    // the region starts as the parent's
    expect(valueIn(p, '#site-region')).toBe('220102');
    phone.chosenPlace = { ...PLACE, name: '南湖农贸市场' };
    await tap(p, '#pick-place');
    await tap(p, '#type-market');
    await type(p, '#site-region', '220200');
    await tap(p, '#create-site');
    await until(() => textAt(p, '#site-region').includes('须在上级站点所在地区之内'), 'the region refused');
    await type(p, '#site-region', '220102');
    await tap(p, '#create-site');
    await until(() => textOf(p).includes('已创建站点：南湖农贸市场'), 'the market');
    expect(textOf(p)).toContain('南湖农贸市场（农贸市场）');
    expect(cloud.store.find('sites', { name: '南湖农贸市场' }).docs[0]).toMatchObject({
      parentSiteId: villageId,
      regionCode: '220102',
    });

    await tap(p, '#all-sites');
    await until(() => textOf(p).includes('我管辖的站点'), 'every site');
    expect(exists(p, `#children-${world.siteId}`)).toBe(true);
  });

  it('should offer an intermediate at a village the public places only, under its village', async () => {
    const keeper = await scannerAt(cloud, world.senior, villageId, 'intermediate', 'sitepage-village');
    const p = await openSites(keeper);
    await tap(p, '#new-site');
    expect(textOf(p)).toContain('上级站点：南湖社区');
    expect(exists(p, '#type-market') && exists(p, '#type-school')).toBe(true);
    expect(exists(p, '#type-gov') || exists(p, '#type-village') || exists(p, '#type-department')).toBe(false);
    phone.chosenPlace = { ...PLACE, name: '南湖小学' };
    await tap(p, '#pick-place');
    await tap(p, '#type-school');
    await tap(p, '#create-site');
    await until(() => textOf(p).includes('已创建站点：南湖小学'), 'the school');
    expect(cloud.store.find('sites', { name: '南湖小学' }).docs[0]).toMatchObject({
      parentSiteId: villageId,
    });
  });

  it('should offer no new site to an intermediate elsewhere', async () => {
    const p = await openSites(world.intermediate);
    expect(exists(p, '#new-site')).toBe(false);
  });

  it('should open 下级管理 at the site, chosen for the new scanner', async () => {
    const p = await openSites(world.senior);
    await tap(p, `#staff-${villageId}`);
    expect(phone.navigations).toHaveLength(1);
    const url = phone.navigations[0]!;
    expect(url.startsWith(`/admin/tree/tree?positionId=${world.senior.id}&siteId=${villageId}`)).toBe(true);
    closePage(p);

    // WeChat hands the query over as it was written (the name encoded)
    const query = Object.fromEntries(
      url
        .split('?')[1]!
        .split('&')
        .map((pair) => pair.split('=') as [string, string]),
    );
    page = openPage('admin/tree/tree', query);
    const tree = page;
    await until(() => exists(tree, `#site-${villageId}`), 'the sites to choose from');
    expect(classOf(tree, `#site-${villageId}`)).toContain('chip--on');
    expect(textAt(tree, `#site-${villageId}`)).toBe('南湖社区');
  });
});
