/**
 * admin/records and the review of senior applications, driven as a finger does: masked scans, today's figures,
 * alerts; a scan's or an alert's detail, where 查看完整身份 asks for the reason and — only with the provincial office's
 * grant — shows the person, the reason going into the audit; and the initiator approving or refusing an
 * application with a comment, the new unit's invite code shown once.
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { usccCheckChar } from '../../miniprogram/core/uscc';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call } from '../helpers/local-cloud';
import { buildWorld, citizenWithCode, newScanId, onDuty, register, type World } from '../helpers/world';
import { auditOf, shows, tapOption, textIn } from './desk-helpers';
import {
  closePage,
  openPage,
  resetPhone,
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
let scanned: Awaited<ReturnType<typeof citizenWithCode>>;
const feverScan = 'records-page-fever-1';
let forcedAlertId = '';
let page: PageInstance;

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, 'page-initiator', 'recordspage');
  await onDuty(cloud, world.ordinary);
  scanned = await citizenWithCode(cloud, 'recordspage-scanned');
  const scan = await call(
    cloud,
    'scan',
    {
      action: 'record',
      positionId: world.ordinary.id,
      scanId: feverScan,
      qr: scanned.qrAt(Date.now()),
      temperature: 38.1,
    },
    world.ordinary.openid,
  );
  expect(scan.body.ok).toBe(true);
  const forced = await call(
    cloud,
    'scan',
    { action: 'refusal', positionId: world.ordinary.id, scanId: newScanId(), reason: 'forced_entry' },
    world.ordinary.openid,
  );
  expect(forced.body.ok).toBe(true);
  forcedAlertId = String(cloud.store.find('alerts', { kind: 'forced_entry' }).docs[0]!._id);
});
afterAll(stopCloud);

describe('admin/records', () => {
  beforeEach(async () => {
    resetPhone(world.senior.openid);
    page = openPage('admin/records/records', { positionId: world.senior.id });
    await until(() => shows(page, `#scan-${feverScan}`), 'the scans');
  });
  afterEach(() => closePage(page));

  it('should list masked scans, filter by colour, and show today’s figures and the alerts', async () => {
    expect(textIn(page, `#scan-${feverScan}`)).toContain(`${scanned.name[0]}*`);
    expect(textOf(page)).not.toContain(scanned.idNumber);
    await tap(page, '#color-red >>> .t-tag');
    await until(() => textOf(page).includes('暂无扫码记录'), 'no red scans');
    await tap(page, '#color-all >>> .t-tag');
    await until(() => shows(page, `#scan-${feverScan}`), 'every scan again');

    await tapOption(page, '#tabs', '今日统计', '.t-tabs__item');
    await until(() => /今日登记 \d+ 人次/.test(textOf(page)), 'the stats');
    expect(textOf(page)).toMatch(/拒扫\/闯入 1/);
    await tapOption(page, '#tabs', '异常提醒', '.t-tabs__item');
    await until(() => shows(page, `#alert-${forcedAlertId}`), 'the alerts');
    expect(textOf(page)).toContain('体温异常');
    expect(textOf(page)).toContain('强行闯入');
  });

  it('should ask the reason, say plainly that there is no grant, and audit the attempt with its reason', async () => {
    await tap(page, `#scan-${feverScan}`);
    await until(() => shows(page, '#detail'), 'the detail');
    expect(textIn(page, '#detail')).toContain('38.1℃');
    expect(textIn(page, '#detail')).not.toContain(scanned.idNumber);
    await tap(page, '#ask-reveal');
    await tap(page, '#confirm-reveal');
    expect(textIn(page, '#detail')).toContain('请填写查阅事由（记入审计）');
    await type(page, '#reveal-reason', '密接流调');
    await tap(page, '#confirm-reveal');
    await until(() => textIn(page, '#detail').includes('您没有有效的查阅授权'), 'the refusal');
    expect(textIn(page, '#detail')).toContain('须经省“数字吉林”建设领导小组办公室授权');
    expect(auditOf(cloud, 'records.reveal').at(-1)).toMatchObject({
      actorPositionId: world.senior.id,
      target: feverScan,
      reason: '密接流调',
      details: { outcome: 'no_grant' },
    });
  });

  it('should show the full identity with a grant, the reason in the audit', async () => {
    const granted = await call(
      cloud,
      'records',
      {
        action: 'grantReveal',
        actingPositionId: INITIATOR_POSITION_ID,
        granteePositionId: world.senior.id,
        reason: '授权流调',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      },
      'page-initiator',
    );
    expect(granted.body.ok).toBe(true);
    await tap(page, `#scan-${feverScan}`);
    await tap(page, '#ask-reveal');
    await type(page, '#reveal-reason', '联系发热人员复测体温');
    await tap(page, '#confirm-reveal');
    await until(() => shows(page, '#revealed'), 'the identity');
    expect(textIn(page, '#revealed')).toContain(scanned.name);
    expect(textIn(page, '#revealed')).toContain(scanned.idNumber);
    expect(textIn(page, '#revealed')).toContain(scanned.phone);
    expect(auditOf(cloud, 'records.reveal').at(-1)).toMatchObject({
      target: feverScan,
      reason: '联系发热人员复测体温',
      details: { outcome: 'revealed' },
    });
    // leaving the detail forgets what was shown
    await tap(page, '#close-detail');
    expect(textOf(page)).not.toContain(scanned.idNumber);
  });

  it('should reveal from an alert with a scan, and offer nothing for a forced entry', async () => {
    await tapOption(page, '#tabs', '异常提醒', '.t-tabs__item');
    await until(() => shows(page, `#alert-${forcedAlertId}`), 'the alerts');
    await tap(page, `#alert-${forcedAlertId}`);
    await until(() => shows(page, '#detail'), 'the detail');
    expect(textIn(page, '#detail')).toContain('强行闯入未扫码，没有可查阅的身份信息');
    expect(shows(page, '#ask-reveal')).toBe(false);
    await tap(page, '#close-detail');

    const [fever] = cloud.store.find('alerts', { scanId: feverScan }).docs;
    await tap(page, `#alert-${fever!._id}`);
    await until(() => shows(page, '#ask-reveal'), 'the reveal offered');
    expect(textIn(page, '#detail')).toContain('体温异常');
    await tap(page, '#ask-reveal');
    await type(page, '#reveal-reason', '异常提醒核查');
    await tap(page, '#confirm-reveal');
    await until(() => shows(page, '#revealed') || textIn(page, '#detail').includes('授权'), 'the answer');
    expect(auditOf(cloud, 'records.reveal').at(-1)).toMatchObject({
      target: feverScan,
      reason: '异常提醒核查',
    });
  });
});

describe('admin/applications: the initiator reviews', () => {
  const USCC = ['91220101MA0000101X', '91220101MA0000102X'];

  async function applied(openid: string, unitName: string, uscc: string): Promise<string> {
    const applicant = await register(cloud, openid);
    const reply = await call<{ applicationId: string }>(
      cloud,
      'org',
      {
        action: 'applySenior',
        unitName,
        uscc,
        siteType: 'gov',
        address: '长春市朝阳区',
        location: { latitude: 43.88, longitude: 125.32 },
        applicantName: applicant.name,
        applicantPhone: applicant.phone,
      },
      openid,
    );
    if (!reply.body.ok) throw new Error(`applySenior: ${JSON.stringify(reply.body)}`);
    return reply.body.data!.applicationId;
  }

  it('should approve with a comment and show the new unit’s invite code once', async () => {
    const uscc = USCC[0]!.slice(0, 17) + usccCheckChar(USCC[0]!.slice(0, 17));
    const id = await applied('recordspage-applicant', '长春市教育局', uscc);
    resetPhone('page-initiator');
    page = openPage('admin/applications/applications', { positionId: INITIATOR_POSITION_ID });
    await until(() => shows(page, `#application-${id}`), 'the pending application');
    expect(textIn(page, `#application-${id}`)).toContain('长春市教育局');
    await type(page, `#comment-${id}`, '材料齐全，同意开通');
    await tap(page, `#approve-${id}`);
    await until(() => textOf(page).includes('仅显示一次'), 'the invite code');
    expect(textOf(page)).toMatch(/邀请码（仅显示一次，请转交申请人）：\s*[A-Z2-9]{10}/);
    expect(textOf(page)).toContain('已通过，站点与高级扫码员账号已开通');
    expect(shows(page, `#application-${id}`)).toBe(false);
    expect(cloud.store.get('applications', id)!.doc).toMatchObject({ status: 'approved' });
    expect(JSON.stringify(cloud.store.get('applications', id)!.doc)).toContain('材料齐全，同意开通');
    closePage(page);
  });

  it('should refuse with the reason given', async () => {
    const uscc = USCC[1]!.slice(0, 17) + usccCheckChar(USCC[1]!.slice(0, 17));
    const id = await applied('recordspage-refused', '长春市体育局', uscc);
    resetPhone('page-initiator');
    page = openPage('admin/applications/applications', { positionId: INITIATOR_POSITION_ID });
    await until(() => shows(page, `#application-${id}`), 'the pending application');
    await type(page, `#comment-${id}`, '缺少单位公函');
    await tap(page, `#reject-${id}`);
    await until(() => textOf(page).includes('已驳回'), 'the refusal');
    expect(textOf(page)).not.toContain('仅显示一次');
    expect(cloud.store.get('applications', id)!.doc).toMatchObject({ status: 'rejected' });
    expect(JSON.stringify(cloud.store.get('applications', id)!.doc)).toContain('缺少单位公函');
    closePage(page);
  });
});
