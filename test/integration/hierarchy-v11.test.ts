/**
 * The hierarchy of API.md v1.1 (regulation rules 9, 10) through the local cloud's HTTP face: one senior per site,
 * who may create which sites (a 乡镇（街道）'s senior its villages, a village's intermediate its public places), the
 * old holder's SMS on a replacement, a disabled holder's request for activation, and the `sites` and
 * `myApplications` lists. Each rule is tried at its boundary: the first case allowed, the next one refused.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PositionDoc, SmsOutboxDoc } from '../../cloudfunctions/_server/db/documents';
import { ROOT_SITE_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { usccCheckChar } from '../../miniprogram/core/uscc';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { openLocalCloud, type HttpReply } from '../helpers/local-cloud';
import { OrgTree, type Citizen, type Held } from '../helpers/org-tree';

let cloud: LocalCloud;
let tree: OrgTree;
const INITIATOR = 'test-initiator';
const LOCATION = { latitude: 43.88, longitude: 125.32 };

/** A valid unified social credit code (GB 32100), one per n. */
const usccOf = (n: number) => {
  const body = `91220101MA${String(n).padStart(7, '0')}`;
  return body + usccCheckChar(body);
};

const codeOf = (reply: HttpReply) => (reply.body.ok ? 'ok' : reply.body.error!.code);

const smsTo = async (phone: string) =>
  (
    (await (await fetch(`${cloud.url}/dev/sms?phone=${phone}`)).json()) as {
      data: Array<{ template: string; status: string; text: string }>;
    }
  ).data;
const outboxOf = (positionId: string) =>
  cloud.store.find('sms_outbox', { positionId }).docs as unknown as SmsOutboxDoc[];
const seniorsAt = (siteId: string) =>
  (cloud.store.find('positions', { siteId, role: 'senior' }).docs as unknown as PositionDoc[]).length;

let openids = 0;
/** A newly registered citizen (each test its own). */
const citizen = (label: string) => tree.citizen(`v11-${label}-${openids++}`);

/** A site made by the actor, of this type, optionally under a given parent. */
function createSite(
  actor: Held,
  name: string,
  type: string,
  parentSiteId?: string,
): Promise<HttpReply<{ siteId: string }>> {
  return tree.org<{ siteId: string }>(actor.openid, {
    action: 'createSite',
    actingPositionId: actor.id,
    name,
    type,
    address: '吉林省长春市',
    location: LOCATION,
    ...(parentSiteId === undefined ? {} : { parentSiteId }),
  });
}

async function site(actor: Held, name: string, type: string, parentSiteId?: string): Promise<string> {
  const reply = await createSite(actor, name, type, parentSiteId);
  if (!reply.body.ok) throw new Error(`setup: createSite ${name}: ${JSON.stringify(reply.body)}`);
  return reply.body.data!.siteId;
}

function createPosition(actor: Held, siteId: string, role: string, holder: { name: string; phone: string }) {
  return tree.org<{ positionId: string; inviteCode: string }>(actor.openid, {
    action: 'createPosition',
    actingPositionId: actor.id,
    siteId,
    role,
    holderName: holder.name,
    holderPhone: holder.phone,
  });
}

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  tree = new OrgTree(cloud, 7000);
});

afterAll(async () => {
  await cloud.close();
});

afterEach(() => {
  cloud.clock.set({ offsetMs: 0 });
});

