/**
 * 下级管理 (admin/tree; rules 6, 10), driven as a finger does: a scanner created at a chosen site with its invite
 * code shown once, the server's reasons under the fields, a holder replaced, a cascade disabling three levels,
 * and the badge of requests for activation with 激活 one tap away.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
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
import { classOf, exists, orgCall, siteBy, textAt, toggle } from './hierarchy-helpers';

let cloud: LocalCloud;
let world: World;
let page: PageInstance | null = null;

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, 'page-initiator', 'treepage');
});
afterAll(stopCloud);
afterEach(() => {
  if (page) closePage(page);
  page = null;
});

/** Opens the tree page as the holder of `acting`, once its list has loaded. */
async function openTree(acting: { id: string; openid: string }, query: Record<string, string> = {}) {
  resetPhone(acting.openid);
  page = openPage('admin/tree/tree', { positionId: acting.id, ...query });
  const opened = page;
  await until(() => textOf(opened).includes('下级扫码员'), 'the list');
  await until(() => exists(opened, '.row') || textOf(opened).includes('暂无下级扫码员'), 'the rows');
  return opened;
}

describe('admin/tree: new scanners', () => {
  it('should create a scanner at the chosen site and show its invite code once', async () => {
    const village = await siteBy(cloud, world.senior, '南湖社区', 'village');
    const p = await openTree(world.senior);
    await until(() => exists(p, `#site-${village}`), 'the sites to choose from');
    // the senior's own site is offered first, and chosen until another is tapped
    expect(classOf(p, `#site-${world.siteId}`)).toContain('chip--on');
    expect(textAt(p, `#site-${world.siteId}`)).toBe('长春站（本站点）');
    expect(exists(p, '#role-intermediate') && exists(p, '#role-ordinary')).toBe(true);
    expect(exists(p, '#role-senior')).toBe(false);

    await tap(p, `#site-${village}`);
    await tap(p, '#role-intermediate');
    const holder = personOf(5101);
    await type(p, '#holder-name', holder.name);
    await type(p, '#holder-phone', holder.phone);
    await tap(p, '#create-position');
    await until(() => exists(p, '#invite'), 'the invite code');
    const invite = textAt(p, '#invite');
    expect(invite).toContain('仅显示一次');
    expect(invite).toMatch(/[A-Z2-9]{10}/);
    expect(invite).toContain('中级扫码员');
    expect(invite).toContain('南湖社区');
    const code = /[A-Z2-9]{10}/.exec(invite)![0];

    // the position is at the village, waiting for its holder
    const created = cloud.store.find('positions', { siteId: village }).docs;
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ role: 'intermediate', status: 'pending' });
    await until(() => textOf(p).includes('南湖社区'), 'the new row');
    expect(textAt(p, `#row-${created[0]!._id}`)).toContain('待认领');

    await tap(p, '#copy-invite');
    await until(() => phone.toasts.includes('邀请码已复制'), 'the copy');

    // shown once: opened again, the page has no code to show
    closePage(p);
    const again = await openTree(world.senior);
    expect(exists(again, '#invite')).toBe(false);
    expect(textOf(again)).not.toContain(code);
  });

  it('should show the server’s reasons under the name and phone', async () => {
    const p = await openTree(world.intermediate);
    expect(exists(p, '#role-ordinary')).toBe(true);
    await type(p, '#holder-name', '王建国');
    await type(p, '#holder-phone', '12345');
    await tap(p, '#create-position');
    await until(() => textOf(p).includes('手机号码格式不正确'), 'the refusal');
    expect(textAt(p, '#holder-phone')).toContain('格式不正确');
    expect(textAt(p, '#holder-name')).not.toContain('不正确');
    expect(exists(p, '#invite')).toBe(false);
  });

  it('should offer no form to an ordinary scanner', async () => {
    const p = await openTree(world.ordinary);
    expect(exists(p, '#create-position')).toBe(false);
    expect(textOf(p)).toContain('暂无下级扫码员');
  });

  it('should let the initiator create an agency (有关部门) at a chosen site and list it (rule 15)', async () => {
    const health = await siteBy(cloud, world.initiator, '长春市卫生健康委员会（树）', 'gov', {
      regionCode: '220100',
    });
    const p = await openTree(world.initiator);
    await until(() => exists(p, `#site-${health}`), 'the sites to choose from');
    // the initiator's roles: a unit's senior, and an agency
    expect(textAt(p, '#role-senior')).toBe('高级扫码员');
    expect(textAt(p, '#role-agency')).toBe('有关部门');
    await tap(p, `#site-${health}`);
    await tap(p, '#role-agency');
    expect(classOf(p, '#role-agency')).toContain('chip--on');
    const holder = personOf(5103);
    await type(p, '#holder-name', holder.name);
    await type(p, '#holder-phone', holder.phone);
    await tap(p, '#create-position');
    await until(() => exists(p, '#invite'), 'the invite code');
    expect(textAt(p, '#invite')).toContain(`有关部门 ${holder.name} · 长春市卫生健康委员会（树）`);
    const [agency] = cloud.store.find('positions', { siteId: health }).docs;
    expect(agency).toMatchObject({ role: 'agency', status: 'pending' });
    await until(() => exists(p, `#row-${agency!._id}`), 'the new row');
    const row = textAt(p, `#row-${agency!._id}`);
    expect(row).toContain(`有关部门 ${holder.name[0]}*`);
    expect(row).toContain('长春市卫生健康委员会（树）');
    expect(row).toContain('待认领');
  });
});

