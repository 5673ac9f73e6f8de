/**
 * Rule 14 (API.md v1.1 `forwardApplication`): each city's 市政务服务局 collects its units' senior applications for the
 * province. Its senior sees the pending applications of its city only, forwards or rejects them with a comment (once:
 * a second decision is CONFLICT); the initiator reviews pending and forwarded ones; the applicant sees where the
 * application stands.
 */
import type { AuditDoc } from '../../cloudfunctions/_server/db/documents';
import { usccCheckChar } from '../../miniprogram/core/uscc';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { openLocalCloud, type HttpReply } from '../helpers/local-cloud';
import { OrgTree, type Citizen, type Held } from '../helpers/org-tree';

const INITIATOR = 'bureau-initiator';
const LOCATION = { latitude: 43.88, longitude: 125.32 };
let cloud: LocalCloud;
let tree: OrgTree;
let changchunBureau: Held;
let jilinBureau: Held;
let ordinarySenior: Held;

const codeOf = (reply: HttpReply) => (reply.body.ok ? 'ok' : reply.body.error!.code);
let units = 0;
const usccOf = () => {
  const body = `91220101MB${String(units++).padStart(7, '0')}`;
  return body + usccCheckChar(body);
};

async function site(name: string, type: string, regionCode: string): Promise<string> {
  const data = await tree.ok<{ siteId: string }>(INITIATOR, {
    action: 'createSite',
    actingPositionId: tree.initiator.id,
    name,
    type,
    address: name,
    location: LOCATION,
    regionCode,
  });
  return data.siteId;
}

/** A unit's application in that region; its id. */
async function apply(applicant: Citizen, unitName: string, regionCode: string): Promise<string> {
  const data = await tree.ok<{ applicationId: string }>(applicant.openid, {
    action: 'applySenior',
    unitName,
    uscc: usccOf(),
    siteType: 'shop',
    address: unitName,
    location: LOCATION,
    applicantName: applicant.name,
    applicantPhone: applicant.phone,
    regionCode,
  });
  return data.applicationId;
}

type Application = {
  applicationId: string;
  status: string;
  regionCode: string;
  forwarded?: { at: string; by: string; comment: string | null };
};
async function applicationsOf(who: Held, status?: string): Promise<Application[]> {
  const reply = await tree.org<{ items: Application[] }>(who.openid, {
    action: 'applications',
    actingPositionId: who.id,
    limit: 100,
    ...(status ? { status } : {}),
  });
  if (!reply.body.ok) throw new Error(JSON.stringify(reply.body));
  return reply.body.data!.items;
}

const forward = (who: Held, applicationId: string, approve: boolean, comment?: string) =>
  tree.org<{ status: string }>(who.openid, {
    action: 'forwardApplication',
    actingPositionId: who.id,
    applicationId,
    approve,
    ...(comment ? { comment } : {}),
  });

type Mine = {
  applicationId: string;
  status: string;
  forwarded?: { at: string; comment: string | null };
  reviewed?: { approve: boolean; comment: string | null };
};
const mine = async (who: Citizen, applicationId: string): Promise<Mine | undefined> =>
  (await tree.ok<{ items: Mine[] }>(who.openid, { action: 'myApplications' })).items.find(
    (a) => a.applicationId === applicationId,
  );

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  tree = new OrgTree(cloud, 9400, { ...new OrgTree(cloud, 0).initiator, openid: INITIATOR });
  changchunBureau = await tree.held(
    tree.initiator,
    await site('长春市政务服务局', 'city_bureau', '220100'),
    'senior',
    await tree.citizen('bureau-cc'),
  );
  jilinBureau = await tree.held(
    tree.initiator,
    await site('吉林市政务服务局', 'city_bureau', '220200'),
    'senior',
    await tree.citizen('bureau-jl'),
  );
  ordinarySenior = await tree.held(
    tree.initiator,
    await site('长春市某某局', 'gov', '220100'),
    'senior',
    await tree.citizen('bureau-plain'),
  );
});

afterAll(() => cloud.close());

