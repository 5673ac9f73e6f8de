/**
 * A hole an attack on the API found in the names and texts that people type (API.md section 2, v1.1), reproduced
 * through the local cloud's HTTP face: a site named with quotes, a link and "否则账号作废" made the official SMS read
 * as a phishing message, and control characters (NUL, ESC, U+202E) were accepted in names and reasons. Names of
 * sites and units are now 1–40 characters with none of these; free texts take no control or bidirectional
 * characters; and an SMS never carries a quote or link from a name, even one stored before the rules.
 */
import type { SmsOutboxDoc } from '../../cloudfunctions/_server/db/documents';
import { smsText } from '../../miniprogram/core/sms';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import type { Doc } from '../../tools/local-cloud/db/documents';
import { call, openLocalCloud, runTimer } from '../helpers/local-cloud';
import { OrgTree, USCC, type Citizen } from '../helpers/org-tree';

const INITIATOR = 'test-initiator';
const LOCATION = { latitude: 43.88, longitude: 125.32 };
/** The site name of the attack: it closes the SMS's quotes, adds a link and a threat. */
const PHISHING = '长春站”的账号存在异常，请立即访问http://t.cn/jxm核验“否则账号作废';
const ASTRAL = '𠀀'; // one character, two UTF-16 units

let cloud: LocalCloud;
let tree: OrgTree;

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  tree = new OrgTree(cloud, 9100);
});

afterAll(async () => {
  await cloud.close();
});

const createSite = (name: unknown, extra: Record<string, unknown> = {}) =>
  tree.org<{ siteId: string }>(INITIATOR, {
    action: 'createSite',
    actingPositionId: tree.initiator.id,
    name,
    type: 'gov',
    address: '吉林省长春市南关区',
    location: LOCATION,
    ...extra,
  });

const count = (collection: string) => cloud.store.count(collection);

/** GET /dev/sms?phone=: what the SMS sender was asked to send to that phone, oldest first. */
const smsTo = async (phone: string) =>
  (
    (await (await fetch(`${cloud.url}/dev/sms?phone=${phone}`)).json()) as {
      data: Array<{ template: string; status: string; text: string }>;
    }
  ).data;