describe('one senior per site (API.md v1.1)', () => {
  it('refuses a second senior at a site whatever the first one’s status, and takes one at another site', async () => {
    const siteA = await site(tree.initiator, '长春市一号单位', 'gov');
    const siteB = await site(tree.initiator, '长春市二号单位', 'gov');
    const first = await citizen('first');
    const second = await citizen('second');
    const invited = await createPosition(tree.initiator, siteA, 'senior', first);
    expect(invited.body.ok).toBe(true);

    // pending
    const refused = await createPosition(tree.initiator, siteA, 'senior', second);
    expect(refused.body.error).toMatchObject({ code: 'CONFLICT' });
    expect(seniorsAt(siteA)).toBe(1);
    expect(await smsTo(second.phone)).toEqual([]);

    // active, then disabled: still the site's one senior
    await tree.claim(first, invited.body.data!.inviteCode);
    expect(codeOf(await createPosition(tree.initiator, siteA, 'senior', second))).toBe('CONFLICT');
    await tree.disable(tree.initiator, invited.body.data!.positionId);
    expect(codeOf(await createPosition(tree.initiator, siteA, 'senior', second))).toBe('CONFLICT');
    expect(seniorsAt(siteA)).toBe(1);

    // another site is another unit
    expect(codeOf(await createPosition(tree.initiator, siteB, 'senior', second))).toBe('ok');
    // below the senior, any number of intermediates and ordinaries at the same site
    const senior: Held = {
      id: invited.body.data!.positionId,
      openid: first.openid,
      role: 'senior',
      siteId: siteA,
    };
    expect(
      codeOf(
        await tree.org(INITIATOR, {
          action: 'activate',
          actingPositionId: tree.initiator.id,
          positionId: senior.id,
        }),
      ),
    ).toBe('ok');
    expect(codeOf(await createPosition(senior, siteA, 'intermediate', await citizen('i1')))).toBe('ok');
    expect(codeOf(await createPosition(senior, siteA, 'intermediate', await citizen('i2')))).toBe('ok');
  });

  it('lets exactly one of two simultaneous senior creations at one site through, with one SMS', async () => {
    const siteC = await site(tree.initiator, '长春市三号单位', 'gov');
    const [a, b] = [await citizen('race-a'), await citizen('race-b')];
    const replies = await Promise.all([
      createPosition(tree.initiator, siteC, 'senior', a),
      createPosition(tree.initiator, siteC, 'senior', b),
    ]);
    expect(replies.map(codeOf).sort()).toEqual(['CONFLICT', 'ok']);
    expect(seniorsAt(siteC)).toBe(1);
    const winner = replies.find((r) => r.body.ok)!.body.data!.positionId;
    expect(outboxOf(winner).map((m) => m.template)).toEqual(['position_created']);
    const sent = [...(await smsTo(a.phone)), ...(await smsTo(b.phone))];
    expect(sent.map((m) => m.template)).toEqual(['position_created']);
  });

  it('counts the senior an approved application created', async () => {
    const applicant = await citizen('unit-applicant');
    const applied = await tree.ok<{ applicationId: string }>(applicant.openid, {
      action: 'applySenior',
      unitName: '长春市四号单位',
      uscc: usccOf(4),
      siteType: 'gov',
      address: '吉林省长春市',
      location: LOCATION,
      applicantName: applicant.name,
      applicantPhone: applicant.phone,
    });
    const approved = await tree.ok<{ siteId: string; positionId: string }>(INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: tree.initiator.id,
      applicationId: applied.applicationId,
      approve: true,
    });
    expect(tree.position(approved.positionId)).toMatchObject({
      role: 'senior',
      seniorOfSite: approved.siteId,
    });
    expect(
      codeOf(await createPosition(tree.initiator, approved.siteId, 'senior', await citizen('late'))),
    ).toBe('CONFLICT');
  });
});

