/**
 * 认领扫码员账号 (scanner/claim; API.md `claim`, the extension `previewInvite`): the invited person types the code
 * from the SMS, sees the role and the site before confirming, claims, and goes on to 码上行动 — and anyone else,
 * or a code that is spent or late, is told why under the field. Driven on the rendered WXML only.
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { isRendered, textIn, valueIn } from './citizen-helpers';
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

let cloud: LocalCloud;
let nextPerson = 5200;
let sites = 0;

beforeAll(async () => {
  cloud = await startCloud();
});
afterAll(stopCloud);
afterEach(() => cloud.clock.set({ offsetMs: 0 }));

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

/** The province opens a unit site and invites `holder` as its senior: the code the SMS carries. */
async function invitation(holder: { name: string; phone: string }) {
  const name = `长春市认领测试局${++sites}`;
  const { siteId } = await ok<{ siteId: string }>('org', 'page-initiator', {
    action: 'createSite',
    actingPositionId: INITIATOR_POSITION_ID,
    name,
    type: 'gov',
    address: '长春市朝阳区',
    location: { latitude: 43.9, longitude: 125.3 },
  });
  const created = await ok<{ positionId: string; inviteCode: string }>('org', 'page-initiator', {
    action: 'createPosition',
    actingPositionId: INITIATOR_POSITION_ID,
    siteId,
    role: 'senior',
    holderName: holder.name,
    holderPhone: holder.phone,
  });
  return { siteName: name, ...created };
}

const position = (id: string) => cloud.store.get('positions', id)!.doc;

/** Opens the claim page as `openid`, types the code and asks what it is for. */
async function previewAs(openid: string, code: string): Promise<PageInstance> {
  resetPhone(openid);
  const page = openPage('scanner/claim/claim');
  await type(page, '#invite-code', code);
  await tap(page, '#preview');
  await until(
    () => isRendered(page, '#invite-preview') || textIn(page, '#invite-code').length > '邀请码'.length,
    'the preview or the reason',
  );
  return page;
}

