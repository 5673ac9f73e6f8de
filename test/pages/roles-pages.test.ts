/**
 * 码上行动 (scanner/roles; rules 7, 10, 12), driven as a finger does: my identities, going on duty at one, the
 * pages each role uses one tap away (so everything is within three taps of the code page), and a disabled
 * scanner asking the superior for activation.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { JILIN, buildWorld, type World } from '../helpers/world';
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
import { exists, orgCall, scannerAt, siteBy, textAt } from './hierarchy-helpers';

let cloud: LocalCloud;
let world: World;
let page: PageInstance | null = null;

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, 'page-initiator', 'rolespage');
});
afterAll(stopCloud);
afterEach(() => {
  if (page) closePage(page);
  page = null;
});

async function openRoles(openid: string) {
  resetPhone(openid);
  page = openPage('scanner/roles/roles');
  const opened = page;
  await until(() => exists(opened, '.role') || textOf(opened).includes('您还没有扫码员身份'), 'the roles');
  return opened;
}

describe('scanner/roles: duty', () => {
  it('should list my identities and take me on duty at the chosen one', async () => {
    const p = await openRoles(world.ordinary.openid);
    expect(textOf(p)).toContain('普通扫码员 · 长春站');
    await tap(p, `#duty-${world.ordinary.id}`);
    await until(() => phone.navigations.length > 0, 'the scan page');
    expect(phone.navigations).toEqual([`/scanner/scan/scan?positionId=${world.ordinary.id}`]);
  });

  it('should say why going on duty far from the site was refused', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'rolespage-far');
    const p = await openRoles(fresh.ordinary.openid);
    phone.location = JILIN;
    await tap(p, `#duty-${fresh.ordinary.id}`);
    await until(() => textOf(p).includes('扫码位置与站点地址偏离过大，账号已自动禁用'), 'the refusal');
    expect(phone.navigations).toEqual([]);
    // the list shows the position disabled at once, with the way to ask for its activation instead of duty
    await until(() => exists(p, `#ask-${fresh.ordinary.id}`), 'the activation request');
    expect(exists(p, `#duty-${fresh.ordinary.id}`)).toBe(false);
    expect(textOf(p)).toContain('扫码位置与站点地址偏离过大，账号已自动禁用');
  });

  it('should lead someone without an identity to the claim of an invitation', async () => {
    const p = await openRoles('rolespage-nobody');
    expect(textOf(p)).toContain('您还没有扫码员身份');
    await tap(p, '#claim');
    expect(phone.navigations).toEqual(['/scanner/claim/claim']);
  });
});

describe('scanner/roles: the pages of each role', () => {
  /** The buttons the role's row offers, tapped one after the other: where each leads. */
  async function offered(openid: string, positionId: string) {
    const p = await openRoles(openid);
    const pages: Record<string, string> = {};
    for (const key of ['duty', 'desk', 'agency', 'bureau', 'manage', 'sites', 'records', 'ask']) {
      if (!exists(p, `#${key}-${positionId}`)) continue;
      if (key === 'duty' || key === 'ask') {
        pages[key] = textAt(p, `#${key}-${positionId}`);
        continue;
      }
      await tap(p, `#${key}-${positionId}`);
      pages[key] = phone.navigations.at(-1)!;
    }
    closePage(p);
    page = null;
    return pages;
  }

  it('should offer the initiator the provincial desk, the hierarchy, the sites and the data — not duty', async () => {
    const id = world.initiator.id;
    expect(await offered('page-initiator', id)).toEqual({
      desk: `/admin/desk/desk?positionId=${id}`,
      manage: `/admin/tree/tree?positionId=${id}`,
      sites: `/admin/sites/sites?positionId=${id}`,
      records: `/admin/records/records?positionId=${id}`,
    });
  });

  it('should offer a senior duty, the hierarchy, the sites and the data', async () => {
    const id = world.senior.id;
    expect(await offered(world.senior.openid, id)).toEqual({
      duty: '上岗扫码',
      manage: `/admin/tree/tree?positionId=${id}`,
      sites: `/admin/sites/sites?positionId=${id}`,
      records: `/admin/records/records?positionId=${id}`,
    });
  });

  it('should offer an intermediate away from a village no sites, and an ordinary scanner duty and data', async () => {
    const middle = world.intermediate.id;
    expect(await offered(world.intermediate.openid, middle)).toEqual({
      duty: '上岗扫码',
      manage: `/admin/tree/tree?positionId=${middle}`,
      records: `/admin/records/records?positionId=${middle}`,
    });
    const ordinary = world.ordinary.id;
    expect(await offered(world.ordinary.openid, ordinary)).toEqual({
      duty: '上岗扫码',
      records: `/admin/records/records?positionId=${ordinary}`,
    });
  });

  it('should offer an agency its desk only: it scans nothing and sees no scan lists (rule 15)', async () => {
    const site = await siteBy(cloud, world.initiator, '长春市卫生健康委员会', 'gov', {
      regionCode: '220100',
    });
    const agency = await scannerAt(cloud, world.initiator, site, 'agency', 'rolespage-agency');
    const p = await openRoles(agency.openid);
    expect(textAt(p, `#role-${agency.id}`)).toContain('有关部门 · 长春市卫生健康委员会');
    expect(textAt(p, `#agency-${agency.id}`)).toBe('有关部门工作台');
    closePage(p);
    page = null;
    expect(await offered(agency.openid, agency.id)).toEqual({
      agency: `/admin/agency/agency?positionId=${agency.id}`,
    });
  });

  it('should offer the senior of a city bureau the applications to forward, with a senior’s pages (rule 14)', async () => {
    const site = await siteBy(cloud, world.initiator, '长春市政务服务局', 'city_bureau', {
      regionCode: '220100',
    });
    const senior = await scannerAt(cloud, world.initiator, site, 'senior', 'rolespage-bureau');
    const p = await openRoles(senior.openid);
    expect(textAt(p, `#bureau-${senior.id}`)).toBe('市政务服务局：申请转报');
    closePage(p);
    page = null;
    expect(await offered(senior.openid, senior.id)).toEqual({
      duty: '上岗扫码',
      bureau: `/admin/bureau/bureau?positionId=${senior.id}`,
      manage: `/admin/tree/tree?positionId=${senior.id}`,
      sites: `/admin/sites/sites?positionId=${senior.id}`,
      records: `/admin/records/records?positionId=${senior.id}`,
    });
    // an ordinary senior has no such desk
    expect(await offered(world.senior.openid, world.senior.id)).not.toHaveProperty('bureau');
  });
});