describe('who creates which site (rules 6, 9)', () => {
  let senior: Held;
  let villageId: string;
  let village: Held;
  let stationMiddle: Held;
  let ordinary: Held;

  beforeAll(async () => {
    const town = await site(tree.initiator, '长春市南关区自由大路街道', 'gov');
    senior = await tree.held(tree.initiator, town, 'senior', await citizen('town-senior'));
    const station = await site(senior, '长春站东广场', 'station');
    stationMiddle = await tree.held(senior, station, 'intermediate', await citizen('station-middle'));
    // a senior creates the villages (村/社区) of its 乡镇（街道）
    villageId = await site(senior, '自由大路社区便民服务中心', 'village');
    village = await tree.held(senior, villageId, 'intermediate', await citizen('village-middle'));
    ordinary = await tree.held(village, villageId, 'ordinary', await citizen('village-ordinary'));
  });

  it('lets a senior create villages and departments under its own site', async () => {
    expect(cloud.store.get('sites', villageId)!.doc).toMatchObject({
      type: 'village',
      parentSiteId: senior.siteId,
    });
    expect(codeOf(await createSite(senior, '内设部门', 'department'))).toBe('ok');
    expect(codeOf(await createSite(senior, '下属社区', 'village', villageId))).toBe('ok');
    // not outside its subtree
    expect(codeOf(await createSite(senior, '别处社区', 'village', ROOT_SITE_ID))).toBe('FORBIDDEN');
  });

  it('lets a village’s intermediate open a public place directly under its village, and nothing else', async () => {
    const market = await createSite(village, '自由大路农贸市场', 'market');
    expect(market.body.ok).toBe(true);
    expect(cloud.store.get('sites', market.body.data!.siteId)!.doc).toMatchObject({
      parentSiteId: villageId,
      ancestors: [ROOT_SITE_ID, senior.siteId, villageId],
    });
    expect(codeOf(await createSite(village, '自由大路小学', 'school', villageId))).toBe('ok');
    for (const type of ['residential', 'bank', 'other'])
      expect(codeOf(await createSite(village, `社区${type}`, type))).toBe('ok');

    // not a type that is no public place
    for (const type of ['gov', 'department', 'village', 'station'])
      expect([type, codeOf(await createSite(village, '某站点', type))]).toEqual([type, 'FORBIDDEN']);
    // not under another site: the street's, the root, or the market it just opened
    expect(codeOf(await createSite(village, '某商店', 'shop', senior.siteId))).toBe('FORBIDDEN');
    expect(codeOf(await createSite(village, '某商店', 'shop', ROOT_SITE_ID))).toBe('FORBIDDEN');
    expect(codeOf(await createSite(village, '某商店', 'shop', market.body.data!.siteId))).toBe('FORBIDDEN');

    // the public place gets the village's ordinary scanners (rule 9)
    expect(
      codeOf(await createPosition(village, market.body.data!.siteId, 'ordinary', await citizen('m'))),
    ).toBe('ok');
  });

  it('refuses an intermediate elsewhere and an ordinary scanner, whatever the type', async () => {
    expect(codeOf(await createSite(stationMiddle, '站前超市', 'supermarket'))).toBe('FORBIDDEN');
    expect(codeOf(await createSite(stationMiddle, '站前超市', 'supermarket', stationMiddle.siteId))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(await createSite(ordinary, '社区商店', 'shop'))).toBe('FORBIDDEN');
    expect(codeOf(await createSite(ordinary, '社区商店', 'shop', villageId))).toBe('FORBIDDEN');
  });
});

describe('the old holder’s SMS on a replacement (API.md v1.1)', () => {
  it('tells the old holder once that the account has passed to someone else, naming no person', async () => {
    const unit = await site(tree.initiator, '长春市五号单位', 'gov');
    const senior = await tree.held(tree.initiator, unit, 'senior', await citizen('rep-senior'));
    const old = await citizen('rep-old');
    const middle = await tree.held(senior, unit, 'intermediate', old);
    const successor = await citizen('rep-new');
    await tree.ok(senior.openid, {
      action: 'replaceHolder',
      actingPositionId: senior.id,
      positionId: middle.id,
      holderName: successor.name,
      holderPhone: successor.phone,
      reason: '岗位调整',
    });
    const toOld = await smsTo(old.phone);
    expect(toOld.map((m) => m.template)).toEqual([
      'position_created',
      'position_claimed',
      'position_handed_over',
    ]);
    const handover = toOld[2];
    expect(handover.status).toBe('sent');
    expect(handover.text).toContain('“长春市五号单位”的中级扫码员账号已移交他人');
    for (const person of [old, successor]) expect(handover.text).not.toContain(person.name);
    expect((await smsTo(successor.phone)).map((m) => m.template)).toEqual(['position_replaced']);
    expect(outboxOf(middle.id).filter((m) => m.template === 'position_handed_over')).toHaveLength(1);
  });

  it('sends it on an approved replacement application too, and not when the holder is invited again', async () => {
    const uscc = usccOf(6);
    const unit = await tree.ok<{ siteId: string }>(INITIATOR, {
      action: 'createSite',
      actingPositionId: tree.initiator.id,
      name: '长春市六号单位',
      type: 'gov',
      address: '吉林省长春市',
      location: LOCATION,
      uscc,
    });
    const old = await citizen('unit-old');
    const senior = await tree.held(tree.initiator, unit.siteId, 'senior', old);
    const successor = await citizen('unit-new');
    const applied = await tree.ok<{ applicationId: string }>(successor.openid, {
      action: 'applySenior',
      unitName: '长春市六号单位',
      uscc,
      siteType: 'gov',
      address: '吉林省长春市',
      location: LOCATION,
      applicantName: successor.name,
      applicantPhone: successor.phone,
      replacesPositionId: senior.id,
      letter: '原高级扫码员调离，特函申请更换。',
    });
    const approved = await tree.ok<{ inviteCode: string }>(INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: tree.initiator.id,
      applicationId: applied.applicationId,
      approve: true,
    });
    expect((await smsTo(old.phone)).map((m) => m.template)).toEqual([
      'position_created',
      'position_claimed',
      'position_handed_over',
    ]);
    expect((await smsTo(successor.phone)).map((m) => m.template)).toEqual(['position_replaced']);

    // the new holder, invited again (a lost code): the account has not passed to anyone else
    await tree.ok(INITIATOR, {
      action: 'replaceHolder',
      actingPositionId: tree.initiator.id,
      positionId: senior.id,
      holderName: successor.name,
      holderPhone: successor.phone,
      reason: '邀请码遗失，重新邀请',
    });
    expect((await smsTo(successor.phone)).map((m) => m.template)).toEqual([
      'position_replaced',
      'position_replaced',
    ]);
    expect(approved.inviteCode).toMatch(/^[A-Z2-9]{10}$/);
  });
});

