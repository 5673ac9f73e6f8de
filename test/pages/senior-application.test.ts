/**
 * A unit's senior application from the citizen's side (rules 9, 10; API.md `applySenior`, v1.1 `myApplications`):
 * reached from the code page in two taps, the form with the place picked on the map and the server's reasons under
 * each field, the replacement of the unit's senior with the position and the letter, and where each of my
 * applications stands. Driven on the rendered WXML only.
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { usccCheckChar } from '../../miniprogram/core/uscc';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { flip, isRendered, textIn, valueIn } from './citizen-helpers';
import {
  choose,
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

let cloud: LocalCloud;
let nextPerson = 5600;
let nextUnit = 0;

beforeAll(async () => {
  cloud = await startCloud();
});
afterAll(stopCloud);

const usccOf = (n: number) => {
  const body = `91220101MA${String(8000 + n).padStart(7, '0')}`;
  return body + usccCheckChar(body);
};

async function ok<T>(fn: string, openid: string, data: Record<string, unknown>): Promise<T> {
  const reply = (await cloud.functions.invoke(fn, data, { openid })) as { ok: boolean; data: T };
  if (!reply.ok) throw new Error(`${fn}.${String(data.action)}: ${JSON.stringify(reply)}`);
  return reply.data;
}

async function citizen(openid: string) {
  const me = personOf(nextPerson++);
  await ok('citizen', openid, { action: 'register', ...me });
  return me;
}

const EDUCATION_BUREAU = {
  name: '长春市教育局',
  address: '吉林省长春市朝阳区人民大街1号',
  latitude: 43.8868,
  longitude: 125.3245,
};

/** The form page, opened by `openid`, with the place picked on the map. */
async function applyPage(openid: string): Promise<PageInstance> {
  resetPhone(openid);
  const page = openPage('admin/apply/apply');
  phone.chosenPlace = { ...EDUCATION_BUREAU };
  await tap(page, '#location');
  return page;
}

/** Fills the form as the unit's clerk does: every field right. */
async function fill(
  page: PageInstance,
  unit: { name: string; uscc: string },
  holder: { name: string; phone: string },
) {
  await type(page, '#unit-name', unit.name);
  await type(page, '#uscc', unit.uscc);
  await type(page, '#region-code', '220104');
  await type(page, '#applicant-name', holder.name);
  await type(page, '#applicant-phone', holder.phone);
}

async function submit(page: PageInstance, until_: () => boolean, what: string) {
  await tap(page, '#submit');
  await until(until_, what);
}

const applicationsOf = (openid: string) =>
  cloud.store.find('applications', { 'applicant.openid': openid }).docs as Array<Record<string, unknown>>;

