/**
 * 市政务服务局：申请转报 (admin/bureau; rule 14, API.md v1.1 `forwardApplication`), driven as a finger does: the
 * senior of 长春市政务服务局 sees the pending applications of its city only (unit, credit code, type, region, the
 * applicant masked), forwards one with a comment; the initiator finds it under 已转报 with the bureau's comment and
 * approves it; the applicant's 我的申请 shows it forwarded, then approved. A return needs its reason, which the
 * applicant reads; an application decided meanwhile is refreshed away.
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { usccCheckChar } from '../../miniprogram/core/uscc';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call } from '../helpers/local-cloud';
import { register, type Scanner } from '../helpers/world';
import { auditOf, callsTo, shows, tapOption, textIn } from './desk-helpers';
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
import { scannerAt, siteBy } from './hierarchy-helpers';

const INITIATOR = { id: INITIATOR_POSITION_ID, openid: 'page-initiator' };
let cloud: LocalCloud;
let bureau: Scanner;
let page: PageInstance | null = null;
let units = 0;

beforeAll(async () => {
  cloud = await startCloud();
  const changchun = await siteBy(cloud, INITIATOR, '长春市政务服务局', 'city_bureau', {
    regionCode: '220100',
  });
  bureau = await scannerAt(cloud, INITIATOR, changchun, 'senior', 'bureaupage-cc');
});
afterAll(stopCloud);
afterEach(() => {
  if (page) closePage(page);
  page = null;
});

type Applicant = Awaited<ReturnType<typeof register>> & { openid: string };

/** A unit's application in that region, by a newly registered applicant. */
async function applied(
  unitName: string,
  regionCode: string,
): Promise<{ id: string; applicant: Applicant; uscc: string }> {
  const openid = `bureaupage-applicant-${++units}`;
  const applicant = { ...(await register(cloud, openid)), openid };
  const body = `91220104MC${String(units).padStart(7, '0')}`;
  const uscc = body + usccCheckChar(body);
  const reply = await call<{ applicationId: string }>(
    cloud,
    'org',
    {
      action: 'applySenior',
      unitName,
      uscc,
      siteType: 'mall',
      address: unitName,
      location: { latitude: 43.88, longitude: 125.32 },
      applicantName: applicant.name,
      applicantPhone: applicant.phone,
      regionCode,
    },
    openid,
  );
  if (!reply.body.ok) throw new Error(`setup: applySenior: ${JSON.stringify(reply.body)}`);
  return { id: reply.body.data!.applicationId, applicant, uscc };
}

/** The page as `who` opens it, once its list has loaded. */
async function opened(
  route: string,
  who: { id: string; openid: string },
  empty: string,
): Promise<PageInstance> {
  resetPhone(who.openid);
  page = openPage(route, { positionId: who.id });
  const p = page;
  await until(() => shows(p, '.card') || textOf(p).includes(empty), `${route}`);
  return p;
}

/** The applicant's 我的申请, the row of that application. */
async function mine(applicant: Applicant, id: string): Promise<string> {
  resetPhone(applicant.openid);
  const p = openPage('admin/my-applications/my-applications');
  await until(() => shows(p, `#application-${id}`), 'my applications');
  const row = textIn(p, `#application-${id}`);
  closePage(p);
  return row;
}

