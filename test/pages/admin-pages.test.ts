/**
 * The admin subpackage: the hierarchy below an acting position (create with a one-time invite code, disable,
 * activate), the scoped records with stats, alerts and reveal, and senior applications.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { buildWorld, citizenWithCode, onDuty, register, type World } from '../helpers/world';
import { methods, openPage, tapOn, phone, resetPhone, startCloud, stopCloud, textOf, until } from './harness';

let cloud: LocalCloud;
let world: World;

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, 'page-initiator', 'adminpage');
});
afterAll(stopCloud);

const withId = (id: string, extra: Record<string, unknown> = {}) => tapOn({ id, ...extra });

describe('admin/tree', () => {
  it('should create an ordinary scanner and show its invite code once', async () => {
    resetPhone(world.intermediate.openid);
    const page = openPage('admin/tree/tree', { positionId: world.intermediate.id });
    await until(() => page.data.creatable.length > 0, 'the form');
    expect(page.data.creatable).toEqual([{ value: 'ordinary', label: '普通扫码员' }]);
    const holder = personOf(5001);
    methods(page).onField({
      detail: { value: holder.name },
      currentTarget: { dataset: { field: 'holderName' } },
    });
    methods(page).onField({
      detail: { value: holder.phone },
      currentTarget: { dataset: { field: 'holderPhone' } },
    });
    await methods(page).create();
    expect(page.data.inviteCode).toMatch(/^[A-Z2-9]{10}$/);
    expect(textOf(page)).toContain('仅显示一次');
    expect(textOf(page)).toContain('待认领');
  });

  it('should disable and activate a subordinate, showing the reason', async () => {
    resetPhone(world.senior.openid);
    const page = openPage('admin/tree/tree', { positionId: world.senior.id });
    await until(() => page.data.rows.length > 0, 'the subordinates');
    await methods(page).disable(withId(world.intermediate.id));
    expect(page.data.message).toBe('已禁用 1 个账号');
    expect(textOf(page)).toContain('已禁用（上级扫码员禁用）');
    // only the direct superior (or the initiator) is offered activation
    const offered = (page.data.rows as Array<{ positionId: string; canActivate: boolean }>).filter(
      (r) => r.canActivate,
    );
    expect(offered.map((r) => r.positionId)).toEqual([world.intermediate.id]);
    await methods(page).activate(withId(world.intermediate.id));
    expect(page.data.message).toBe('已激活');
  });
});

describe('admin/records', () => {
  it('should list masked scans, today’s figures and alerts, and reveal only with a grant', async () => {
    await onDuty(cloud, world.ordinary);
    const c = await citizenWithCode(cloud, 'adminpage-scanned');
    await cloud.functions.invoke(
      'scan',
      {
        action: 'record',
        positionId: world.ordinary.id,
        scanId: 'adminpage-scan-1',
        qr: c.qrAt(Date.now()),
        temperature: 38.0,
      },
      { openid: world.ordinary.openid },
    );
    resetPhone(world.senior.openid);
    const page = openPage('admin/records/records', { positionId: world.senior.id });
    await until(() => page.data.scans.length > 0, 'the scans');
    expect(textOf(page)).toContain(c.name[0] + '*');
    expect(textOf(page)).not.toContain(c.idNumber);

    methods(page).onTab({ detail: { value: 'stats' } });
    await until(() => page.data.stats !== null, 'the stats');
    expect(textOf(page)).toMatch(/今日登记 \d+ 人次/);
    methods(page).onTab({ detail: { value: 'alerts' } });
    await until(() => page.data.alerts.length > 0, 'the alerts');
    expect(textOf(page)).toContain('体温异常');

    await methods(page).reveal(withId('adminpage-scan-1'));
    expect(page.data.message).toBe('请先填写查阅事由（将记入审计）');
    methods(page).onRevealReason({ detail: { value: '密接流调' } });
    await methods(page).reveal(withId('adminpage-scan-1'));
    expect(page.data.message).toBe('未获得查阅授权或授权已过期');
    await cloud.functions.invoke(
      'records',
      {
        action: 'grantReveal',
        actingPositionId: world.initiator.id,
        granteePositionId: world.senior.id,
        reason: '授权流调',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      },
      { openid: 'page-initiator' },
    );
    await methods(page).reveal(withId('adminpage-scan-1'));
    expect(page.data.revealed).toMatchObject({ name: c.name, idNumber: c.idNumber });
  });
});

describe('admin/applications', () => {
  it('should submit an application and let the initiator approve it with an invite code', async () => {
    const applicant = await register(cloud, 'adminpage-applicant');
    resetPhone('adminpage-applicant');
    const apply = openPage('admin/applications/applications');
    const field = (name: string, value: string) =>
      methods(apply).onField({ detail: { value }, currentTarget: { dataset: { field: name } } });
    field('unitName', '长春市教育局');
    field('uscc', '91350100M000100Y44');
    field('address', '长春市');
    field('applicantName', applicant.name);
    field('applicantPhone', applicant.phone);
    await methods(apply).apply();
    expect(apply.data.message).toBe('统一社会信用代码校验失败');
    expect(apply.data.hints).toEqual({ uscc: '校验位错误，请核对号码' });
    field('uscc', '91350100M000100Y43');
    await methods(apply).apply();
    expect(apply.data.message).toBe('申请已提交，请等待省政数局审核。');

    resetPhone('page-initiator');
    const review = openPage('admin/applications/applications', { positionId: world.initiator.id });
    await until(() => review.data.rows.length > 0, 'the pending applications');
    expect(textOf(review)).toContain('长春市教育局');
    await methods(review).review(withId(review.data.rows[0].id, { approve: true }));
    expect(review.data.inviteCode).toMatch(/^[A-Z2-9]{10}$/);
    expect(review.data.message).toBe('已通过，站点与高级扫码员账号已开通');
    expect(phone.navigations).toEqual([]);
  });

  it('should show the API.md v1.1 limits of a unit name under its field', async () => {
    const applicant = await register(cloud, 'adminpage-applicant-name');
    resetPhone('adminpage-applicant-name');
    const apply = openPage('admin/applications/applications');
    const field = (name: string, value: string) =>
      methods(apply).onField({ detail: { value }, currentTarget: { dataset: { field: name } } });
    field('unitName', '长春市教育局”请访问http://t.cn/x“');
    field('uscc', '91220100MA0000101A');
    field('address', '长春市');
    field('applicantName', applicant.name);
    field('applicantPhone', applicant.phone);
    await methods(apply).apply();
    expect(apply.data.hints).toEqual({ unitName: '格式不正确' });
    field('unitName', '局'.repeat(41));
    await methods(apply).apply();
    expect(apply.data.hints).toEqual({ unitName: '内容过长' });
    field('unitName', '长春市南关区·自由大路（东段）便民服务中心');
    await methods(apply).apply();
    expect(apply.data.message).toBe('申请已提交，请等待省政数局审核。');
  });
});