describe('scanner/roles: a disabled scanner asks for activation (rule 10)', () => {
  it('should send the request with a note and say the superior has been asked', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'rolespage-ask');
    await orgCall(cloud, fresh.senior.openid, {
      action: 'disable',
      actingPositionId: fresh.senior.id,
      positionId: fresh.intermediate.id,
      cascade: false,
      reason: '违规操作',
    });
    const p = await openRoles(fresh.intermediate.openid);
    const row = `#role-${fresh.intermediate.id}`;
    expect(textAt(p, row)).toContain('已禁用');
    // a disabled identity neither scans nor manages
    expect(exists(p, `#duty-${fresh.intermediate.id}`) || exists(p, `#manage-${fresh.intermediate.id}`)).toBe(
      false,
    );
    await tap(p, `#ask-${fresh.intermediate.id}`);
    await type(p, '#activation-note', '已整改完毕');
    await tap(p, '#send-request');
    await until(() => textAt(p, row).includes('已向上一级扫码员申请激活'), 'the request sent');
    expect(exists(p, `#ask-${fresh.intermediate.id}`)).toBe(false);
    expect(cloud.store.get('positions', fresh.intermediate.id)!.doc.activationRequest).toMatchObject({
      note: '已整改完毕',
    });
  });

  it('should say when there is nothing to ask, and send a request without a note', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'rolespage-ask-bare');
    await orgCall(cloud, fresh.senior.openid, {
      action: 'disable',
      actingPositionId: fresh.senior.id,
      positionId: fresh.intermediate.id,
      cascade: false,
      reason: '违规操作',
    });
    const p = await openRoles(fresh.intermediate.openid);
    await tap(p, `#ask-${fresh.intermediate.id}`);
    // meanwhile the superior activates it: there is nothing left to ask
    await orgCall(cloud, fresh.senior.openid, {
      action: 'activate',
      actingPositionId: fresh.senior.id,
      positionId: fresh.intermediate.id,
    });
    await tap(p, '#send-request');
    await until(() => textOf(p).includes('该身份已不再是禁用状态，无需申请激活'), 'the refusal');
    expect(textAt(p, `#role-${fresh.intermediate.id}`)).toContain('正常');
    expect(exists(p, `#duty-${fresh.intermediate.id}`)).toBe(true);

    await orgCall(cloud, fresh.senior.openid, {
      action: 'disable',
      actingPositionId: fresh.senior.id,
      positionId: fresh.intermediate.id,
      cascade: false,
      reason: '违规操作',
    });
    // disabled again: asked with no note
    closePage(p);
    const again = await openRoles(fresh.intermediate.openid);
    await tap(again, `#ask-${fresh.intermediate.id}`);
    await tap(again, '#send-request');
    await until(() => textOf(again).includes('已向上一级扫码员申请激活'), 'the request sent');
    expect(cloud.store.get('positions', fresh.intermediate.id)!.doc.activationRequest).toMatchObject({
      note: null,
    });
  });
});