describe('requestActivation (rule 10)', () => {
  let senior: Held;
  let holder: Citizen;
  let target: Held;

  type Subordinates = {
    items: Array<{ positionId: string; activationRequested?: { at: string; note: string | null } }>;
  };
  const itemOf = async (positionId: string) =>
    (
      await tree.ok<Subordinates>(senior.openid, { action: 'subordinates', actingPositionId: senior.id })
    ).items.find((i) => i.positionId === positionId)!;
  const request = (openid: string, body: Record<string, unknown>) =>
    tree.org(openid, { action: 'requestActivation', ...body });

  beforeAll(async () => {
    const unit = await site(tree.initiator, '长春市七号单位', 'gov');
    senior = await tree.held(tree.initiator, unit, 'senior', await citizen('act-senior'));
    holder = await citizen('act-holder');
    target = await tree.held(senior, unit, 'ordinary', holder);
  });

  it('is the holder’s, for a disabled position only', async () => {
    // active: nothing to ask for
    expect((await request(holder.openid, { positionId: target.id })).body.error?.code).toBe('CONFLICT');
    await tree.disable(senior, target.id);
    // not the holder, or no such position
    expect(codeOf(await request(senior.openid, { positionId: target.id }))).toBe('NOT_HOLDER');
    expect(codeOf(await request((await citizen('stranger')).openid, { positionId: target.id }))).toBe(
      'NOT_HOLDER',
    );
    expect(codeOf(await request(holder.openid, { positionId: 'no-such-position' }))).toBe('NOT_HOLDER');
    // the shape: no actingPositionId, a note of at most 200 characters without control characters
    expect(
      (await request(holder.openid, { positionId: target.id, actingPositionId: target.id })).body.error,
    ).toMatchObject({ code: 'BAD_REQUEST', fields: { actingPositionId: 'unknown' } });
    expect(
      (await request(holder.openid, { positionId: target.id, note: '长'.repeat(201) })).body.error,
    ).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { note: 'tooLong' },
    });
    expect(
      (await request(holder.openid, { positionId: target.id, note: '请激活\u202e' })).body.error,
    ).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { note: 'format' },
    });
    expect((await itemOf(target.id)).activationRequested).toBeUndefined();
  });

  it('shows the request to the superior until the position is activated; a repeat replaces the note', async () => {
    cloud.clock.set({ offsetMs: 60_000 });
    expect(await request(holder.openid, { positionId: target.id, note: '已回到岗位' })).toMatchObject({
      body: { ok: true, data: {} },
    });
    const first = (await itemOf(target.id)).activationRequested!;
    expect(first.note).toBe('已回到岗位');
    expect(Date.parse(first.at)).toBeGreaterThan(Date.now());

    cloud.clock.set({ offsetMs: 120_000 });
    expect(codeOf(await request(holder.openid, { positionId: target.id, note: '长'.repeat(200) }))).toBe(
      'ok',
    );
    const second = (await itemOf(target.id)).activationRequested!;
    expect(second.note).toBe('长'.repeat(200));
    expect(Date.parse(second.at)).toBeGreaterThan(Date.parse(first.at));
    expect(codeOf(await request(holder.openid, { positionId: target.id }))).toBe('ok');
    expect((await itemOf(target.id)).activationRequested).toMatchObject({ note: null });
    // the initiator, an ancestor, sees it as well
    const seen = await tree.ok<Subordinates>(INITIATOR, {
      action: 'subordinates',
      actingPositionId: tree.initiator.id,
      positionId: senior.id,
    });
    expect(seen.items.find((i) => i.positionId === target.id)!.activationRequested).toBeDefined();
    // asking sends nobody an SMS: it changes neither status nor holder
    expect(outboxOf(target.id).map((m) => m.template)).toEqual([
      'position_created',
      'position_claimed',
      'position_disabled',
    ]);

    await tree.ok(senior.openid, { action: 'activate', actingPositionId: senior.id, positionId: target.id });
    expect((await itemOf(target.id)).activationRequested).toBeUndefined();
    expect(tree.position(target.id).activationRequest).toBeNull();
    expect(codeOf(await request(holder.openid, { positionId: target.id }))).toBe('CONFLICT');

    // disabled again: no request until the holder asks again
    await tree.disable(senior, target.id);
    expect((await itemOf(target.id)).activationRequested).toBeUndefined();
  });
});

