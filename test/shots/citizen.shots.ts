/**
 * npm run shots: every state of the citizen's pages — the live code in each colour with its one explanation
 * (orange: what releases it; bw: the platform answering again), registration, check-in and history, claiming a
 * scanner's invitation (the preview of role and site, done, refused), and a unit's senior application (the form
 * with the server's reasons, a replacement with the position and the letter, my applications and where each
 * stands) — reached by tapping and typing on the rendered pages as a person does.
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { usccCheckChar } from '../../miniprogram/core/uscc';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { idNumberOf, personOf } from '../helpers/identities';
import { buildWorld, citizenWithCode, newScanId, onDuty, type World } from '../helpers/world';
import { flip, isRendered, tapOption, textIn } from '../pages/citizen-helpers';
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
let nextPerson = 6100;
let nextUnit = 0;

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, 'page-initiator', 'cshots');
});
afterAll(stopCloud);
afterEach(() => {
  cloud.faults.set('national', 'up');
});

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

const usccOf = (n: number) => {
  const body = `91220101MA${String(9000 + n).padStart(7, '0')}`;
  return body + usccCheckChar(body);
};

/** The code page as `openid`, once the code (or what stands instead) is shown. */
async function codeView(openid: string): Promise<View> {
  resetPhone(openid);
  const view = open('pages/code/code');
  await until(() => !textOf(view.page).includes('正在加载'), 'the code page');
  return view;
}

describe('我的吉祥码', () => {
  it('code-green: a registered citizen’s live code', async () => {
    await citizen('cshots-green');
    shoot('code-green', await codeView('cshots-green'));
  });

  it('code-yellow: the code after a fever was measured at a scan', async () => {
    await onDuty(cloud, world.ordinary);
    const c = await citizenWithCode(cloud, 'cshots-yellow');
    await ok('scan', world.ordinary.openid, {
      action: 'record',
      positionId: world.ordinary.id,
      scanId: newScanId(),
      qr: c.qrAt(Date.now()),
      temperature: 38.2,
    });
    const view = await codeView('cshots-yellow');
    expect(textIn(view.page, '#color-band')).toContain('黄码');
    shoot('code-yellow', view);
  });

  it('code-orange: in quarantine, with what ends it', async () => {
    const me = personOf(nextPerson++);
    cloud.national.set({
      idNumber: me.idNumber,
      status: 'quarantine',
      quarantineUntil: new Date(Date.now() + 5 * 24 * 3600_000),
    });
    await ok('citizen', 'cshots-orange', { action: 'register', ...me });
    const view = await codeView('cshots-orange');
    expect(textIn(view.page, '#code-explanation')).toContain('每小时核对一次，自动恢复绿码');
    shoot('code-orange', view);
  });

  it('code-bw: registered while the national platform was down, with what ends it', async () => {
    cloud.faults.set('national', 'down');
    await citizen('cshots-bw');
    const view = await codeView('cshots-bw');
    expect(textIn(view.page, '#code-explanation')).toContain('平台恢复应答后');
    shoot('code-bw', view);
  });

  it('code-unregistered: the invitation to register, and 码上行动 for a scanner without a code', async () => {
    shoot('code-unregistered', await codeView('cshots-nobody'));
  });

  it('code-unavailable: no code on the phone and no network, with a retry', async () => {
    await citizen('cshots-unavailable');
    resetPhone('cshots-unavailable');
    phone.online = false;
    const view = open('pages/code/code');
    await until(() => textOf(view.page).includes('暂时无法显示吉祥码'), 'the unavailable state');
    shoot('code-unavailable', view);
    phone.online = true;
  });

  it('code-ended: the end of the epidemic period, with the history and 码上行动 still reachable', async () => {
    await citizen('cshots-ended');
    process.env.JXM_EPIDEMIC_END = new Date(Date.now() - 1000).toISOString();
    try {
      shoot('code-ended', await codeView('cshots-ended'));
    } finally {
      delete process.env.JXM_EPIDEMIC_END;
    }
  });
});