describe('admin/bureau: 长春市政务服务局 forwards, the province approves (rule 14)', () => {
  it('should forward by taps, the initiator approve by taps, and the applicant see each step', async () => {
    const { id, applicant, uscc } = await applied('朝阳区欧亚便民商场', '220104');
    const elsewhere = await applied('昌邑区便民商场', '220202');
    expect(await mine(applicant, id)).toContain('待审核');

    let p = await opened('admin/bureau/bureau', bureau, '暂无待转报的申请');
    await until(() => shows(p, `#application-${id}`), 'the application');
    const card = textIn(p, `#application-${id}`);
    expect(card).toContain(`朝阳区欧亚便民商场（${uscc}）`);
    expect(card).toContain('吉林省 · 长春市 · 朝阳区');
    // the unit's type, and the applicant masked
    expect(card).toContain(`商场 · 申请人 ${applicant.name[0]}*`);
    expect(card).toContain(`${applicant.phone.slice(0, 3)}****${applicant.phone.slice(7)}`);
    expect(textOf(p)).not.toContain(applicant.name);
    expect(textOf(p)).not.toContain(applicant.phone);
    // another city's is not for this bureau
    expect(shows(p, `#application-${elsewhere.id}`)).toBe(false);

    await type(p, `#comment-${id}`, '材料齐全，同意转报');
    await tap(p, `#forward-${id}`);
    await until(() => textOf(p).includes('已转报省政数局审核'), 'the forwarding');
    await until(() => !shows(p, `#application-${id}`), 'the pending list without it');
    await tapOption(p, '#tabs', '已转报', '.t-tabs__item');
    await until(() => shows(p, `#application-${id}`), 'the forwarded list');
    expect(textIn(p, `#application-${id}`)).toContain('长春市政务服务局 已转报：材料齐全，同意转报');
    // nothing left to decide there
    expect(shows(p, `#forward-${id}`)).toBe(false);
    closePage(p);
    page = null;
    expect(auditOf(cloud, 'org.forwardApplication').at(-1)).toMatchObject({
      actorPositionId: bureau.id,
      target: id,
      reason: '材料齐全，同意转报',
      details: { approve: true },
    });

    // the applicant: forwarded, with the bureau's comment
    const forwarded = await mine(applicant, id);
    expect(forwarded).toContain('已转报省级审核');
    expect(forwarded).toContain('已由市政务服务局转报，等待省政数局审核。意见：材料齐全，同意转报');

    // the initiator: not among the pending, under 已转报 with the bureau's comment
    p = await opened('admin/applications/applications', INITIATOR, '暂无待审核的申请');
    expect(shows(p, `#application-${id}`)).toBe(false);
    await tapOption(p, '#status', '已转报', '.t-tabs__item');
    await until(() => shows(p, `#application-${id}`), 'the forwarded applications');
    expect(textIn(p, `#forwarded-${id}`)).toContain('长春市政务服务局 已转报：材料齐全，同意转报');
    expect(textIn(p, `#application-${id}`)).toContain('所在地区：吉林省 · 长春市 · 朝阳区');
    await type(p, `#comment-${id}`, '同意开通');
    await tap(p, `#approve-${id}`);
    await until(() => textOf(p).includes('仅显示一次'), 'the invite code');
    expect(textOf(p)).toContain('已通过，站点与高级扫码员账号已开通');
    await until(() => !shows(p, `#application-${id}`), 'the forwarded list without it');
    closePage(p);
    page = null;
    expect(cloud.store.get('applications', id)!.doc).toMatchObject({ status: 'approved' });

    // the applicant: approved
    const approved = await mine(applicant, id);
    expect(approved).toContain('已通过');
    expect(approved).toContain('请在72小时内认领');
  });

  it('should ask the reason of a return, and the applicant read it', async () => {
    const { id, applicant } = await applied('朝阳区红星商场', '220104');
    const p = await opened('admin/bureau/bureau', bureau, '暂无待转报的申请');
    await until(() => shows(p, `#application-${id}`), 'the application');
    await tap(p, `#return-${id}`);
    expect(textIn(p, `#comment-${id}`)).toContain('退回时请写明原因，申请人将看到');
    expect(callsTo('forwardApplication')).toBe(0);
    await type(p, `#comment-${id}`, '营业执照已过期，请更新后重新申请');
    expect(textIn(p, `#comment-${id}`)).not.toContain('退回时请写明原因');
    await tap(p, `#return-${id}`);
    await until(() => textOf(p).includes('已退回申请人'), 'the return');
    await until(() => !shows(p, `#application-${id}`), 'the list without it');
    expect(cloud.store.get('applications', id)!.doc).toMatchObject({ status: 'rejected' });

    const row = await mine(applicant, id);
    expect(row).toContain('未通过');
    expect(row).toContain('意见：营业执照已过期，请更新后重新申请');
  });

  it('should say that an application was decided meanwhile, and list what is still pending', async () => {
    const { id } = await applied('朝阳区万达商场', '220104');
    const p = await opened('admin/bureau/bureau', bureau, '暂无待转报的申请');
    await until(() => shows(p, `#application-${id}`), 'the application');
    // meanwhile the province decides it directly
    const reviewed = await call(
      cloud,
      'org',
      {
        action: 'reviewApplication',
        actingPositionId: INITIATOR.id,
        applicationId: id,
        approve: false,
        comment: '重复申请',
      },
      INITIATOR.openid,
    );
    expect(reviewed.body.ok).toBe(true);
    await tap(p, `#forward-${id}`);
    await until(() => textOf(p).includes('该申请已处理'), 'the conflict');
    await until(() => !shows(p, `#application-${id}`), 'the list as it is now');
  });
});
