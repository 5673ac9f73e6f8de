/**
 * npm run shots, step 1, for the provincial desk and the records: every state of admin/desk (the hub, grants,
 * a person found and acted on, credit flags, the risk-list import from reading to summary), of admin/records (the
 * lists, a scan's and an alert's detail, the reveal asked for, refused and shown) and of the review of
 * applications — each reached by taps on the rendered page, as a person reaches it.
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { shanghaiDate } from '../../miniprogram/core/calendar';
import { usccCheckChar } from '../../miniprogram/core/uscc';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { idNumberOf, personOf } from '../helpers/identities';
import { call } from '../helpers/local-cloud';
import { buildWorld, citizenWithCode, newScanId, onDuty, register, type World } from '../helpers/world';
import { csvOf, xlsxOf } from '../helpers/xlsx-file';
import { fileInChat, holdCall, shows, tapOption, textIn } from '../pages/desk-helpers';
import { choose, phone, resetPhone, startCloud, stopCloud, tap, textOf, type, until } from '../pages/harness';
import { open, save, shoot, type View } from './shoot';

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
const INITIATOR = 'page-initiator';
const FEVER_SCAN = 'shots-desk-fever';
let scanned: Awaited<ReturnType<typeof citizenWithCode>>;

const desk = (route: string) => open(`admin/desk/${route}`, { positionId: INITIATOR_POSITION_ID });
/** The popup's entrance animation ends 300 ms after it opens (TDesign's transition): photograph it still. */
const still = () => new Promise((resolve) => setTimeout(resolve, 400));

async function apply(openid: string, unitName: string, n: number): Promise<string> {
  const applicant = await register(cloud, openid);
  const first17 = `9122010${n}MA000010${n}`;
  const reply = await call<{ applicationId: string }>(
    cloud,
    'org',
    {
      action: 'applySenior',
      unitName,
      uscc: first17 + usccCheckChar(first17),
      siteType: 'gov',
      address: '长春市朝阳区人民大街',
      location: { latitude: 43.88, longitude: 125.32 },
      applicantName: applicant.name,
      applicantPhone: applicant.phone,
    },
    openid,
  );
  if (!reply.body.ok) throw new Error(JSON.stringify(reply.body));
  return reply.body.data!.applicationId;
}

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, INITIATOR, 'shotsdesk');
  await onDuty(cloud, world.ordinary);
  scanned = await citizenWithCode(cloud, 'shotsdesk-scanned');
  await call(
    cloud,
    'scan',
    {
      action: 'record',
      positionId: world.ordinary.id,
      scanId: FEVER_SCAN,
      qr: scanned.qrAt(Date.now()),
      temperature: 38.1,
    },
    world.ordinary.openid,
  );
  await call(
    cloud,
    'scan',
    { action: 'refusal', positionId: world.ordinary.id, scanId: newScanId(), reason: 'forced_entry' },
    world.ordinary.openid,
  );
});
afterAll(stopCloud);
beforeEach(() => resetPhone(INITIATOR));