/** The quotes that a template puts in itself (around the site, 吉事办, 码上行动). */
const quotes = (text: string) => (text.match(/["'“”‘’]/g) ?? []).length;
const templateQuotes = (template: Parameters<typeof smsText>[0]) =>
  quotes(smsText(template, { siteName: '站点', role: 'senior', reason: 'manual' }));

/** No link and no quote beyond the template's own in an SMS text; the site's variable ≤ 20 characters. */
function expectClean(message: { template: string; text: string }) {
  expect(message.text).not.toMatch(
    /http|www\.|t\.cn|:\/\/|[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e]/i,
  );
  expect(quotes(message.text)).toBe(templateQuotes(message.template as Parameters<typeof smsText>[0]));
  const site = /“([^”]*)”的/.exec(message.text)![1];
  expect(Array.from(site).length).toBeLessThanOrEqual(20);
}

describe('names of sites and units (API.md 2, v1.1)', () => {
  it.each([
    PHISHING,
    '长春站”请访问http://t.cn/x“否则账号作废',
    '长春站，请访问 HTTP://T.CN/X 否则账号作废',
    '长春站 请访问ｗｗｗ．jxm-gov.cn 否则账号作废',
  ])(
    'should refuse the phishing site name %j with BAD_REQUEST fields.name and write nothing',
    async (name) => {
      const sites = count('sites');
      const reply = await createSite(name);
      expect(reply.body).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST', fields: { name: 'format' } },
      });
      expect(count('sites')).toBe(sites);
    },
  );

  it.each([
    ['quotes', '长春"站"'],
    ['curly quotes', '长春‘站’'],
    ['a link', '长春站 www.evil.com'],
    ['an upper-case link', '长春站HTTPS'],
    ['angle brackets', '<b>长春站</b>'],
    ['NUL', '长春\u0000站'],
    ['ESC', '长春\u001b[31m站'],
    ['U+202E (right-to-left override)', '长春\u202e站'],
    ['DEL', '长春站\u007f'],
    ['a zero-width space', '长春\u200b站'],
  ])('should refuse a site name with %s', async (_what, name) => {
    const sites = count('sites');
    const reply = await createSite(name);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', fields: { name: 'format' } },
    });
    expect(count('sites')).toBe(sites);
  });

  it('should take 40 characters, counted as code points, and refuse 41', async () => {
    expect((await createSite(ASTRAL.repeat(40))).body.ok).toBe(true);
    expect((await createSite('站'.repeat(40))).body.ok).toBe(true);
    expect((await createSite(ASTRAL.repeat(41))).body).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', fields: { name: 'tooLong' } },
    });
    expect((await createSite('  ')).body).toMatchObject({ error: { fields: { name: 'empty' } } });
  });

  it('should accept a legitimate name with its punctuation, stored as given', async () => {
    const name = '长春市南关区·自由大路（东段）便民服务中心';
    const reply = await createSite(name);
    expect(reply.body.ok).toBe(true);
    expect(cloud.store.get('sites', reply.body.data!.siteId)!.doc.name).toBe(name);
  });

  it('should refuse control characters in an address (a free text)', async () => {
    const reply = await createSite('长春站', { address: '长春市\u0000南关区' });
    expect(reply.body).toMatchObject({ error: { code: 'BAD_REQUEST', fields: { address: 'format' } } });
  });

  describe('applySenior', () => {
    let applicant: Citizen;
    beforeAll(async () => {
      applicant = await tree.citizen('names-applicant');
    });

    const apply = (fields: Record<string, unknown>) =>
      tree.org(applicant.openid, {
        action: 'applySenior',
        unitName: '长春市测试局',
        uscc: USCC,
        siteType: 'gov',
        address: '吉林省长春市朝阳区',
        location: LOCATION,
        applicantName: applicant.name,
        applicantPhone: applicant.phone,
        ...fields,
      });

    it.each([
      ['the phishing name', PHISHING, 'format'],
      ['NUL', '长春市\u0000测试局', 'format'],
      ['ESC', '长春市\u001b测试局', 'format'],
      ['U+202E', '长春市\u202e局试测', 'format'],
      ['41 characters', '局'.repeat(41), 'tooLong'],
    ])('should refuse a unit name with %s', async (_what, unitName, reason) => {
      const applications = count('applications');
      const reply = await apply({ unitName });
      expect(reply.body).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST', fields: { unitName: reason } },
      });
      expect(count('applications')).toBe(applications);
    });

    it('should refuse a letter with a control or bidirectional character, and take one with paragraphs', async () => {
      for (const letter of ['原高级扫码员调离\u0000', '原高级扫码员\u202e调离']) {
        const reply = await apply({ letter });
        expect(reply.body).toMatchObject({ error: { code: 'BAD_REQUEST', fields: { letter: 'format' } } });
      }
      const reply = await apply({
        unitName: '长春市南关区·自由大路（东段）便民服务中心',
        letter: '特此函告。\n\n此致',
      });
      expect(reply.body.ok).toBe(true);
    });
  });
});

describe('free texts (API.md 2, v1.1)', () => {
  let holder: Citizen;
  let positionId: string;
  beforeAll(async () => {
    holder = await tree.citizen('names-reason-holder');
    const siteId = await tree.site(tree.initiator, '长春市朝阳区政务服务中心');
    positionId = (await tree.held(tree.initiator, siteId, 'senior', holder)).id;
  });

  it.each([
    ['NUL', '测试\u0000'],
    ['ESC', '\u001b[2J岗位调整'],
    ['U+202E', '岗位\u202e调整'],
    ['a line break', '岗位调整\n否则账号作废'],
  ])('should refuse a reason with %s and disable nothing', async (_what, reason) => {
    const reply = await tree.org(INITIATOR, {
      action: 'disable',
      actingPositionId: tree.initiator.id,
      positionId,
      cascade: false,
      reason,
    });
    expect(reply.body).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', fields: { reason: 'format' } },
    });
    expect(tree.position(positionId).status).toBe('active');
  });

  it('should refuse a refusal note with a control or bidirectional character', async () => {
    for (const note of ['强行\u0000闯入', '强行\u202e闯入']) {
      const reply = await call(
        cloud,
        'scan',
        { action: 'refusal', positionId, scanId: 'names-refusal-1', reason: 'refused_scan', note },
        holder.openid,
      );
      expect(reply.body).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST', fields: { note: 'format' } },
      });
    }
  });

  it('should refuse a review comment with a control character', async () => {
    const applicant = await tree.citizen('names-comment-applicant');
    const applicationId = await tree.applySenior(applicant);
    const reply = await tree.org(INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: tree.initiator.id,
      applicationId,
      approve: false,
      comment: '材料不全\u0007',
    });
    expect(reply.body).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', fields: { comment: 'format' } },
    });
    expect(cloud.store.get('applications', applicationId)!.doc.status).toBe('pending');
  });

  it('should refuse a reason of 201 characters and take one of 200, counted as code points', async () => {
    const disable = (reason: string) =>
      tree.org(INITIATOR, {
        action: 'disable',
        actingPositionId: tree.initiator.id,
        positionId,
        cascade: false,
        reason,
      });
    expect((await disable(ASTRAL.repeat(201))).body).toMatchObject({
      error: { fields: { reason: 'tooLong' } },
    });
    expect((await disable(ASTRAL.repeat(200))).body.ok).toBe(true);
  });
});

