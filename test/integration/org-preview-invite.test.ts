/**
 * Two things the citizen's pages need from `org` (docs/api.md): the extension `previewInvite` — what an invite
 * code is for, shown before the claim, to the invited person only, with the very checks of `claim` and no write —
 * and the region of a senior application (API.md v1.1 `applySenior { regionCode? }`), which the approved unit's
 * site takes.
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { usccCheckChar } from '../../miniprogram/core/uscc';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { call, openLocalCloud } from '../helpers/local-cloud';

let cloud: LocalCloud;
const INITIATOR = 'test-initiator';
let nextPerson = 7100;
let units = 0;

const org = <T = Record<string, unknown>>(openid: string, body: Record<string, unknown>) =>
  call<T>(cloud, 'org', body, openid);
const codeOf = (reply: Awaited<ReturnType<typeof org>>) => (reply.body.ok ? 'ok' : reply.body.error!.code);

async function citizen(openid: string) {
  const identity = personOf(nextPerson++);
  expect((await call(cloud, 'citizen', { action: 'register', ...identity }, openid)).body.ok).toBe(true);
  return identity;
}

/** A unit site under the root with a senior invited for `holder`. */
async function invited(holder: { name: string; phone: string }) {
  const site = await org<{ siteId: string }>(INITIATOR, {
    action: 'createSite',
    actingPositionId: INITIATOR_POSITION_ID,
    name: `预览单位${++units}`,
    type: 'gov',
    address: '吉林省长春市',
    location: { latitude: 43.88, longitude: 125.32 },
  });
  const created = await org<{ positionId: string; inviteCode: string }>(INITIATOR, {
    action: 'createPosition',
    actingPositionId: INITIATOR_POSITION_ID,
    siteId: site.body.data!.siteId,
    role: 'senior',
    holderName: holder.name,
    holderPhone: holder.phone,
  });
  return { siteId: site.body.data!.siteId, ...created.body.data! };
}

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
});
afterAll(async () => {
  await cloud.close();
});
afterEach(() => cloud.clock.set({ offsetMs: 0 }));

describe('org.previewInvite (extension)', () => {
  it('shows the invited person the role, the site and the deadline, and changes nothing', async () => {
    const holder = await citizen('preview-holder');
    const { siteId, positionId, inviteCode } = await invited(holder);
    const before = JSON.stringify(cloud.store.get('positions', positionId)!.doc);
    const preview = await org<{ role: string; site: unknown; expiresAt: string }>('preview-holder', {
      action: 'previewInvite',
      inviteCode: inviteCode.toLowerCase(),
    });
    expect(preview.body.data).toEqual({
      role: 'senior',
      site: { id: siteId, name: `预览单位${units}`, type: 'gov' },
      expiresAt: expect.any(String),
    });
    const left = Date.parse(preview.body.data!.expiresAt) - Date.now();
    expect(left).toBeGreaterThan(71 * 3600_000);
    expect(left).toBeLessThanOrEqual(72 * 3600_000);
    // no write: the position is still pending, the code still claims, and only the claim sends an SMS
    expect(JSON.stringify(cloud.store.get('positions', positionId)!.doc)).toBe(before);
    expect(codeOf(await org('preview-holder', { action: 'claim', inviteCode }))).toBe('ok');
    // spent: nobody else's, and its holder sees what they claimed
    await citizen('preview-after');
    expect(codeOf(await org('preview-after', { action: 'previewInvite', inviteCode }))).toBe(
      'INVITE_INVALID',
    );
    expect(codeOf(await org('preview-holder', { action: 'previewInvite', inviteCode }))).toBe('ok');
  });

  it('answers anyone else as the claim would: not registered, not the invited person, unknown, expired', async () => {
    const holder = await citizen('preview-late');
    const { inviteCode } = await invited(holder);
    await citizen('preview-stranger');
    const stranger = await org('preview-stranger', { action: 'previewInvite', inviteCode });
    expect(stranger.body.error?.code).toBe('INVITE_INVALID');
    expect(stranger.body.error?.message).toContain('不是发给您的');
    expect(JSON.stringify(stranger.body)).not.toContain('预览单位');
    expect(codeOf(await org('preview-nobody', { action: 'previewInvite', inviteCode }))).toBe(
      'NOT_REGISTERED',
    );
    expect(codeOf(await org('preview-late', { action: 'previewInvite', inviteCode: 'ABCDEFGHJK' }))).toBe(
      'INVITE_INVALID',
    );
    cloud.clock.set({ offsetMs: 72 * 3600_000 + 60_000 });
    expect(codeOf(await org('preview-late', { action: 'previewInvite', inviteCode }))).toBe('INVITE_EXPIRED');
  });

  it('refuses a code that is not a string', async () => {
    const reply = await org('preview-holder', { action: 'previewInvite', inviteCode: { $gt: '' } });
    expect(reply.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { inviteCode: 'type' } });
  });
});

describe('applySenior with a region (API.md v1.1)', () => {
  const usccOf = (n: number) => {
    const body = `91220101MA${String(n).padStart(7, '0')}`;
    return body + usccCheckChar(body);
  };
  const form = async (openid: string, n: number, extra: Record<string, unknown> = {}) => {
    const applicant = await citizen(openid);
    return {
      action: 'applySenior',
      unitName: `区域单位${n}`,
      uscc: usccOf(7000 + n),
      siteType: 'gov',
      address: '长春市南关区',
      location: { latitude: 43.88, longitude: 125.32 },
      applicantName: applicant.name,
      applicantPhone: applicant.phone,
      ...extra,
    };
  };

  it('keeps the region, lists it to the reviewer, and gives it to the approved unit’s site', async () => {
    const applied = await org<{ applicationId: string }>(
      'region-applicant',
      await form('region-applicant', 1, { regionCode: '220102' }),
    );
    const listed = await org<{ items: Array<{ applicationId: string; regionCode: string }> }>(INITIATOR, {
      action: 'applications',
      actingPositionId: INITIATOR_POSITION_ID,
    });
    expect(
      listed.body.data!.items.find((a) => a.applicationId === applied.body.data!.applicationId)?.regionCode,
    ).toBe('220102');
    const review = await org<{ siteId: string }>(INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: INITIATOR_POSITION_ID,
      applicationId: applied.body.data!.applicationId,
      approve: true,
    });
    expect(cloud.store.get('sites', review.body.data!.siteId)!.doc).toMatchObject({ regionCode: '220102' });
  });

  it('means the province without one, and refuses a code that is not a six-digit code of Jilin', async () => {
    const applied = await org<{ applicationId: string }>('region-none', await form('region-none', 2));
    expect(cloud.store.get('applications', applied.body.data!.applicationId)!.doc).toMatchObject({
      regionCode: '220000',
    });
    for (const regionCode of ['110000', '229999', '2201', '22010x', 220102]) {
      const reply = await org(
        `region-bad-${regionCode}`,
        await form(`region-bad-${regionCode}`, 3, { regionCode }),
      );
      expect(reply.body.error).toMatchObject({
        code: 'BAD_REQUEST',
        fields: { regionCode: expect.stringMatching(/^(format|tooShort|type)$/) },
      });
    }
  });
});
