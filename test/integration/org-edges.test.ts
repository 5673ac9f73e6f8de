/**
 * The edges of the hierarchy that mutation testing (`npm run mutate -- org`) found unguarded: the words a refused
 * person reads, who may not decide on their own application, decisions already taken, what a list filters on, what
 * an approval stores and sends at once, invites that were superseded or typed in lower case, and a disabled
 * position that changes hands. Each test states what a person would notice.
 */
import type { ApplicationDoc, AuditDoc, PositionDoc } from '../../cloudfunctions/_server/db/documents';
import { usccCheckChar } from '../../miniprogram/core/uscc';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { openLocalCloud, withTripDelay, type HttpReply } from '../helpers/local-cloud';
import { OrgTree, type Citizen, type Held } from '../helpers/org-tree';

const INITIATOR = 'org-edges-initiator';
const LOCATION = { latitude: 43.88, longitude: 125.32 };
let cloud: LocalCloud;
let tree: OrgTree;
let initiator: Held;
let bureau: Held;
let bureauHolder: Citizen;

let units = 0;
const usccOf = () => {
  const body = `91220101MC${String(units++).padStart(7, '0')}`;
  return body + usccCheckChar(body);
};
const refusal = (reply: HttpReply) => (reply.body.ok ? null : reply.body.error);
const position = (id: string) => cloud.store.get('positions', id)!.doc as unknown as PositionDoc;
const application = (id: string) => cloud.store.get('applications', id)!.doc as unknown as ApplicationDoc;
const auditsOf = (target: string) => cloud.store.find('audit', { target }).docs as unknown as AuditDoc[];
const smsTo = async (phone: string) =>
  ((await (await fetch(`${cloud.url}/dev/sms?phone=${phone}`)).json()) as { data: Array<{ text: string }> })
    .data;

async function site(actor: Held, name: string, type: string, extra: Record<string, unknown> = {}) {
  return tree.org<{ siteId: string }>(actor.openid, {
    action: 'createSite',
    actingPositionId: actor.id,
    name,
    type,
    address: name,
    location: LOCATION,
    ...extra,
  });
}

async function apply(applicant: Citizen, extra: Record<string, unknown> = {}) {
  return tree.org<{ applicationId: string }>(applicant.openid, {
    action: 'applySenior',
    unitName: '宽城区便民超市',
    uscc: usccOf(),
    siteType: 'supermarket',
    address: '宽城区',
    location: LOCATION,
    applicantName: applicant.name,
    applicantPhone: applicant.phone,
    regionCode: '220103',
    ...extra,
  });
}

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  tree = new OrgTree(cloud, 9600, { ...new OrgTree(cloud, 0).initiator, openid: INITIATOR });
  initiator = tree.initiator;
  const bureauSite = (await site(initiator, '长春市政务服务局', 'city_bureau', { regionCode: '220100' })).body
    .data!.siteId;
  bureauHolder = await tree.citizen('org-edges-bureau');
  bureau = await tree.held(initiator, bureauSite, 'senior', bureauHolder);
});

afterAll(() => cloud.close());

