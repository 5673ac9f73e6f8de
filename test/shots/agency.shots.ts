/**
 * npm run shots, step 1, for the agencies (rule 15) and the city bureau (rule 14): the agency's desk with its open
 * alerts and badge, the handling form, the request for pushes answered, the handled list and the figures per
 * district; the city bureau's applications to forward and those forwarded; and the initiator's 已转报 — each reached
 * by taps on the rendered page, as a person reaches it.
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { usccCheckChar } from '../../miniprogram/core/uscc';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call } from '../helpers/local-cloud';
import { CHANGCHUN, citizenWithCode, newScanId, onDuty, register, type Scanner } from '../helpers/world';
import { shows, tapOption, textIn } from '../pages/desk-helpers';
import { phone, resetPhone, startCloud, stopCloud, tap, textOf, type, until } from '../pages/harness';
import { scannerAt, siteBy } from '../pages/hierarchy-helpers';
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

const INITIATOR = { id: INITIATOR_POSITION_ID, openid: 'page-initiator' };
let cloud: LocalCloud;
let agency: Scanner;
let bureau: Scanner;
let gate: Scanner;
/** The popup's entrance animation ends 300 ms after it opens (TDesign's transition): photograph it still. */
const still = () => new Promise((resolve) => setTimeout(resolve, 400));

async function scan(temperature: number): Promise<string> {
  const person = await citizenWithCode(cloud, `shotsagency-person-${newScanId()}`);
  const scanId = newScanId();
  await call(
    cloud,
    'scan',
    {
      action: 'record',
      positionId: gate.id,
      scanId,
      qr: person.qrAt(Date.now()),
      temperature,
      location: CHANGCHUN,
    },
    gate.openid,
  );
  return scanId;
}

async function apply(openid: string, unitName: string, n: number, regionCode: string): Promise<string> {
  const applicant = await register(cloud, openid);
  const first17 = `9122010${n}MC000010${n}`;
  const reply = await call<{ applicationId: string }>(
    cloud,
    'org',
    {
      action: 'applySenior',
      unitName,
      uscc: first17 + usccCheckChar(first17),
      siteType: 'supermarket',
      address: unitName,
      location: { latitude: 43.88, longitude: 125.32 },
      applicantName: applicant.name,
      applicantPhone: applicant.phone,
      regionCode,
    },
    openid,
  );
  if (!reply.body.ok) throw new Error(JSON.stringify(reply.body));
  return reply.body.data!.applicationId;
}

beforeAll(async () => {
  cloud = await startCloud();
  const market = await siteBy(cloud, INITIATOR, '朝阳区红旗农贸市场', 'market', {
    regionCode: '220104',
    radiusM: 500,
  });
  const health = await siteBy(cloud, INITIATOR, '长春市卫生健康委员会', 'gov', { regionCode: '220100' });
  const bureauSite = await siteBy(cloud, INITIATOR, '长春市政务服务局', 'city_bureau', {
    regionCode: '220100',
  });
  agency = await scannerAt(cloud, INITIATOR, health, 'agency', 'shotsagency-cc');
  bureau = await scannerAt(cloud, INITIATOR, bureauSite, 'senior', 'shotsagency-bureau');
  gate = await scannerAt(cloud, INITIATOR, market, 'senior', 'shotsagency-gate');
  await onDuty(cloud, gate);
  await scan(38.6);
  await scan(37.9);
  await call(
    cloud,
    'scan',
    { action: 'refusal', positionId: gate.id, scanId: newScanId(), reason: 'forced_entry' },
    gate.openid,
  );
  await scan(36.5);
});
afterAll(stopCloud);

describe('admin/agency', () => {
  const desk = async () => {
    resetPhone(agency.openid);
    const view = open('admin/agency/agency', { positionId: agency.id });
    await until(() => shows(view.page, '.row'), 'the alerts');
    return view;
  };

  it('agency-desk: the open alerts with the badge, pushes asked for, the form, handled, the figures', async () => {
    let view = await desk();
    await until(() => textIn(view.page, '#open-count').includes('3'), 'the badge');
    save('agency-desk', view);
    phone.subscribeAnswer = 'reject';
    await tap(view.page, '#subscribe');
    await until(() => shows(view.page, '#subscribed'), 'the refusal');
    save('agency-desk-not-subscribed', view);
    phone.subscribeAnswer = 'accept';
    await tap(view.page, '#subscribe');
    await until(() => textIn(view.page, '#subscribed').startsWith('已开启'), 'the subscription');
    save('agency-desk-subscribed', view);

    const [fever] = cloud.store.find('alerts', { kind: 'fever' }).docs;
    await tap(view.page, `#alert-${fever!._id}`);
    await until(() => shows(view.page, '#handle'), 'the form');
    await tapOption(view.page, '#outcome', '已隔离');
    await type(view.page, '#note', '已联系朝阳区卫健局，居家隔离观察');
    await still();
    save('agency-desk-handle', view);
    await tap(view.page, '#submit-handle');
    await until(() => textOf(view.page).includes('已记录处置结果'), 'the handling');
    save('agency-desk-handled-one', view);
    await tapOption(view.page, '#tabs', '已处置', '.t-tabs__item');
    await until(() => shows(view.page, '.row'), 'the handled list');
    shoot('agency-desk-handled', view);

    view = await desk();
    await tapOption(view.page, '#tabs', '各地区情况', '.t-tabs__item');
    await until(() => shows(view.page, '#regions'), 'the figures');
    shoot('agency-desk-regions', view);
  });
});

describe('admin/bureau', () => {
  it('bureau: pending applications with a comment, forwarded, and the initiator’s 已转报', async () => {
    const first = await apply('shotsagency-applicant-1', '朝阳区欧亚便民超市', 1, '220104');
    await apply('shotsagency-applicant-2', '南关区红旗街超市', 2, '220102');
    resetPhone(bureau.openid);
    const view = open('admin/bureau/bureau', { positionId: bureau.id });
    await until(() => shows(view.page, `#application-${first}`), 'the applications');
    await type(view.page, `#comment-${first}`, '材料齐全，同意转报');
    save('bureau', view);
    await tap(view.page, `#forward-${first}`);
    await until(() => textOf(view.page).includes('已转报省政数局审核'), 'the forwarding');
    save('bureau-forwarded-one', view);
    await tapOption(view.page, '#tabs', '已转报', '.t-tabs__item');
    await until(() => shows(view.page, `#application-${first}`), 'the forwarded list');
    shoot('bureau-forwarded', view);

    resetPhone(INITIATOR.openid);
    const review = open('admin/applications/applications', { positionId: INITIATOR.id });
    await until(() => shows(review.page, '.card'), 'the applications');
    await tapOption(review.page, '#status', '已转报', '.t-tabs__item');
    await until(() => shows(review.page, `#application-${first}`), 'the forwarded applications');
    shoot('admin-applications-forwarded', review);
  });
});