describe('sites (API.md v1.1)', () => {
  type Sites = {
    items: Array<{
      siteId: string;
      name: string;
      type: string;
      address: string;
      location: { latitude: number; longitude: number };
      radiusM: number;
      regionCode: string;
      parentSiteId: string | null;
    }>;
    next: string | null;
  };
  let senior: Held;
  let ordinary: Held;
  let other: Held;
  /** The senior's site and everything below it, newest first. */
  let subtree: string[];
  let children: string[];

  const list = (actor: Held, extra: Record<string, unknown> = {}) =>
    tree.org<Sites>(actor.openid, { action: 'sites', actingPositionId: actor.id, ...extra });
  async function all(actor: Held, extra: Record<string, unknown> = {}, limit = 2): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const reply: HttpReply<Sites> = await list(actor, { ...extra, limit, ...(cursor ? { cursor } : {}) });
      if (!reply.body.ok) throw new Error(JSON.stringify(reply.body));
      expect(reply.body.data!.items.length).toBeLessThanOrEqual(limit);
      ids.push(...reply.body.data!.items.map((i) => i.siteId));
      cursor = reply.body.data!.next;
    } while (cursor);
    return ids;
  }

  beforeAll(async () => {
    // a day ahead, one second apart: the order is the order of creation
    let second = 0;
    const tick = () => cloud.clock.set({ offsetMs: 24 * 3600_000 + ++second * 1000 });
    tick();
    const own = await site(tree.initiator, '长春市八号单位', 'gov');
    tick();
    const elsewhere = await site(tree.initiator, '吉林市九号单位', 'gov');
    senior = await tree.held(tree.initiator, own, 'senior', await citizen('sites-senior'));
    other = await tree.held(tree.initiator, elsewhere, 'senior', await citizen('sites-other'));
    tick();
    const dept = await site(senior, '八号单位办公室', 'department');
    tick();
    const village = await site(senior, '八号社区', 'village');
    tick();
    const deeper = await site(senior, '八号单位办公室二科', 'department', dept);
    tick();
    const dept2 = await site(senior, '八号单位后勤处', 'department');
    tick();
    await site(other, '九号单位办公室', 'department');
    ordinary = await tree.held(senior, dept, 'ordinary', await citizen('sites-ordinary'));
    subtree = [dept2, deeper, village, dept, own];
    children = [dept2, village, dept];
  });

  it('lists the actor’s site and everything below it, newest first, page by page', async () => {
    expect(await all(senior)).toEqual(subtree);
    expect(cloud.store.lastPlan.get('sites')?.index).toBe('lineage_createdAt');
    expect(await all(senior, {}, 100)).toEqual(subtree);
    const first = (await list(senior, { limit: 1 })).body.data!.items[0];
    expect(first).toEqual({
      siteId: subtree[0],
      name: '八号单位后勤处',
      type: 'department',
      address: '吉林省长春市',
      location: LOCATION,
      radiusM: 1000,
      regionCode: '220000',
      parentSiteId: senior.siteId,
    });
    // an ordinary scanner: its own site's subtree
    expect(await all(ordinary)).toEqual([subtree[1], subtree[3]]);
  });

  it('narrows to one site’s children, inside the actor’s scope only', async () => {
    expect(await all(senior, { parentSiteId: senior.siteId })).toEqual(children);
    expect(cloud.store.lastPlan.get('sites')?.index).toBe('parentSiteId_createdAt');
    expect(await all(senior, { parentSiteId: subtree[3] })).toEqual([subtree[1]]);
    expect(await all(senior, { parentSiteId: subtree[1] })).toEqual([]);
    expect(codeOf(await list(senior, { parentSiteId: other.siteId }))).toBe('FORBIDDEN');
    expect(codeOf(await list(senior, { parentSiteId: ROOT_SITE_ID }))).toBe('FORBIDDEN');
    expect(codeOf(await list(senior, { parentSiteId: 'no-such-site' }))).toBe('FORBIDDEN');
    expect(codeOf(await list(ordinary, { parentSiteId: senior.siteId }))).toBe('FORBIDDEN');
  });

  it('gives the initiator every site, the root included', async () => {
    const everything = await all(tree.initiator, {}, 100);
    expect(everything).toEqual(expect.arrayContaining([ROOT_SITE_ID, ...subtree, other.siteId]));
    expect(everything).toHaveLength(cloud.store.count('sites'));
    expect(await all(tree.initiator, { parentSiteId: senior.siteId })).toEqual(children);
  });

  it('refuses a cursor of another list, another filter or another caller', async () => {
    const page = await list(senior, { limit: 1 });
    const cursor = page.body.data!.next!;
    expect((await list(senior, { parentSiteId: senior.siteId, cursor })).body.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { cursor: 'format' },
    });
    expect((await list(other, { cursor })).body.error?.code).toBe('BAD_REQUEST');
    expect(codeOf(await list(senior, { cursor, limit: 3 }))).toBe('ok');
  });
});