describe('the words a refused person reads', () => {
  it('says why a site cannot be created', async () => {
    const unit = (await site(initiator, '长春市某局', 'gov', { regionCode: '220100' })).body.data!.siteId;
    const senior = await tree.held(initiator, unit, 'senior', await tree.citizen('org-edges-senior'));
    expect(refusal(await site(senior, '另一个政务服务局', 'city_bureau'))).toMatchObject({
      code: 'FORBIDDEN',
      message: '您不能创建这一类型的站点',
    });
    const middle = await tree.held(senior, unit, 'intermediate', await tree.citizen('org-edges-middle'));
    expect(refusal(await site(middle, '某某商店', 'shop'))).toMatchObject({
      code: 'FORBIDDEN',
      message: '只有村（社区）站点的中级扫码员可以创建站点',
    });
    expect(refusal(await site(initiator, '无名地区的站点', 'gov', { regionCode: '229999' }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: '地区代码不是吉林省的行政区划代码',
      fields: { regionCode: 'format' },
    });
    expect(
      refusal(await site(initiator, '越界的站点', 'gov', { parentSiteId: unit, regionCode: '220202' })),
    ).toMatchObject({ code: 'BAD_REQUEST', message: '站点所在地区须在上级站点的地区之内' });
    // a second senior at the unit
    const second = await tree.org(INITIATOR, {
      action: 'createPosition',
      actingPositionId: initiator.id,
      siteId: unit,
      role: 'senior',
      holderName: '张三',
      holderPhone: '13800000001',
    });
    expect(refusal(second)).toMatchObject({
      code: 'CONFLICT',
      message: '该站点已有高级扫码员账号，如需更换持有人请使用“更换持有人”',
    });
    // only an agency position carries a region of its own
    expect(position(senior.id).regionPrefix).toBeUndefined();
  });

  it('says why an application cannot be made', async () => {
    const applicant = await tree.citizen('org-edges-applicant-words');
    expect(refusal(await apply(applicant, { regionCode: '229999' }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: '地区代码不是吉林省的行政区划代码',
    });
    // a replacement needs its letter
    expect(refusal(await apply(applicant, { replacesPositionId: bureau.id }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: '更换高级扫码员须附说明原因的函件',
      fields: { letter: 'required' },
    });
  });

  it('says an active position needs no activation', async () => {
    const reply = await tree.org(bureau.openid, { action: 'requestActivation', positionId: bureau.id });
    expect(refusal(reply)).toMatchObject({ code: 'CONFLICT', message: '该账号未被禁用，无需申请激活' });
  });
});

describe('decisions on applications', () => {
  it('lets nobody forward or review their own, and the province only reviews', async () => {
    // the bureau's own senior applies for another unit of the city
    const own = (await apply(bureauHolder)).body.data!.applicationId;
    expect(refusal(await forward(bureau, own, true))).toMatchObject({
      code: 'FORBIDDEN',
      message: '不能转报本人提交的申请',
    });
    expect(refusal(await forward(initiator, own, true))).toMatchObject({
      code: 'FORBIDDEN',
      message: '由市政务服务局转报；省级请直接审核',
    });
    // the initiator's holder, registered as a citizen, applying: the province cannot approve its own either
    const mine = await tree.citizen(INITIATOR);
    const id = (await apply(mine)).body.data!.applicationId;
    expect(refusal(await review(id, true))).toMatchObject({
      code: 'FORBIDDEN',
      message: '不能审核本人提交的申请',
    });
  });

  it('answers CONFLICT to a second decision, and audits each decision with what was decided', async () => {
    const applicant = await tree.citizen('org-edges-applicant-twice');
    const id = (await apply(applicant)).body.data!.applicationId;
    expect((await forward(bureau, id, true, '同意')).body.ok).toBe(true);
    expect(refusal(await forward(bureau, id, true))).toMatchObject({
      code: 'CONFLICT',
      message: '该申请已处理',
    });
    // forwarded, not yet reviewed: no review shown to the applicant
    const listed = await tree.ok<{ items: Array<{ applicationId: string; reviewed?: unknown }> }>(
      applicant.openid,
      { action: 'myApplications' },
    );
    expect(listed.items.find((a) => a.applicationId === id)).not.toHaveProperty('reviewed');
    expect((await review(id, true)).body.ok).toBe(true);
    expect(refusal(await review(id, false))).toMatchObject({ code: 'CONFLICT' });
    const audits = auditsOf(id);
    expect(audits.find((a) => a.action === 'org.forwardApplication')?.details).toMatchObject({
      approve: true,
    });
    expect(audits.find((a) => a.action === 'org.reviewApplication')?.details).toMatchObject({
      approve: true,
      replacement: false,
    });
    // the approval stores what it created, and the new senior's SMS goes out at once
    const stored = application(id);
    expect(stored.status).toBe('approved');
    expect(stored.result).toEqual({ siteId: expect.any(String), positionId: expect.any(String) });
    expect(position(stored.result!.positionId)).toMatchObject({
      role: 'senior',
      siteId: stored.result!.siteId,
    });
    expect((await smsTo(applicant.phone)).length).toBeGreaterThanOrEqual(1);
  });

  it('filters the province’s list by status, and shows a replacement’s letter and position', async () => {
    const applicant = await tree.citizen('org-edges-applicant-filter');
    const rejected = (await apply(applicant)).body.data!.applicationId;
    expect((await review(rejected, false, '材料不全')).body.ok).toBe(true);
    const pending = (await apply(await tree.citizen('org-edges-applicant-pending'))).body.data!.applicationId;
    const list = async (status: string) =>
      (
        await tree.ok<{ items: Array<{ applicationId: string; status: string }> }>(INITIATOR, {
          action: 'applications',
          actingPositionId: initiator.id,
          status,
          limit: 100,
        })
      ).items;
    const onlyRejected = await list('rejected');
    expect(onlyRejected.map((a) => a.applicationId)).toContain(rejected);
    expect(onlyRejected.map((a) => a.applicationId)).not.toContain(pending);
    expect(new Set(onlyRejected.map((a) => a.status))).toEqual(new Set(['rejected']));

    // a unit replacing its senior (rule 10): the letter and the position travel with the application
    const unitUscc = usccOf();
    const unitSite = (await site(initiator, '二道区某单位', 'gov', { uscc: unitUscc, regionCode: '220105' }))
      .body.data!.siteId;
    const old = await tree.held(initiator, unitSite, 'senior', await tree.citizen('org-edges-old-senior'));
    const next = await tree.citizen('org-edges-new-senior');
    const replacement = await tree.org<{ applicationId: string }>(next.openid, {
      action: 'applySenior',
      unitName: '二道区某单位',
      uscc: unitUscc,
      siteType: 'gov',
      address: '二道区',
      location: LOCATION,
      applicantName: next.name,
      applicantPhone: next.phone,
      replacesPositionId: old.id,
      letter: '原高级扫码员调离，特函申请更换。',
    });
    const replacementId = replacement.body.data!.applicationId;
    const item = (await list('pending')).find((a) => a.applicationId === replacementId);
    expect(item).toMatchObject({ letter: '原高级扫码员调离，特函申请更换。', replacesPositionId: old.id });
    expect((await review(replacementId, true)).body.ok).toBe(true);
    expect(application(replacementId).result).toEqual({ siteId: null, positionId: old.id });
  });
});

describe('invites and positions that change hands', () => {
  it('accepts an invite code typed in lower case with spaces, and refuses one a replacement superseded', async () => {
    const unit = (await site(initiator, '南关区某单位', 'gov')).body.data!.siteId;
    const first = await tree.citizen('org-edges-invited');
    const { positionId, inviteCode } = await tree.invite(initiator, unit, 'senior', first);
    // replaced before anyone claimed it: the first code no longer claims anything
    const second = await tree.citizen('org-edges-replacement');
    const replaced = await tree.ok<{ inviteCode: string }>(INITIATOR, {
      action: 'replaceHolder',
      actingPositionId: initiator.id,
      positionId,
      holderName: second.name,
      holderPhone: second.phone,
      reason: '人员调整',
    });
    expect(refusal(await tree.org(first.openid, { action: 'claim', inviteCode }))).toMatchObject({
      code: 'INVITE_INVALID',
    });
    const typed = ` ${replaced.inviteCode.toLowerCase().replace(/(.{5})/, '$1-')} `;
    expect((await tree.org(second.openid, { action: 'claim', inviteCode: typed })).body.ok).toBe(true);
    expect(position(positionId).status).toBe('active');
  });

  it('finishes a claim cut off after the position was taken: the holder’s retry spends the invite and writes one SMS', async () => {
    const unit = (await site(initiator, '二道区某单位', 'gov')).body.data!.siteId;
    const holder = await tree.citizen('org-edges-cut-off');
    const { positionId, inviteCode } = await tree.invite(initiator, unit, 'senior', holder);
    const claimed = () => cloud.store.find('sms_outbox', { positionId, template: 'position_claimed' }).docs;
    // the database fails the invite's write: the position is already the holder's, the rest of the claim is not
    const send = cloud.engine.send.bind(cloud.engine);
    const failing = jest
      .spyOn(cloud.engine, 'send')
      .mockImplementation(async (action, params = {}) =>
        action === 'database.modifyDocument' && params.collectionName === 'invites'
          ? { code: 'DATABASE_REQUEST_FAILED', message: '[InternalError] the disk is full' }
          : send(action, params),
      );
    try {
      expect(refusal(await tree.org(holder.openid, { action: 'claim', inviteCode }))).toMatchObject({
        code: 'INTERNAL',
      });
    } finally {
      failing.mockRestore();
    }
    expect(position(positionId)).toMatchObject({ status: 'active', holder: { openid: holder.openid } });
    const invite = () =>
      cloud.store.find('invites', { positionId }).docs[0] as unknown as { usedAt: Date | null };
    expect(invite().usedAt).toBeNull();
    // the holder's phone tries again: the claim's answer, the invite spent, the SMS once
    const retried = await tree.org(holder.openid, { action: 'claim', inviteCode });
    expect(retried.body.data).toMatchObject({ positionId, role: 'senior' });
    const usedAt = invite().usedAt;
    expect(usedAt).not.toBeNull();
    expect(claimed()).toHaveLength(1);
    // and again a minute later, as if that answer too were lost: the same answer, nothing more written
    cloud.clock.set({ offsetMs: 60_000 });
    try {
      expect((await tree.org(holder.openid, { action: 'claim', inviteCode })).body.data).toMatchObject({
        positionId,
      });
    } finally {
      cloud.clock.set({ offsetMs: 0 });
    }
    expect(invite().usedAt).toEqual(usedAt);
    expect(claimed()).toHaveLength(1);
    expect((await smsTo(holder.phone)).filter((m) => m.text.includes('认领'))).toHaveLength(1);
    // the code is still nobody else's
    const other = await tree.citizen('org-edges-cut-off-other');
    expect(refusal(await tree.org(other.openid, { action: 'claim', inviteCode }))).toMatchObject({
      code: 'INVITE_INVALID',
    });
  });

  it('counts two taps of one claim once: both answered, one holder, one SMS', async () => {
    const unit = (await site(initiator, '九台区某单位', 'gov')).body.data!.siteId;
    const holder = await tree.citizen('org-edges-two-taps');
    const { positionId, inviteCode } = await tree.invite(initiator, unit, 'senior', holder);
    // 10 ms a database trip: every tap reads the position before any of them takes it
    const replies = await withTripDelay(cloud, 10, () =>
      Promise.all([1, 2, 3].map(() => tree.org(holder.openid, { action: 'claim', inviteCode }))),
    );
    expect(replies.map((r) => r.body.ok)).toEqual([true, true, true]);
    expect(cloud.store.find('sms_outbox', { positionId, template: 'position_claimed' }).docs).toHaveLength(1);
    expect(position(positionId).holder.openid).toBe(holder.openid);
  });

  it('leaves a code superseded before the claim of no use to its own person, once they claimed the new one', async () => {
    const unit = (await site(initiator, '双阳区某单位', 'gov')).body.data!.siteId;
    const holder = await tree.citizen('org-edges-reinvited');
    const { positionId, inviteCode: first } = await tree.invite(initiator, unit, 'senior', holder);
    // the SMS was lost: the province invites the same person again, which voids the first code
    const again = await tree.ok<{ inviteCode: string }>(INITIATOR, {
      action: 'replaceHolder',
      actingPositionId: initiator.id,
      positionId,
      holderName: holder.name,
      holderPhone: holder.phone,
      reason: '短信未收到，重新邀请',
    });
    expect((await tree.org(holder.openid, { action: 'claim', inviteCode: again.inviteCode })).body.ok).toBe(
      true,
    );
    expect(refusal(await tree.org(holder.openid, { action: 'claim', inviteCode: first }))).toMatchObject({
      code: 'INVITE_INVALID',
    });
    const firstInvite = cloud.store
      .find('invites', { positionId })
      .docs.find((i) => (i as unknown as { usedAt: Date | null }).usedAt === null);
    expect(firstInvite).toBeDefined();
    expect(cloud.store.find('sms_outbox', { positionId, template: 'position_claimed' }).docs).toHaveLength(1);
  });

  it('refuses a claim by the invited name on another phone, and leaves the position waiting for its holder', async () => {
    const unit = (await site(initiator, '朝阳区某单位', 'gov')).body.data!.siteId;
    const namesake = await tree.citizen('org-edges-other-phone');
    const otherPhone = namesake.phone === '13900000017' ? '13900000018' : '13900000017';
    const { positionId, inviteCode } = await tree.invite(initiator, unit, 'senior', {
      name: namesake.name,
      phone: otherPhone,
    });
    expect(refusal(await tree.org(namesake.openid, { action: 'claim', inviteCode }))).toMatchObject({
      code: 'INVITE_INVALID',
      message: '该邀请码是发给另一个手机号的：请用受邀手机号注册的吉祥码认领，或请上级重新邀请',
    });
    expect(position(positionId)).toMatchObject({ status: 'pending', holder: { openid: null } });
    // nor does the preview show them the role and site of someone else's invite
    const preview = await tree.org(namesake.openid, { action: 'previewInvite', inviteCode });
    expect(refusal(preview)).toMatchObject({ code: 'INVITE_INVALID' });
  });

  it('keeps a disabled position disabled through a change of holder, and its reason shows below', async () => {
    const unit = (await site(initiator, '绿园区某单位', 'gov')).body.data!.siteId;
    const senior = await tree.held(
      initiator,
      unit,
      'senior',
      await tree.citizen('org-edges-disabled-senior'),
    );
    const ordinary = await tree.held(
      senior,
      unit,
      'ordinary',
      await tree.citizen('org-edges-disabled-ordinary'),
    );
    await tree.disable(senior, ordinary.id);
    // disabling it again is CONFLICT (nothing to do), unless with cascade
    const again = await tree.org(senior.openid, {
      action: 'disable',
      actingPositionId: senior.id,
      positionId: ordinary.id,
      cascade: false,
      reason: '重复',
    });
    expect(refusal(again)).toMatchObject({ code: 'CONFLICT' });
    const audit = auditsOf(ordinary.id).find((a) => a.action === 'org.disable');
    expect(audit?.details).toMatchObject({ cascade: false });
    const below = await tree.ok<{ items: Array<{ positionId: string; disabledReason?: string }> }>(
      senior.openid,
      {
        action: 'subordinates',
        actingPositionId: senior.id,
      },
    );
    expect(below.items.find((p) => p.positionId === ordinary.id)).toMatchObject({ disabledReason: 'manual' });

    const successor = await tree.citizen('org-edges-disabled-successor');
    const code = (
      await tree.ok<{ inviteCode: string }>(senior.openid, {
        action: 'replaceHolder',
        actingPositionId: senior.id,
        positionId: ordinary.id,
        holderName: successor.name,
        holderPhone: successor.phone,
        reason: '换人',
      })
    ).inviteCode;
    expect(position(ordinary.id).status).toBe('disabled');
    await tree.claim(successor, code);
    expect(position(ordinary.id)).toMatchObject({ status: 'disabled', holder: { openid: successor.openid } });
    // the successor is told the account is disabled and whom to ask, not that it is enabled
    const told = (await smsTo(successor.phone)).map((m) => m.text);
    expect(told.at(-1)).toContain('该账号目前处于禁用状态，请向上一级扫码员申请激活');
    expect(told.some((text) => text.includes('账号已启用'))).toBe(false);
    // activating an active position is CONFLICT
    const unitSenior = position(senior.id);
    expect(unitSenior.status).toBe('active');
    const activate = await tree.org(INITIATOR, {
      action: 'activate',
      actingPositionId: initiator.id,
      positionId: senior.id,
    });
    expect(refusal(activate)).toMatchObject({ code: 'CONFLICT' });
  });
});

function forward(who: Held, applicationId: string, approve: boolean, comment?: string) {
  return tree.org(who.openid, {
    action: 'forwardApplication',
    actingPositionId: who.id,
    applicationId,
    approve,
    ...(comment ? { comment } : {}),
  });
}

function review(applicationId: string, approve: boolean, comment?: string) {
  return tree.org<{ siteId?: string }>(INITIATOR, {
    action: 'reviewApplication',
    actingPositionId: initiator.id,
    applicationId,
    approve,
    ...(comment ? { comment } : {}),
  });
}