describe('实名注册, 每日健康打卡, 我的扫码记录', () => {
  it('register-errors: the cloud’s reasons under each wrong field', async () => {
    resetPhone('cshots-register');
    const view = open('pages/register/register');
    const wrongCheckDigit = idNumberOf(5).slice(0, 17) + (idNumberOf(5).endsWith('1') ? '2' : '1');
    await type(view.page, '#name', '张建国');
    await type(view.page, '#id-number', wrongCheckDigit);
    await type(view.page, '#phone', '12345');
    await tap(view.page, '#submit');
    await until(() => isRendered(view.page, '#message'), 'the refusal');
    shoot('register-errors', view);
  });

  it('check-in, check-in-done: the daily declaration filled in, then accepted', async () => {
    await citizen('cshots-checkin');
    resetPhone('cshots-checkin');
    const view = open('pages/check-in/check-in');
    await type(view.page, '#temperature', '36.5');
    await type(view.page, '#travel', '长春—吉林');
    save('check-in', view);
    await tap(view.page, '#submit');
    await until(() => isRendered(view.page, '#done'), 'the check-in');
    shoot('check-in-done', view);
  });

  it('check-in-symptoms: a symptom chosen', async () => {
    resetPhone('cshots-checkin');
    const view = open('pages/check-in/check-in');
    await tapOption(view.page, '#symptoms', '咳嗽');
    await type(view.page, '#temperature', '37.1');
    shoot('check-in-symptoms', view);
  });

  it('history: my scans', async () => {
    const view = (resetPhone('cshots-yellow'), open('pages/history/history'));
    await until(() => textOf(view.page).includes('长春站'), 'the history');
    shoot('history', view);
  });
});

describe('认领扫码员账号', () => {
  async function invitation(holder: { name: string; phone: string }) {
    const { siteId } = await ok<{ siteId: string }>('org', world.senior.openid, {
      action: 'createSite',
      actingPositionId: world.senior.id,
      name: '长春站南广场便民服务中心',
      type: 'village',
      address: '长春市宽城区长白路',
      location: { latitude: 43.9036, longitude: 125.3184 },
    });
    return ok<{ inviteCode: string }>('org', world.senior.openid, {
      action: 'createPosition',
      actingPositionId: world.senior.id,
      siteId,
      role: 'intermediate',
      holderName: holder.name,
      holderPhone: holder.phone,
    });
  }

  it('claim-enter, claim-preview, claim-done: the code typed, the role and site checked, claimed', async () => {
    const holder = await citizen('cshots-claim');
    const { inviteCode } = await invitation(holder);
    resetPhone('cshots-claim');
    const view = open('scanner/claim/claim');
    await type(view.page, '#invite-code', inviteCode);
    save('claim-enter', view);
    await tap(view.page, '#preview');
    await until(() => isRendered(view.page, '#invite-preview'), 'the preview');
    save('claim-preview', view);
    await tap(view.page, '#confirm');
    await until(() => isRendered(view.page, '#claimed'), 'the claim');
    shoot('claim-done', view);
  });

  it('claim-refused: a code sent to someone else', async () => {
    const { inviteCode } = await invitation(personOf(nextPerson++));
    await citizen('cshots-claim-other');
    resetPhone('cshots-claim-other');
    const view = open('scanner/claim/claim');
    await type(view.page, '#invite-code', inviteCode);
    await tap(view.page, '#preview');
    await until(() => textIn(view.page, '#invite-code').includes('不是发给您的'), 'the refusal');
    shoot('claim-refused', view);
  });
});