describe('the city bureau (rule 14)', () => {
  it('sees the pending applications of its city only, forwards one, and the initiator approves it', async () => {
    const applicant = await tree.citizen('bureau-applicant-1');
    const inChaoyang = await apply(applicant, '朝阳区便民超市', '220104');
    const inJilin = await apply(await tree.citizen('bureau-applicant-2'), '昌邑区便民超市', '220202');

    const seen = (await applicationsOf(changchunBureau)).map((a) => a.applicationId);
    expect(seen).toContain(inChaoyang);
    expect(seen).not.toContain(inJilin);
    expect((await applicationsOf(jilinBureau)).map((a) => a.applicationId)).toEqual([inJilin]);

    // a senior of an ordinary site has no application desk; the bureau may not forward another city's
    expect(
      codeOf(
        await tree.org(ordinarySenior.openid, {
          action: 'applications',
          actingPositionId: ordinarySenior.id,
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(codeOf(await forward(ordinarySenior, inChaoyang, true))).toBe('FORBIDDEN');
    expect(codeOf(await forward(jilinBureau, inChaoyang, true))).toBe('FORBIDDEN');
    expect(codeOf(await forward(tree.initiator, inChaoyang, true))).toBe('FORBIDDEN');

    const forwarded = await forward(changchunBureau, inChaoyang, true, '材料齐全，同意转报');
    expect(forwarded.body).toMatchObject({ ok: true, data: { status: 'forwarded' } });
    expect(codeOf(await forward(changchunBureau, inChaoyang, false, '重复'))).toBe('CONFLICT');

    // the applicant sees it forwarded, with the bureau's comment
    expect(await mine(applicant, inChaoyang)).toMatchObject({
      status: 'forwarded',
      forwarded: { comment: '材料齐全，同意转报' },
    });
    // the initiator finds it among the forwarded, with who forwarded it
    const atProvince = (await applicationsOf(tree.initiator, 'forwarded')).find(
      (a) => a.applicationId === inChaoyang,
    );
    expect(atProvince).toMatchObject({
      regionCode: '220104',
      forwarded: { by: '长春市政务服务局', comment: '材料齐全，同意转报' },
    });
    const review = await tree.org<{ siteId: string }>(INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: tree.initiator.id,
      applicationId: inChaoyang,
      approve: true,
      comment: '同意',
    });
    expect(review.body.ok).toBe(true);
    const siteDoc = cloud.store.get('sites', review.body.data!.siteId)!.doc as unknown as {
      regionCode: string;
    };
    expect(siteDoc.regionCode).toBe('220104');
    expect(await mine(applicant, inChaoyang)).toMatchObject({
      status: 'approved',
      reviewed: { approve: true },
    });
    // forwarding is audited
    const audits = cloud.store.find('audit', { target: inChaoyang }).docs as unknown as AuditDoc[];
    expect(audits.map((a) => a.action).sort()).toEqual(['org.forwardApplication', 'org.reviewApplication']);
  });

  it('rejects with its comment: the applicant reads it, and the province can no longer approve it', async () => {
    const applicant = await tree.citizen('bureau-applicant-3');
    const id = await apply(applicant, '南关区小店', '220102');
    const rejected = await forward(changchunBureau, id, false, '营业执照与申请单位不符');
    expect(rejected.body).toMatchObject({ ok: true, data: { status: 'rejected' } });
    expect(await mine(applicant, id)).toMatchObject({
      status: 'rejected',
      reviewed: { approve: false, comment: '营业执照与申请单位不符' },
    });
    const review = await tree.org(INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: tree.initiator.id,
      applicationId: id,
      approve: true,
    });
    expect(codeOf(review)).toBe('CONFLICT');
  });

  it('lets the province review a pending application directly (a city without a bureau yet)', async () => {
    const id = await apply(await tree.citizen('bureau-applicant-4'), '延吉市小店', '222401');
    const review = await tree.org(INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: tree.initiator.id,
      applicationId: id,
      approve: false,
      comment: '请向所在市政务服务局申请',
    });
    expect(review.body.ok).toBe(true);
  });

  it('leaves the letter asking to replace the bureau’s own senior to the province: that senior neither forwards nor rejects it', async () => {
    const uscc = usccOf();
    const { siteId } = await tree.ok<{ siteId: string }>(INITIATOR, {
      action: 'createSite',
      actingPositionId: tree.initiator.id,
      name: '四平市政务服务局',
      type: 'city_bureau',
      address: '四平市',
      location: LOCATION,
      regionCode: '220300',
      uscc,
    });
    const bureau = await tree.held(tree.initiator, siteId, 'senior', await tree.citizen('bureau-sp'));
    const successor = await tree.citizen('bureau-sp-successor');
    const { applicationId } = await tree.ok<{ applicationId: string }>(successor.openid, {
      action: 'applySenior',
      unitName: '四平市政务服务局',
      uscc,
      siteType: 'city_bureau',
      address: '四平市',
      location: LOCATION,
      applicantName: successor.name,
      applicantPhone: successor.phone,
      regionCode: '220300',
      replacesPositionId: bureau.id,
      letter: '原高级扫码员调离，特函申请更换。',
    });
    for (const approve of [false, true]) {
      const decided = await forward(bureau, applicationId, approve);
      expect(decided.body.error).toMatchObject({ code: 'FORBIDDEN', message: '不能处理更换本人的申请' });
    }
    expect((await applicationsOf(tree.initiator, 'pending')).map((a) => a.applicationId)).toContain(
      applicationId,
    );
    const review = await tree.org(INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: tree.initiator.id,
      applicationId,
      approve: true,
    });
    expect(codeOf(review)).toBe('ok');
  });

  it('is not applied for: a unit asking to become a city bureau is refused, nothing stored', async () => {
    const applicant = await tree.citizen('bureau-would-be');
    const before = cloud.store.count('applications');
    const reply = await tree.org(applicant.openid, {
      action: 'applySenior',
      unitName: '白山市政务服务局',
      uscc: usccOf(),
      siteType: 'city_bureau',
      address: '白山市',
      location: LOCATION,
      applicantName: applicant.name,
      applicantPhone: applicant.phone,
      regionCode: '220600',
    });
    expect(reply.body.error).toMatchObject({
      code: 'BAD_REQUEST',
      message: '市政务服务局站点由省级直接开通，不受理申请',
      fields: { siteType: 'enum' },
    });
    expect(cloud.store.count('applications')).toBe(before);
  });

  it('is a site only the initiator creates', async () => {
    const reply = await tree.org(changchunBureau.openid, {
      action: 'createSite',
      actingPositionId: changchunBureau.id,
      name: '另一个政务服务局',
      type: 'city_bureau',
      address: '长春',
      location: LOCATION,
    });
    expect(codeOf(reply)).toBe('FORBIDDEN');
  });
});