describe('admin/tree: replace, disable, activate', () => {
  it('should replace a direct subordinate’s holder with a reason and show the new invite code', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'treepage-replace');
    const p = await openTree(fresh.senior);
    // only direct subordinates are replaced by this position
    expect(exists(p, `#replace-${fresh.intermediate.id}`)).toBe(true);
    expect(exists(p, `#replace-${fresh.ordinary.id}`)).toBe(false);
    await tap(p, `#replace-${fresh.intermediate.id}`);
    const successor = personOf(5102);
    await type(p, '#replace-name', successor.name);
    await type(p, '#replace-phone', successor.phone);
    await tap(p, '#replace-confirm');
    await until(() => textOf(p).includes('请填写此项'), 'the missing reason');
    expect(textAt(p, '#replace-reason')).toContain('请填写此项');
    await type(p, '#replace-reason', '岗位调整');
    await tap(p, '#replace-confirm');
    await until(() => exists(p, '#invite'), 'the new invite code');
    expect(textOf(p)).toContain('已更换，原持有人即时失去该账号');
    expect(textAt(p, '#invite')).toContain(successor.name);
    expect(textAt(p, `#row-${fresh.intermediate.id}`)).toContain('待认领');
    expect(cloud.store.get('positions', fresh.intermediate.id)!.doc.holder).toMatchObject({ openid: null });
  });

  it('should disable three levels at once with 包括全部下级, and show each in the list', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'treepage-cascade');
    const p = await openTree(fresh.initiator);
    // the tree: each position under its superior
    expect(classOf(p, `#row-${fresh.senior.id}`)).toContain('row--depth-1');
    expect(classOf(p, `#row-${fresh.intermediate.id}`)).toContain('row--depth-2');
    expect(classOf(p, `#row-${fresh.ordinary.id}`)).toContain('row--depth-3');

    await tap(p, `#disable-${fresh.senior.id}`);
    await tap(p, '#disable-confirm');
    await until(() => textAt(p, '#disable-reason').includes('请填写此项'), 'the missing reason');
    await type(p, '#disable-reason', '单位撤并');
    await toggle(p, '#disable-cascade');
    await tap(p, '#disable-confirm');
    await until(() => textOf(p).includes('已禁用 3 个账号'), 'the cascade');
    expect(textAt(p, `#row-${fresh.senior.id}`)).toContain('已禁用（上级扫码员禁用）');
    expect(textAt(p, `#row-${fresh.intermediate.id}`)).toContain('已禁用（上级账号被禁用）');
    expect(textAt(p, `#row-${fresh.ordinary.id}`)).toContain('已禁用（上级账号被禁用）');
    // the other senior is untouched
    expect(textAt(p, `#row-${fresh.otherSenior.id}`)).toContain('正常');
    // the initiator activates any of them
    expect(exists(p, `#activate-${fresh.ordinary.id}`)).toBe(true);
  });

  it('should disable one position alone, and offer 激活 to its direct superior only', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'treepage-alone');
    const p = await openTree(fresh.senior);
    await tap(p, `#disable-${fresh.intermediate.id}`);
    await type(p, '#disable-reason', '违规操作');
    await tap(p, '#disable-confirm');
    await until(() => textOf(p).includes('已禁用 1 个账号'), 'the disable');
    expect(textAt(p, `#row-${fresh.ordinary.id}`)).toContain('正常');
    expect(exists(p, `#activate-${fresh.intermediate.id}`)).toBe(true);
    await tap(p, `#activate-${fresh.intermediate.id}`);
    await until(() => textOf(p).includes('已激活'), 'the activation');
    expect(textAt(p, `#row-${fresh.intermediate.id}`)).toContain('正常');

    // below the intermediate, the senior may disable but not activate: that is the intermediate's to do
    await tap(p, `#disable-${fresh.ordinary.id}`);
    await type(p, '#disable-reason', '违规操作');
    await tap(p, '#disable-confirm');
    await until(() => textAt(p, `#row-${fresh.ordinary.id}`).includes('已禁用'), 'the disable');
    expect(exists(p, `#activate-${fresh.ordinary.id}`)).toBe(false);
  });
});

describe('admin/tree: requests for activation (rule 10)', () => {
  it('should show the badge and the note from the roles page, with 激活 one tap away', async () => {
    const fresh = await buildWorld(cloud, 'page-initiator', 'treepage-request');
    await orgCall(cloud, fresh.senior.openid, {
      action: 'disable',
      actingPositionId: fresh.senior.id,
      positionId: fresh.intermediate.id,
      cascade: true,
      reason: '违规操作',
    });
    // the disabled intermediate asks on 码上行动
    resetPhone(fresh.intermediate.openid);
    const roles = openPage('scanner/roles/roles');
    await until(() => exists(roles, `#ask-${fresh.intermediate.id}`), 'the request button');
    await tap(roles, `#ask-${fresh.intermediate.id}`);
    await type(roles, '#activation-note', '已整改，请恢复');
    await tap(roles, '#send-request');
    await until(() => textOf(roles).includes('已向上一级扫码员申请激活'), 'the request sent');
    closePage(roles);

    const p = await openTree(fresh.senior);
    await until(() => exists(p, '#requests'), 'the badge');
    expect(textAt(p, '#requests')).toBe('激活申请1');
    expect(textAt(p, `#row-${fresh.intermediate.id}`)).toContain('已整改，请恢复');
    // the badge shows the requests alone
    await tap(p, '#requests');
    expect(exists(p, `#row-${fresh.ordinary.id}`)).toBe(false);
    await tap(p, `#activate-${fresh.intermediate.id}`);
    await until(() => textOf(p).includes('已激活'), 'the activation');
    expect(exists(p, '#requests')).toBe(false);
    expect(textAt(p, `#row-${fresh.intermediate.id}`)).toContain('正常');
    // everything shows again once no request is left
    expect(exists(p, `#row-${fresh.ordinary.id}`)).toBe(true);
  });
});