describe('scanner/claim: the invited person', () => {
  it('should show the role and the site before claiming, then claim and go on to 码上行动', async () => {
    const holder = await citizen('claim-holder');
    const { siteName, positionId, inviteCode } = await invitation(holder);
    // typed as people type what they read: lower case, with a space
    const page = await previewAs(
      'claim-holder',
      `${inviteCode.slice(0, 5).toLowerCase()} ${inviteCode.slice(5)}`,
    );
    const preview = textIn(page, '#invite-preview');
    expect(preview).toContain('身份高级扫码员');
    expect(preview).toContain(siteName);
    expect(preview).toContain('站点类型机关/政务大厅');
    expect(preview).toMatch(/邀请码有效期至\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // nothing is claimed by looking
    expect(position(positionId)).toMatchObject({ status: 'pending', holder: { openid: null } });

    await tap(page, '#confirm');
    await until(() => isRendered(page, '#claimed'), 'the claim');
    expect(textIn(page, '#claimed')).toBe(`认领成功您已成为“${siteName}”的高级扫码员`);
    expect(position(positionId)).toMatchObject({ status: 'active', holder: { openid: 'claim-holder' } });
    await tap(page, '#go-roles');
    expect(phone.navigations).toEqual(['/scanner/roles/roles']);
    closePage(page);
  });

  it('should go back to the code, kept as typed, when the person sees it is not the right invitation', async () => {
    const holder = await citizen('claim-edit');
    const { inviteCode, positionId } = await invitation(holder);
    const page = await previewAs('claim-edit', inviteCode);
    await tap(page, '#edit');
    expect(isRendered(page, '#invite-preview')).toBe(false);
    expect(valueIn(page, '#invite-code')).toBe(inviteCode);
    expect(position(positionId)).toMatchObject({ status: 'pending' });
    closePage(page);
  });

  it('should say so when the code was superseded between the preview and the confirmation', async () => {
    const holder = await citizen('claim-superseded');
    const { inviteCode, positionId } = await invitation(holder);
    const page = await previewAs('claim-superseded', inviteCode);
    // meanwhile the province invited someone else in their place: this code no longer claims anything
    const other = await citizen('claim-superseding');
    await ok('org', 'page-initiator', {
      action: 'replaceHolder',
      actingPositionId: INITIATOR_POSITION_ID,
      positionId,
      holderName: other.name,
      holderPhone: other.phone,
      reason: '人员调整',
    });
    await tap(page, '#confirm');
    await until(() => isRendered(page, '#invite-code'), 'back to the code');
    expect(textIn(page, '#invite-code')).toContain('邀请码无效或已使用，请核对短信中的10位邀请码');
    expect(isRendered(page, '#claimed')).toBe(false);
    closePage(page);
  });

  it('should show the claim made meanwhile on the person’s other phone as theirs', async () => {
    const holder = await citizen('claim-twice');
    const { inviteCode, positionId } = await invitation(holder);
    const page = await previewAs('claim-twice', inviteCode);
    await ok('org', 'claim-twice', { action: 'claim', inviteCode });
    await tap(page, '#confirm');
    await until(() => isRendered(page, '#claimed'), 'the claim');
    expect(position(positionId)).toMatchObject({ holder: { openid: 'claim-twice' } });
    expect(cloud.store.find('sms_outbox', { positionId, template: 'position_claimed' }).docs).toHaveLength(1);
    closePage(page);
  });

  it('should be reached from 码上行动 by someone who holds no role yet', async () => {
    await citizen('claim-from-roles');
    resetPhone('claim-from-roles');
    const roles = openPage('scanner/roles/roles');
    await until(() => !textOf(roles).includes('正在加载'), 'the roles');
    await tap(roles, '#claim');
    expect(phone.navigations).toEqual(['/scanner/claim/claim']);
    closePage(roles);
  });
});

describe('scanner/claim: a code that is not taken, with why under the field', () => {
  it('should ask for the code when none was typed', async () => {
    const page = await previewAs('claim-empty', '');
    expect(textIn(page, '#invite-code')).toContain('请输入短信中的10位邀请码');
    closePage(page);
  });

  it('should refuse an unknown code', async () => {
    await citizen('claim-unknown');
    const page = await previewAs('claim-unknown', 'ABCDEFGHJK');
    expect(textIn(page, '#invite-code')).toContain('邀请码无效或已使用');
    expect(isRendered(page, '#invite-preview')).toBe(false);
    closePage(page);
  });

  it('should show someone else nothing of the invitation: not the site, not the role', async () => {
    const holder = await citizen('claim-invited');
    const { siteName, inviteCode, positionId } = await invitation(holder);
    await citizen('claim-stranger');
    const page = await previewAs('claim-stranger', inviteCode);
    expect(textIn(page, '#invite-code')).toContain('该邀请码不是发给您的');
    expect(textOf(page)).not.toContain(siteName);
    expect(textOf(page)).not.toContain('高级扫码员');
    expect(position(positionId)).toMatchObject({ status: 'pending' });
    closePage(page);
  });

  it('should say a code older than 72 hours has expired', async () => {
    const holder = await citizen('claim-late');
    const { inviteCode } = await invitation(holder);
    cloud.clock.set({ offsetMs: 72 * 3600_000 + 60_000 });
    const page = await previewAs('claim-late', inviteCode);
    expect(textIn(page, '#invite-code')).toContain('邀请码已超过72小时，请联系邀请您的扫码员重新邀请');
    closePage(page);
  });

  it('should send someone without a code to the registration first', async () => {
    const { inviteCode } = await invitation(personOf(nextPerson++));
    const page = await previewAs('claim-unregistered', inviteCode);
    expect(textIn(page, '#invite-code')).toContain('认领前请先用受邀的姓名和手机号实名注册吉祥码');
    await tap(page, '#register');
    expect(phone.navigations).toEqual(['/pages/register/register']);
    // typing again takes the offer away until the next answer
    await type(page, '#invite-code', inviteCode);
    expect(isRendered(page, '#register')).toBe(false);
    closePage(page);
  });
});