describe('admin/desk', () => {
  it('desk: the initiator’s hub with the applications waiting', async () => {
    await apply('shotsdesk-applicant-1', '长春市教育局', 1);
    await apply('shotsdesk-applicant-2', '长春市商务局', 2);
    const view = desk('desk');
    await until(() => textOf(view.page).includes('件待审核'), 'the count');
    shoot('desk', view);
  });

  it('desk-grants: asking who and why, then a grant given and an ended one', async () => {
    const view = desk('grants/grants');
    await until(() => shows(view.page, `#pick-${world.senior.id}`), 'the subordinates');
    await tap(view.page, '#grant');
    save('desk-grants-hints', view);
    await tap(view.page, `#pick-${world.intermediate.id}`);
    await type(view.page, '#reason', '联系长春站发热人员，开展流调');
    await choose(view.page, '#until', shanghaiDate(new Date(Date.now() + 5 * 86_400_000)));
    save('desk-grants-form', view);
    // an earlier grant whose position has since passed to someone else
    await call(
      cloud,
      'records',
      {
        action: 'grantReveal',
        actingPositionId: INITIATOR_POSITION_ID,
        granteePositionId: world.otherSenior.id,
        reason: '吉林站核查',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
      INITIATOR,
    );
    const successor = personOf(7701);
    await call(
      cloud,
      'org',
      {
        action: 'replaceHolder',
        actingPositionId: INITIATOR_POSITION_ID,
        positionId: world.otherSenior.id,
        holderName: successor.name,
        holderPhone: successor.phone,
        reason: '岗位调整',
      },
      INITIATOR,
    );
    await tap(view.page, '#grant');
    await until(
      () => textOf(view.page).includes('已授权') && textOf(view.page).includes('已失效'),
      'the grants',
    );
    shoot('desk-grants', view);
  });

  it('desk-person: found, the colour set, a credit flag, and an unknown number', async () => {
    const person = await register(cloud, 'shotsdesk-person');
    let view: View = desk('person/person');
    await type(view.page, '#find-reason', '省疾控来函核查');
    await type(view.page, '#id-number', idNumberOf(21, '19800101', '220104'));
    await tap(view.page, '#find');
    await until(() => textOf(view.page).includes('未找到'), 'not found');
    save('desk-person-not-found', view);
    await type(view.page, '#id-number', person.idNumber);
    await tap(view.page, '#find');
    await until(() => shows(view.page, '#person'), 'the person');
    await tapOption(view.page, '#color', '红码');
    await type(view.page, '#color-reason', '确诊病例密切接触，省指挥部决定');
    save('desk-person-found', view);
    await tap(view.page, '#set-color');
    await until(() => textOf(view.page).includes('已将'), 'the colour set');
    save('desk-person-color-set', view);
    await type(view.page, '#evidence', '隐瞒外省旅行史，见流调报告 2026-118 号');
    await tap(view.page, '#flag');
    await until(() => textOf(view.page).includes('已提交信用标记'), 'the flag');
    shoot('desk-person-credit', view);
    view = desk('person/person');
    await tapOption(view.page, '#credit-subject', '扫码员（按账号 ID）');
    await tapOption(view.page, '#credit-kind', '扫码员上报信息严重失实');
    await until(() => textOf(view.page).includes('隐瞒外省旅行史'), 'the flags');
    shoot('desk-person-scanner', view);
  });

  it('desk-risk-list: empty, read with bad rows, sending, done, and a file it cannot read', async () => {
    const known = await register(cloud, 'shotsdesk-risk');
    let view = desk('risk-list/risk-list');
    save('desk-risk-list', view);
    fileInChat('旧名单.csv', new Uint8Array([0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, 0xba, 0xc5, 0x0a]));
    await tap(view.page, '#pick');
    await until(() => textOf(view.page).includes('UTF-8'), 'the refusal');
    shoot('desk-risk-list-unreadable', view);

    view = desk('risk-list/risk-list');
    const bad = idNumberOf(22, '19700101', '220106');
    const rows = Array.from({ length: 2500 }, (_, i) => [
      idNumberOf(i % 1000, `19${70 + Math.floor(i / 1000)}0101`, '220203'),
      '解除',
      null,
    ]);
    fileInChat(
      '全省风险人员名单.xlsx',
      xlsxOf([
        ['身份证号', '状态', '隔离截止'],
        [known.idNumber, '密接', 46376],
        [bad.slice(0, 17) + (bad[17] === '1' ? '2' : '1'), '确诊', null],
        [idNumberOf(23, '19700101', '220106'), '阳性', null],
        ...rows,
      ]),
    );
    await tap(view.page, '#pick');
    await until(() => shows(view.page, '#file'), 'the file read');
    save('desk-risk-list-read', view);
    const network = holdCall('importRiskList', 2);
    try {
      await tap(view.page, '#send');
      await until(() => textOf(view.page).includes('批次 2/3'), 'the second batch on its way');
      save('desk-risk-list-sending', view);
      network.release();
      await until(() => shows(view.page, '#summary'), 'the summary');
    } finally {
      network.restore();
    }
    shoot('desk-risk-list-done', view);

    view = desk('risk-list/risk-list');
    fileInChat('名单.csv', csvOf(`身份证号,状态\n${idNumberOf(24, '19700101', '220106')},确诊\n`));
    await tap(view.page, '#pick');
    await until(() => shows(view.page, '#file'), 'the file read');
    phone.online = false;
    await tap(view.page, '#send');
    await until(() => textOf(view.page).includes('未能导入'), 'the failure');
    shoot('desk-risk-list-failed', view);
  });
});

describe('admin/records', () => {
  const records = async (who = world.senior) => {
    resetPhone(who.openid);
    const view = open('admin/records/records', { positionId: who.id });
    await until(() => shows(view.page, `#scan-${FEVER_SCAN}`), 'the scans');
    return view;
  };

  it('admin-records: masked scans, today’s figures, alerts', async () => {
    const view = await records();
    save('admin-records', view);
    await tapOption(view.page, '#tabs', '今日统计', '.t-tabs__item');
    await until(() => textOf(view.page).includes('今日登记'), 'the stats');
    save('admin-records-stats', view);
    await tapOption(view.page, '#tabs', '异常提醒', '.t-tabs__item');
    await until(() => textOf(view.page).includes('强行闯入'), 'the alerts');
    save('admin-records-alerts', view);
    const [forced] = cloud.store.find('alerts', { kind: 'forced_entry' }).docs;
    await tap(view.page, `#alert-${forced!._id}`);
    await still();
    shoot('admin-records-alert-forced-entry', view);
  });

  it('admin-records-reveal: the detail, the reason asked for, no grant, and the identity shown', async () => {
    const view = await records();
    await tap(view.page, `#scan-${FEVER_SCAN}`);
    await still();
    save('admin-records-detail', view);
    await tap(view.page, '#ask-reveal');
    await type(view.page, '#reveal-reason', '联系发热人员复测体温');
    save('admin-records-reveal-reason', view);
    await tap(view.page, '#confirm-reveal');
    await until(() => textIn(view.page, '#detail').includes('没有有效的查阅授权'), 'the refusal');
    save('admin-records-reveal-no-grant', view);
    await call(
      cloud,
      'records',
      {
        action: 'grantReveal',
        actingPositionId: INITIATOR_POSITION_ID,
        granteePositionId: world.senior.id,
        reason: '授权流调',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      },
      INITIATOR,
    );
    await tap(view.page, '#confirm-reveal');
    await until(() => shows(view.page, '#revealed'), 'the identity');
    shoot('admin-records-revealed', view);
  });
});

describe('admin/applications: the review', () => {
  it('admin-applications-review: pending with a comment, then the invite code shown once', async () => {
    const id = await apply('shotsdesk-applicant-3', '长春市体育局', 3);
    const view = open('admin/applications/applications', { positionId: INITIATOR_POSITION_ID });
    await until(() => shows(view.page, `#application-${id}`), 'the applications');
    await type(view.page, `#comment-${id}`, '材料齐全，同意开通');
    save('admin-applications-review', view);
    await tap(view.page, `#approve-${id}`);
    await until(() => textOf(view.page).includes('仅显示一次'), 'the invite code');
    shoot('admin-applications-approved', view);
  });
});