describe('myApplications (API.md v1.1)', () => {
  type Mine = {
    items: Array<{
      applicationId: string;
      status: string;
      unitName: string;
      createdAt: string;
      reviewed?: { at: string; approve: boolean; comment: string | null };
      forwarded?: unknown;
    }>;
    next: string | null;
  };

  it('shows the caller’s own applications, newest first, with their review', async () => {
    const applicant = await citizen('mine');
    const apply = async (n: number, unitName: string) => {
      cloud.clock.set({ offsetMs: 2 * 24 * 3600_000 + n * 1000 });
      return (
        await tree.ok<{ applicationId: string }>(applicant.openid, {
          action: 'applySenior',
          unitName,
          uscc: usccOf(100 + n),
          siteType: 'gov',
          address: '吉林省长春市',
          location: LOCATION,
          applicantName: applicant.name,
          applicantPhone: applicant.phone,
        })
      ).applicationId;
    };
    const rejected = await apply(1, '长春市甲单位');
    const approved = await apply(2, '长春市乙单位');
    const pending = await apply(3, '长春市丙单位');
    cloud.clock.set({ offsetMs: 2 * 24 * 3600_000 + 10_000 });
    await tree.ok(INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: tree.initiator.id,
      applicationId: rejected,
      approve: false,
      comment: '材料不全',
    });
    await tree.ok(INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: tree.initiator.id,
      applicationId: approved,
      approve: true,
    });

    const mine = await tree.ok<Mine>(applicant.openid, { action: 'myApplications' });
    expect(cloud.store.lastPlan.get('applications')?.index).toBe('applicantOpenid_createdAt');
    expect(mine.next).toBeNull();
    expect(mine.items.map((i) => [i.applicationId, i.status, i.unitName])).toEqual([
      [pending, 'pending', '长春市丙单位'],
      [approved, 'approved', '长春市乙单位'],
      [rejected, 'rejected', '长春市甲单位'],
    ]);
    expect(mine.items[0].reviewed).toBeUndefined();
    expect(mine.items[1].reviewed).toEqual({ at: expect.any(String), approve: true, comment: null });
    expect(mine.items[2].reviewed).toEqual({ at: expect.any(String), approve: false, comment: '材料不全' });
    // reviewed 9 s (of the moved clock) after it was made
    const waited = Date.parse(mine.items[2].reviewed!.at) - Date.parse(mine.items[2].createdAt);
    expect(waited).toBeGreaterThanOrEqual(9_000);
    expect(waited).toBeLessThan(19_000);
    expect(mine.items.every((i) => i.forwarded === undefined)).toBe(true);

    // page by page
    const firstPage = await tree.ok<Mine>(applicant.openid, { action: 'myApplications', limit: 2 });
    expect(firstPage.items).toHaveLength(2);
    const rest = await tree.ok<Mine>(applicant.openid, {
      action: 'myApplications',
      limit: 2,
      cursor: firstPage.next,
    });
    expect(rest).toMatchObject({ items: [{ applicationId: rejected }], next: null });

    // nobody else's
    const neighbour = await citizen('not-mine');
    expect(await tree.ok<Mine>(neighbour.openid, { action: 'myApplications' })).toEqual({
      items: [],
      next: null,
    });
    expect(
      codeOf(await tree.org(applicant.openid, { action: 'myApplications', cursor: firstPage.next })),
    ).toBe('ok');
    expect(
      (await tree.org(neighbour.openid, { action: 'myApplications', cursor: firstPage.next })).body.error,
    ).toMatchObject({ code: 'BAD_REQUEST', fields: { cursor: 'format' } });
  });

  it('needs a registered caller and takes no acting position', async () => {
    expect(codeOf(await tree.org('v11-never-registered', { action: 'myApplications' }))).toBe(
      'NOT_REGISTERED',
    );
    const someone = await citizen('mine-shape');
    expect(
      (await tree.org(someone.openid, { action: 'myApplications', actingPositionId: tree.initiator.id })).body
        .error,
    ).toMatchObject({ code: 'BAD_REQUEST', fields: { actingPositionId: 'unknown' } });
  });
});