describe('the official SMS never carries a quote or link from a name', () => {
  it('should name a long legitimate site in at most 20 characters, ending in …', async () => {
    const holder = await tree.citizen('names-sms-long');
    const siteId = await tree.site(tree.initiator, '长春市南关区·自由大路（东段）便民服务中心');
    await tree.held(tree.initiator, siteId, 'senior', holder);
    const texts = (await smsTo(holder.phone)).map((m) => m.text);
    expect(texts).toEqual([
      '【吉祥码】您已被指定为“长春市南关区·自由大路（东段）便民服务…”的高级扫码员账号持有人，请在72小时内凭邀请码在“吉事办”小程序“码上行动”中认领。',
      '【吉祥码】您已认领“长春市南关区·自由大路（东段）便民服务…”的高级扫码员账号，账号已启用。',
    ]);
  });

  it('should send clean texts for a hostile site name stored before names were checked', async () => {
    const holder = await tree.citizen('names-sms-hostile');
    const siteId = await tree.site(tree.initiator, '长春站');
    // the name as an earlier version stored it, unchecked
    const before = cloud.store.get('sites', siteId)!.doc;
    cloud.store.replace('sites', before, { ...before, name: `${PHISHING}\u202e\u0000` } as Doc);

    const held = await tree.held(tree.initiator, siteId, 'senior', holder);
    await tree.disable(tree.initiator, held.id);
    const sent = await smsTo(holder.phone);
    expect(sent.map((m) => m.template)).toEqual([
      'position_created',
      'position_claimed',
      'position_disabled',
    ]);
    for (const message of sent) expectClean(message);
    expect(sent[0].text).toContain('“长春站的账号存在异常，请立即访问核验否…”');
    // the outbox keeps the clean variable and text too
    for (const doc of cloud.store.find('sms_outbox', { positionId: held.id })
      .docs as unknown as SmsOutboxDoc[]) {
      expect(doc.params.siteName).toBe('长春站的账号存在异常，请立即访问核验否…');
      expectClean(doc);
    }
  });

  it('should send clean a message queued with a hostile text before the fix', async () => {
    const holder = await tree.citizen('names-sms-queued');
    const siteId = await tree.site(tree.initiator, '吉林站');
    const held = await tree.held(tree.initiator, siteId, 'senior', holder);
    const [model] = cloud.store.find('sms_outbox', { positionId: held.id }).docs as unknown as SmsOutboxDoc[];
    // an SMS written by an earlier version: the hostile name in its variables and its text, not yet sent
    const at = new Date(cloud.clock.nowMs());
    cloud.store.insert('sms_outbox', {
      ...model,
      _id: 'queued-before-the-fix',
      template: 'position_activated',
      params: { siteName: PHISHING, role: 'senior' },
      text: `【吉祥码】您的“${PHISHING}”的高级扫码员账号已被激活，可正常使用。`,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
      sentAt: null,
    } as unknown as Doc);

    expect((await runTimer(cloud, 'cron', 'smsDispatch')).data).toMatchObject({ sent: 1 });
    const last = (await smsTo(holder.phone)).at(-1)!;
    expect(last).toMatchObject({ template: 'position_activated', status: 'sent' });
    expectClean(last);
    expect(last.text).toBe(
      '【吉祥码】您的“长春站的账号存在异常，请立即访问核验否…”的高级扫码员账号已被激活，可正常使用。',
    );
  });
});