describe('admin/apply: the form', () => {
  it('should be reached from the code page in two taps: 单位申请高级扫码员, then 填写新的申请', async () => {
    await citizen('apply-reach');
    resetPhone('apply-reach');
    const code = openPage('pages/code/code');
    await until(() => isRendered(code, '#applications'), 'the code page');
    await tap(code, '#applications');
    expect(phone.navigations).toEqual(['/admin/my-applications/my-applications']);
    closePage(code);
    const mine = openPage('admin/my-applications/my-applications');
    await until(() => isRendered(mine, '#none'), 'my applications');
    expect(textOf(mine)).toContain('您还没有提交过申请');
    await tap(mine, '#apply');
    expect(phone.navigations.at(-1)).toBe('/admin/apply/apply');
    closePage(mine);
  });

  it('should ask for the place on the map before sending anything', async () => {
    await citizen('apply-noplace');
    resetPhone('apply-noplace');
    const page = openPage('admin/apply/apply');
    expect(textIn(page, '#location')).toContain('尚未选择');
    await tap(page, '#submit');
    expect(textIn(page, '#location-hint')).toBe('请在地图上选择单位所在位置');
    expect(textIn(page, '#message')).toBe('请按提示修改标红的项目');
    expect(phone.cloudCalls).toEqual([]);
    // the map: cancelled first, then a place picked, which also fills the address
    await tap(page, '#location');
    expect(textIn(page, '#location')).toContain('尚未选择');
    phone.chosenPlace = { ...EDUCATION_BUREAU };
    await tap(page, '#location');
    expect(textIn(page, '#location')).toContain('长春市教育局（吉林省长春市朝阳区人民大街1号）');
    expect(isRendered(page, '#location-hint')).toBe(false);
    expect(valueIn(page, '#address')).toBe(EDUCATION_BUREAU.address);
    closePage(page);
  });

  it('should show the server’s reasons under each wrong field, one check after another', async () => {
    const me = await citizen('apply-errors');
    const page = await applyPage('apply-errors');
    await type(page, '#unit-name', '长春市“教育局”');
    await type(page, '#uscc', '91350100M000100Y44');
    await type(page, '#region-code', '110000');
    await type(page, '#applicant-name', 'X');
    await type(page, '#applicant-phone', '12345');
    // the shape first: the name and the region
    await submit(page, () => textIn(page, '#unit-name').includes('名称不能含'), 'the shape refused');
    expect(textIn(page, '#unit-name')).toContain('名称不能含引号、尖括号、链接或控制字符');
    expect(textIn(page, '#region-code')).toContain('请填写吉林省的六位地区代码，如220102');
    expect(textIn(page, '#message')).toBe('请按提示修改标红的项目');
    // typing into a field takes its hint away
    await type(page, '#unit-name', '长春市教育局');
    expect(textIn(page, '#unit-name')).not.toContain('名称不能含');
    await type(page, '#region-code', '220104');
    // then the credit code (GB 32100)
    await submit(page, () => textIn(page, '#uscc').includes('校验位错误'), 'the credit code refused');
    expect(textIn(page, '#uscc')).toContain('校验位错误，请核对代码');
    await type(page, '#uscc', usccOf(1));
    // then the future senior's name and phone, both at once
    await submit(page, () => textIn(page, '#applicant-name').includes('姓名'), 'the holder refused');
    expect(textIn(page, '#applicant-name')).toContain('请填写与身份证一致的姓名');
    expect(textIn(page, '#applicant-phone')).toContain('请填写11位手机号码');
    expect(applicationsOf('apply-errors')).toEqual([]);
    await type(page, '#applicant-name', me.name);
    await type(page, '#applicant-phone', me.phone);
    await submit(page, () => phone.navigations.includes('back'), 'the application');
    expect(phone.toasts).toEqual(['申请已提交']);
    closePage(page);
  });

  it('should send the unit, its type, the place on the map and its region, and show it pending in my applications', async () => {
    const holder = await citizen('apply-ok');
    const page = await applyPage('apply-ok');
    const unit = { name: `长春市教育局${++nextUnit}`, uscc: usccOf(10 + nextUnit) };
    expect(textIn(page, '#region-code')).toContain('吉林省');
    await fill(page, unit, holder);
    // the region named as it is typed
    expect(textIn(page, '#region-code')).toContain('吉林省 · 长春市 · 朝阳区');
    await choose(page, '#site-type', 0); // 机关/政务大厅
    expect(textIn(page, '#site-type')).toContain('机关/政务大厅');
    await submit(page, () => phone.navigations.includes('back'), 'the application');
    expect(phone.toasts).toEqual(['申请已提交']);
    closePage(page);
    const [stored] = applicationsOf('apply-ok');
    expect(stored).toMatchObject({
      status: 'pending',
      unitName: unit.name,
      uscc: unit.uscc,
      siteType: 'gov',
      address: EDUCATION_BUREAU.address,
      regionCode: '220104',
      location: { coordinates: [EDUCATION_BUREAU.longitude, EDUCATION_BUREAU.latitude] },
      replacesPositionId: null,
      letter: null,
    });

    const mine = openPage('admin/my-applications/my-applications');
    await until(() => isRendered(mine, `#application-${String(stored!._id)}`), 'my application');
    const row = textIn(mine, `#application-${String(stored!._id)}`);
    expect(row).toContain(unit.name);
    expect(row).toContain('待审核');
    expect(row).toMatch(/提交于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    closePage(mine);
  });

  it('should ask for the position and the letter when replacing the unit’s senior, and send both', async () => {
    // a unit with its senior (the site carries the unit's credit code)
    const unit = { name: `长春市卫健委${++nextUnit}`, uscc: usccOf(10 + nextUnit) };
    const { siteId } = await ok<{ siteId: string }>('org', 'page-initiator', {
      action: 'createSite',
      actingPositionId: INITIATOR_POSITION_ID,
      name: unit.name,
      type: 'gov',
      address: '长春市',
      location: { latitude: 43.88, longitude: 125.32 },
      uscc: unit.uscc,
    });
    const old = personOf(nextPerson++);
    const senior = await ok<{ positionId: string }>('org', 'page-initiator', {
      action: 'createPosition',
      actingPositionId: INITIATOR_POSITION_ID,
      siteId,
      role: 'senior',
      holderName: old.name,
      holderPhone: old.phone,
    });
    const successor = await citizen('apply-replace');
    const page = await applyPage('apply-replace');
    await fill(page, unit, successor);
    expect(isRendered(page, '#replaces-position')).toBe(false);
    await flip(page, '#replacing');
    expect(isRendered(page, '#replaces-position')).toBe(true);
    expect(isRendered(page, '#letter')).toBe(true);

    // no position named: the phone says so (the server would take it for a new unit)
    await tap(page, '#submit');
    expect(textIn(page, '#replaces-position')).toContain('请填写要更换的高级扫码员账号编号');
    expect(phone.cloudCalls).toEqual([]);
    // the letter is asked for first
    await type(page, '#replaces-position', INITIATOR_POSITION_ID);
    await submit(page, () => isRendered(page, '#letter-hint'), 'the letter asked for');
    expect(textIn(page, '#letter-hint')).toBe('更换高级扫码员须附说明原因的函件');
    await type(page, '#letter', '原高级扫码员调离本单位，特申请更换。\n此致');
    // then whose senior it is: not another unit's
    await submit(page, () => textIn(page, '#replaces-position').includes('不是本单位'), 'the refusal');
    expect(textIn(page, '#message')).toBe('只能更换本单位的高级扫码员');
    expect(isRendered(page, '#letter-hint')).toBe(false);
    await type(page, '#replaces-position', senior.positionId);
    await submit(page, () => phone.navigations.includes('back'), 'the application');
    closePage(page);
    expect(applicationsOf('apply-replace')).toEqual([
      expect.objectContaining({
        status: 'pending',
        replacesPositionId: senior.positionId,
        letter: '原高级扫码员调离本单位，特申请更换。\n此致',
      }),
    ]);
  });
});

describe('admin/my-applications: where each stands', () => {
  it('should show pending, forwarded, approved and refused applications with the reviewers’ comments', async () => {
    const me = await citizen('mine-statuses');
    const apply = async (unitName: string) => {
      const n = ++nextUnit;
      return (
        await ok<{ applicationId: string }>('org', 'mine-statuses', {
          action: 'applySenior',
          unitName,
          uscc: usccOf(10 + n),
          siteType: 'gov',
          address: '长春市',
          location: { latitude: 43.88, longitude: 125.32 },
          applicantName: me.name,
          applicantPhone: me.phone,
        })
      ).applicationId;
    };
    const refused = await apply('长春市甲局');
    const approved = await apply('长春市乙局');
    const forwarded = await apply('长春市丙局');
    const pending = await apply('长春市丁局');
    const review = (applicationId: string, approve: boolean, comment?: string) =>
      ok('org', 'page-initiator', {
        action: 'reviewApplication',
        actingPositionId: INITIATOR_POSITION_ID,
        applicationId,
        approve,
        ...(comment ? { comment } : {}),
      });
    await review(refused, false, '材料不全，请补充加盖公章的申请表');
    await review(approved, true);
    // the city bureau's forwarding (API.md v1.1 forwardApplication; through its page in city-bureau.test.ts): written
    // here as that action writes it
    const doc = cloud.store.get('applications', forwarded)!.doc;
    cloud.store.replace('applications', doc, {
      ...doc,
      status: 'forwarded',
      forwarded: { at: new Date(), by: 'city-bureau-senior', comment: '材料齐全，同意转报' },
    });

    resetPhone('mine-statuses');
    const page = openPage('admin/my-applications/my-applications');
    await until(() => isRendered(page, `#application-${pending}`), 'my applications');
    const row = (id: string) => textIn(page, `#application-${id}`);
    expect(row(pending)).toContain('长春市丁局');
    expect(row(pending)).toContain('待审核');
    expect(row(forwarded)).toContain('已转报省级审核');
    expect(row(forwarded)).toContain('已由市政务服务局转报，等待省政数局审核。意见：材料齐全，同意转报');
    expect(row(approved)).toContain('已通过');
    expect(row(approved)).toContain('请在72小时内认领');
    expect(row(refused)).toContain('未通过');
    expect(row(refused)).toContain('意见：材料不全，请补充加盖公章的申请表');
    // newest first
    const text = textOf(page);
    expect(text.indexOf('长春市丁局')).toBeLessThan(text.indexOf('长春市甲局'));
    // the approved one leads its future senior to the claim
    expect(isRendered(page, `#claim-${refused}`)).toBe(false);
    await tap(page, `#claim-${approved}`);
    expect(phone.navigations).toEqual(['/scanner/claim/claim']);
    closePage(page);
  });

  it('should list a new application when the person comes back from the form', async () => {
    const me = await citizen('mine-back');
    resetPhone('mine-back');
    const page = openPage('admin/my-applications/my-applications');
    await until(() => isRendered(page, '#none'), 'no applications');
    await ok('org', 'mine-back', {
      action: 'applySenior',
      unitName: '长春市戊局',
      uscc: usccOf(10 + ++nextUnit),
      siteType: 'gov',
      address: '长春市',
      location: { latitude: 43.88, longitude: 125.32 },
      applicantName: me.name,
      applicantPhone: me.phone,
    });
    // WeChat shows the page again after the form's navigateBack
    (page as unknown as { triggerPageLifeTime(name: string): void }).triggerPageLifeTime('show');
    await until(() => textOf(page).includes('长春市戊局'), 'the new application');
    expect(isRendered(page, '#none')).toBe(false);
    closePage(page);
  });

  it('should say that only a registered citizen has applications', async () => {
    resetPhone('mine-nobody');
    const page = openPage('admin/my-applications/my-applications');
    await until(() => isRendered(page, '#message'), 'the refusal');
    expect(textIn(page, '#message')).toBe('您还没有注册吉祥码');
    closePage(page);
  });
});