describe('sites written before v1.1', () => {
  it('get their lineage and the province’s region at the next start, and are listed again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jxm-lineage-'));
    let old = await openLocalCloud({ dataDir, bootstrapOpenid: INITIATOR });
    const oldTree = new OrgTree(old, 7500);
    const unit = await oldTree.site(oldTree.initiator, '长春市旧单位');
    const office = await oldTree.site(oldTree.initiator, '长春市旧单位办公室', unit);
    // as a site was stored before v1.1: no lineage, no region
    for (const id of [ROOT_SITE_ID, unit, office]) {
      const { doc } = old.store.get('sites', id)!;
      const { lineage: _dropped, regionCode: _none, ...before } = doc;
      old.store.replace('sites', doc, before);
    }
    const listed = () =>
      oldTree.ok<{ items: Array<{ siteId: string }> }>(INITIATOR, {
        action: 'sites',
        actingPositionId: oldTree.initiator.id,
      });
    expect((await listed()).items).toEqual([]);
    await old.close();

    old = await openLocalCloud({ dataDir, bootstrapOpenid: INITIATOR });
    try {
      expect(old.store.get('sites', office)!.doc.lineage).toEqual([ROOT_SITE_ID, unit, office]);
      // the province's region, which covers every site
      for (const id of [ROOT_SITE_ID, unit, office])
        expect(old.store.get('sites', id)!.doc.regionCode).toBe('220000');
      const again = new OrgTree(old, 7600);
      const items = await again.ok<{ items: Array<{ siteId: string }> }>(INITIATOR, {
        action: 'sites',
        actingPositionId: again.initiator.id,
      });
      expect(items.items.map((i) => i.siteId).sort()).toEqual([ROOT_SITE_ID, unit, office].sort());
    } finally {
      await old.close();
    }
  });
});