describe('高级扫码员申请', () => {
  const PLACE = {
    name: '长春市教育局',
    address: '吉林省长春市朝阳区人民大街1号',
    latitude: 43.8868,
    longitude: 125.3245,
  };

  async function form(openid: string): Promise<View> {
    resetPhone(openid);
    const view = open('admin/apply/apply');
    phone.chosenPlace = { ...PLACE };
    await tap(view.page, '#location');
    return view;
  }

  it('apply-errors: the unit’s form with the server’s reasons under the fields', async () => {
    await citizen('cshots-apply');
    const view = await form('cshots-apply');
    await type(view.page, '#unit-name', '长春市教育局');
    await type(view.page, '#uscc', '91350100M000100Y44');
    await type(view.page, '#applicant-name', 'X');
    await type(view.page, '#applicant-phone', '12345');
    await tap(view.page, '#submit');
    await until(() => textIn(view.page, '#uscc').includes('校验位错误'), 'the credit code refused');
    shoot('apply-errors', view);
  });

  it('apply-replacement: replacing the unit’s senior, with the position and the letter', async () => {
    const unit = { name: '长春市卫生健康委员会', uscc: usccOf(++nextUnit) };
    const { siteId } = await ok<{ siteId: string }>('org', 'page-initiator', {
      action: 'createSite',
      actingPositionId: INITIATOR_POSITION_ID,
      name: unit.name,
      type: 'gov',
      address: '长春市南关区',
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
    const successor = await citizen('cshots-replace');
    const view = await form('cshots-replace');
    await type(view.page, '#unit-name', unit.name);
    await type(view.page, '#uscc', unit.uscc);
    await choose(view.page, '#site-type', 0);
    await type(view.page, '#region-code', '220102');
    await type(view.page, '#applicant-name', successor.name);
    await type(view.page, '#applicant-phone', successor.phone);
    await flip(view.page, '#replacing');
    await type(view.page, '#replaces-position', senior.positionId);
    await tap(view.page, '#submit');
    await until(() => isRendered(view.page, '#letter-hint'), 'the letter asked for');
    save('apply-replacement-letter', view);
    await type(
      view.page,
      '#letter',
      '长春市卫生健康委员会关于更换高级扫码员的函：原高级扫码员因工作调动已调离本单位，现申请由本单位工作人员接任。',
    );
    shoot('apply-replacement', view);
  });

  it('my-applications: waiting, forwarded, approved and not approved, with the comments', async () => {
    const me = await citizen('cshots-mine');
    const apply = async (unitName: string) =>
      (
        await ok<{ applicationId: string }>('org', 'cshots-mine', {
          action: 'applySenior',
          unitName,
          uscc: usccOf(++nextUnit),
          siteType: 'gov',
          address: '长春市',
          location: { latitude: 43.88, longitude: 125.32 },
          applicantName: me.name,
          applicantPhone: me.phone,
        })
      ).applicationId;
    const refused = await apply('长春市朝阳区市场监督管理局');
    const approved = await apply('长春市朝阳区教育局');
    const forwarded = await apply('长春市朝阳区民政局');
    await apply('长春市朝阳区人民政府办公室');
    const review = (applicationId: string, approve: boolean, comment?: string) =>
      ok('org', 'page-initiator', {
        action: 'reviewApplication',
        actingPositionId: INITIATOR_POSITION_ID,
        applicationId,
        approve,
        ...(comment ? { comment } : {}),
      });
    await review(refused, false, '请补充加盖公章的申请表');
    await review(approved, true);
    // the city bureau's forwarding (API.md v1.1) comes with its own pages: written as forwardApplication writes it
    const doc = cloud.store.get('applications', forwarded)!.doc;
    cloud.store.replace('applications', doc, {
      ...doc,
      status: 'forwarded',
      forwarded: { at: new Date(), by: 'city-bureau-senior', comment: '材料齐全，同意转报' },
    });
    resetPhone('cshots-mine');
    const view = open('admin/my-applications/my-applications');
    await until(() => textOf(view.page).includes('长春市朝阳区人民政府办公室'), 'my applications');
    shoot('my-applications', view);
  });

  it('my-applications-none: nothing applied yet, the way to the form', async () => {
    await citizen('cshots-mine-none');
    resetPhone('cshots-mine-none');
    const view = open('admin/my-applications/my-applications');
    await until(() => isRendered(view.page, '#none'), 'no applications');
    shoot('my-applications-none', view);
  });
});
