/**
 * The scanner hierarchy through the local cloud (regulation rules 6–14; API.md `org`, `scan.roles`, the
 * `silentSweep` and `smsDispatch` timers): invitations, replacement, disabling and activation with exactly one SMS
 * per change, concurrent conflicting actions, senior applications, and the silent sweep.
 */
import type {
  AuditDoc,
  InviteDoc,
  PositionDoc,
  SmsOutboxDoc,
} from '../../cloudfunctions/_server/db/documents';
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { call, openLocalCloud, runTimer } from '../helpers/local-cloud';

let cloud: LocalCloud;
const INITIATOR = 'test-initiator';
let nextPerson = 300;

type Reply<T = Record<string, unknown>> = Awaited<ReturnType<typeof call<T>>>;

const org = <T = Record<string, unknown>>(openid: string, body: Record<string, unknown>): Promise<Reply<T>> =>
  call<T>(cloud, 'org', body, openid);

/** A registered citizen, with the identity they registered. */
async function citizen(openid: string) {
  const identity = personOf(nextPerson++);
  const reply = await call(cloud, 'citizen', { action: 'register', ...identity }, openid);
  expect(reply.body.ok).toBe(true);
  return identity;
}

const position = (id: string) => cloud.store.get('positions', id)!.doc as unknown as PositionDoc;
const smsTo = async (phone: string) =>
  (
    (await (await fetch(`${cloud.url}/dev/sms?phone=${phone}`)).json()) as {
      data: Array<{ template: string; status: string; text: string }>;
    }
  ).data;
const outboxOf = (positionId: string) =>
  cloud.store.find('sms_outbox', { positionId }).docs as unknown as SmsOutboxDoc[];

let rootSite: string;

async function site(actingPositionId: string, openid: string, name: string, parentSiteId?: string) {
  const reply = await org<{ siteId: string }>(openid, {
    action: 'createSite',
    actingPositionId,
    name,
    type: 'gov',
    address: '吉林省长春市',
    location: { latitude: 43.88, longitude: 125.32 },
    ...(parentSiteId ? { parentSiteId } : {}),
  });
  expect(reply.body.ok).toBe(true);
  return reply.body.data!.siteId;
}

/** Creates a position below the actor for a new citizen, who claims it. */
async function held(actorId: string, actorOpenid: string, siteId: string, role: string, openid: string) {
  const holder = await citizen(openid);
  const created = await org<{ positionId: string; inviteCode: string }>(actorOpenid, {
    action: 'createPosition',
    actingPositionId: actorId,
    siteId,
    role,
    holderName: holder.name,
    holderPhone: holder.phone,
  });
  expect(created.body.ok).toBe(true);
  const claimed = await org(openid, { action: 'claim', inviteCode: created.body.data!.inviteCode });
  expect(claimed.body.ok).toBe(true);
  return { id: created.body.data!.positionId, openid, siteId, ...holder };
}

let units = 0;
/** A fresh unit site under the root: a site has at most one senior (API.md v1.1), so each senior gets its own. */
const unitSite = () => site(INITIATOR_POSITION_ID, INITIATOR, `测试单位${++units}`);

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  rootSite = position(INITIATOR_POSITION_ID).siteId;
});

afterAll(async () => {
  await cloud.close();
});

afterEach(async () => {
  cloud.clock.set({ offsetMs: 0 });
  await fetch(`${cloud.url}/dev/faults`, { method: 'POST', body: JSON.stringify({ sms: 'up' }) });
});

describe('sites', () => {
  it('keeps every site’s ancestors, root first, so that a subtree is one indexed query', async () => {
    const city = await site(INITIATOR_POSITION_ID, INITIATOR, '长春市政务服务局');
    const hall = await site(INITIATOR_POSITION_ID, INITIATOR, '长春市政务大厅', city);
    expect(cloud.store.get('sites', hall)!.doc).toMatchObject({
      parentSiteId: city,
      ancestors: [rootSite, city],
      radiusM: 1000,
    });
  });

  it('checks a unit’s credit code per GB 32100', async () => {
    const base = {
      action: 'createSite',
      actingPositionId: INITIATOR_POSITION_ID,
      name: '某公司',
      type: 'other',
      address: '长春',
      location: { latitude: 43.8, longitude: 125.3 },
    };
    expect((await org(INITIATOR, { ...base, uscc: '91350100M000100Y44' })).body.error).toMatchObject({
      code: 'USCC_INVALID',
      fields: { uscc: 'checksum' },
    });
    expect((await org(INITIATOR, { ...base, uscc: '91350100M000100Y4' })).body.error).toMatchObject({
      code: 'USCC_INVALID',
      fields: { uscc: 'length' },
    });
    expect((await org(INITIATOR, { ...base, uscc: '91350100M000100Y43' })).body.ok).toBe(true);
  });
});

describe('positions and invitations', () => {
  it('creates a pending position whose one-time code is stored only as a hash, and binds it on claim', async () => {
    const holder = await citizen('inv-holder');
    const unit = await unitSite();
    const created = await org<{ positionId: string; inviteCode: string }>(INITIATOR, {
      action: 'createPosition',
      actingPositionId: INITIATOR_POSITION_ID,
      siteId: unit,
      role: 'senior',
      holderName: holder.name,
      holderPhone: holder.phone,
    });
    const { positionId, inviteCode } = created.body.data!;
    expect(inviteCode).toMatch(/^[A-Z2-9]{10}$/);
    expect(position(positionId)).toMatchObject({
      status: 'pending',
      parentId: INITIATOR_POSITION_ID,
      ancestors: [INITIATOR_POSITION_ID],
      holder: {
        openid: null,
        masked: { name: expect.stringMatching(/\*/), phone: expect.stringMatching(/\*\*\*\*/) },
      },
    });
    const invites = cloud.store.find('invites', { positionId }).docs as unknown as InviteDoc[];
    expect(JSON.stringify(invites)).not.toContain(inviteCode);

    const claimed = await org('inv-holder', {
      action: 'claim',
      inviteCode: inviteCode.toLowerCase(),
    });
    expect(claimed.body.data).toMatchObject({ positionId, role: 'senior', site: { id: unit } });
    expect(position(positionId)).toMatchObject({ status: 'active', holder: { openid: 'inv-holder' } });
    // the holder's retry (the answer was lost) gets the same answer, and claims nothing twice
    expect((await org('inv-holder', { action: 'claim', inviteCode })).body.data).toEqual(claimed.body.data);
    expect((await smsTo(holder.phone)).map((m) => m.template)).toEqual([
      'position_created',
      'position_claimed',
    ]);
  });

  it('refuses a code that is unknown, expired, or claimed by someone who is not the invited person', async () => {
    const holder = await citizen('late-holder');
    const created = await org<{ positionId: string; inviteCode: string }>(INITIATOR, {
      action: 'createPosition',
      actingPositionId: INITIATOR_POSITION_ID,
      siteId: await unitSite(),
      role: 'senior',
      holderName: holder.name,
      holderPhone: holder.phone,
    });
    expect((await org('late-holder', { action: 'claim', inviteCode: 'ABCDEFGHJK' })).body.error?.code).toBe(
      'INVITE_INVALID',
    );
    await citizen('stranger');
    expect(
      (await org('stranger', { action: 'claim', inviteCode: created.body.data!.inviteCode })).body.error
        ?.code,
    ).toBe('INVITE_INVALID');
    expect(
      (await org('unregistered', { action: 'claim', inviteCode: created.body.data!.inviteCode })).body.error
        ?.code,
    ).toBe('NOT_REGISTERED');
    cloud.clock.set({ offsetMs: 72 * 3600_000 + 60_000 });
    expect(
      (await org('late-holder', { action: 'claim', inviteCode: created.body.data!.inviteCode })).body.error
        ?.code,
    ).toBe('INVITE_EXPIRED');
    expect(position(created.body.data!.positionId).status).toBe('pending');
  });

  it('refuses a holder name or phone that is not valid', async () => {
    const base = {
      action: 'createPosition',
      actingPositionId: INITIATOR_POSITION_ID,
      siteId: await unitSite(),
      role: 'senior',
    };
    expect(
      (await org(INITIATOR, { ...base, holderName: 'X', holderPhone: '13800000000' })).body.error,
    ).toMatchObject({
      code: 'NAME_INVALID',
      fields: { holderName: 'length' },
    });
    expect(
      (await org(INITIATOR, { ...base, holderName: '王建国', holderPhone: '110' })).body.error,
    ).toMatchObject({
      code: 'PHONE_INVALID',
      fields: { holderPhone: 'format' },
    });
  });

  it('takes two simultaneous claims of one code by its holder as one: both answered, one claim, one SMS', async () => {
    const holder = await citizen('twin-a');
    const created = await org<{ positionId: string; inviteCode: string }>(INITIATOR, {
      action: 'createPosition',
      actingPositionId: INITIATOR_POSITION_ID,
      siteId: await unitSite(),
      role: 'senior',
      holderName: holder.name,
      holderPhone: holder.phone,
    });
    const code = created.body.data!.inviteCode;
    const replies = await Promise.all([
      org('twin-a', { action: 'claim', inviteCode: code }),
      org('twin-a', { action: 'claim', inviteCode: code }),
    ]);
    expect(replies.map((r) => (r.body.ok ? 'ok' : r.body.error!.code))).toEqual(['ok', 'ok']);
    expect(replies[1].body.data).toEqual(replies[0].body.data);
    expect(
      outboxOf(created.body.data!.positionId)
        .map((m) => m.template)
        .sort(),
    ).toEqual(['position_claimed', 'position_created']);
  });
});

describe('replacing a holder', () => {
  it('takes the position from the old holder at once and invites the new one, keeping everything below', async () => {
    const senior = await held(INITIATOR_POSITION_ID, INITIATOR, await unitSite(), 'senior', 'rep-senior');
    const middle = await held(senior.id, senior.openid, senior.siteId, 'intermediate', 'rep-old');
    const below = await held(middle.id, middle.openid, senior.siteId, 'ordinary', 'rep-below');
    const newcomer = await citizen('rep-new');
    const replaced = await org<{ inviteCode: string }>(senior.openid, {
      action: 'replaceHolder',
      actingPositionId: senior.id,
      positionId: middle.id,
      holderName: newcomer.name,
      holderPhone: newcomer.phone,
      reason: '岗位调整',
    });
    expect(replaced.body.ok).toBe(true);
    // the old holder cannot act as it any more
    expect(
      (await org('rep-old', { action: 'subordinates', actingPositionId: middle.id })).body.error?.code,
    ).toBe('FORBIDDEN');
    expect(position(below.id)).toMatchObject({ status: 'active', parentId: middle.id });
    expect(
      (await org('rep-new', { action: 'claim', inviteCode: replaced.body.data!.inviteCode })).body.ok,
    ).toBe(true);
    expect(position(middle.id)).toMatchObject({ status: 'active', holder: { openid: 'rep-new' } });
    expect((await smsTo(newcomer.phone)).map((m) => m.template)).toEqual([
      'position_replaced',
      'position_claimed',
    ]);
  });
});

describe('disable and activate (rule 10)', () => {
  it('cascades to the whole subtree with one SMS per disabled position, and activation restores one', async () => {
    const senior = await held(INITIATOR_POSITION_ID, INITIATOR, await unitSite(), 'senior', 'cas-senior');
    const middle = await held(senior.id, senior.openid, senior.siteId, 'intermediate', 'cas-middle');
    const a = await held(middle.id, middle.openid, senior.siteId, 'ordinary', 'cas-a');
    const b = await held(middle.id, middle.openid, senior.siteId, 'ordinary', 'cas-b');
    const reply = await org<{ disabled: string[] }>(senior.openid, {
      action: 'disable',
      actingPositionId: senior.id,
      positionId: middle.id,
      cascade: true,
      reason: '整改',
    });
    expect(reply.body.data!.disabled[0]).toBe(middle.id);
    expect([...reply.body.data!.disabled].sort()).toEqual([middle.id, a.id, b.id].sort());
    expect([middle, a, b].map((p) => [position(p.id).status, position(p.id).disabledReason])).toEqual([
      ['disabled', 'manual'],
      ['disabled', 'cascade'],
      ['disabled', 'cascade'],
    ]);
    for (const p of [middle, a, b]) {
      expect((await smsTo(p.phone)).filter((m) => m.template === 'position_disabled')).toHaveLength(1);
    }
    expect((await org('cas-a', { action: 'subordinates', actingPositionId: a.id })).body.error?.code).toBe(
      'POSITION_DISABLED',
    );

    expect(
      (await org(senior.openid, { action: 'activate', actingPositionId: senior.id, positionId: middle.id }))
        .body.ok,
    ).toBe(true);
    expect(position(middle.id)).toMatchObject({ status: 'active', disabledReason: null });
    expect(position(a.id).status).toBe('disabled'); // activation is one position at a time
    expect(
      (await org(senior.openid, { action: 'activate', actingPositionId: senior.id, positionId: middle.id }))
        .body.error?.code,
    ).toBe('CONFLICT');
    expect((await smsTo(middle.phone)).map((m) => m.template)).toEqual([
      'position_created',
      'position_claimed',
      'position_disabled',
      'position_activated',
    ]);
  });

  it('audits the disable that finishes a cascade below a position already disabled, with its reason', async () => {
    const senior = await held(INITIATOR_POSITION_ID, INITIATOR, await unitSite(), 'senior', 'finish-senior');
    const middle = await held(senior.id, senior.openid, senior.siteId, 'intermediate', 'finish-middle');
    const below = await held(middle.id, middle.openid, senior.siteId, 'ordinary', 'finish-below');
    const disable = (cascade: boolean, reason: string) =>
      org(senior.openid, {
        action: 'disable',
        actingPositionId: senior.id,
        positionId: middle.id,
        cascade,
        reason,
      });
    expect((await disable(false, '先停用本级')).body.ok).toBe(true);
    // the middle position is disabled already: with cascade, what lies below it is disabled now
    expect((await disable(true, '连同下级一并停用')).body.data).toEqual({ disabled: [below.id] });
    expect(position(below.id)).toMatchObject({ status: 'disabled', disabledReason: 'cascade' });
    const audits = (
      cloud.store.find('audit', { action: 'org.disable', target: middle.id }).docs as unknown as AuditDoc[]
    ).map((a) => [a.reason, a.details.cascade]);
    expect(audits.sort()).toEqual([
      ['先停用本级', false],
      ['连同下级一并停用', true],
    ]);
  });

  it('leaves a consistent tree and one SMS per change when two disables race', async () => {
    const senior = await held(INITIATOR_POSITION_ID, INITIATOR, await unitSite(), 'senior', 'race-senior');
    const target = await held(senior.id, senior.openid, senior.siteId, 'intermediate', 'race-target');
    const replies = await Promise.all([
      org(INITIATOR, {
        action: 'disable',
        actingPositionId: INITIATOR_POSITION_ID,
        positionId: target.id,
        cascade: false,
        reason: 'a',
      }),
      org(senior.openid, {
        action: 'disable',
        actingPositionId: senior.id,
        positionId: target.id,
        cascade: true,
        reason: 'b',
      }),
    ]);
    expect(replies.map((r) => (r.body.ok ? 'ok' : r.body.error!.code)).sort()).toEqual(['CONFLICT', 'ok']);
    expect(position(target.id).status).toBe('disabled');
    expect(outboxOf(target.id).filter((m) => m.template === 'position_disabled')).toHaveLength(1);
  });

  it('lets disable and activate race to one final state, each change with its SMS', async () => {
    const senior = await held(INITIATOR_POSITION_ID, INITIATOR, await unitSite(), 'senior', 'dva-senior');
    const target = await held(senior.id, senior.openid, senior.siteId, 'ordinary', 'dva-target');
    await org(senior.openid, {
      action: 'disable',
      actingPositionId: senior.id,
      positionId: target.id,
      cascade: false,
      reason: 'x',
    });
    const [activated, disabledAgain] = await Promise.all([
      org(senior.openid, { action: 'activate', actingPositionId: senior.id, positionId: target.id }),
      org(INITIATOR, {
        action: 'disable',
        actingPositionId: INITIATOR_POSITION_ID,
        positionId: target.id,
        cascade: false,
        reason: 'y',
      }),
    ]);
    const templates = outboxOf(target.id).map((m) => m.template);
    const disables = templates.filter((t) => t === 'position_disabled').length;
    const activations = templates.filter((t) => t === 'position_activated').length;
    expect(activations).toBe(activated.body.ok ? 1 : 0);
    expect(disables).toBe(1 + (disabledAgain.body.ok ? 1 : 0));
    // the final state is the one the last successful change left
    const final = position(target.id).status;
    expect(['active', 'disabled']).toContain(final);
    if (final === 'active') expect(disabledAgain.body.ok).toBe(false);
  });
});

describe('SMS dispatch', () => {
  it('keeps an SMS that could not be sent and retries it after 1, 2, 4 minutes until it goes out', async () => {
    await fetch(`${cloud.url}/dev/faults`, { method: 'POST', body: JSON.stringify({ sms: 'down' }) });
    const holder = await citizen('sms-retry');
    const created = await org<{ positionId: string }>(INITIATOR, {
      action: 'createPosition',
      actingPositionId: INITIATOR_POSITION_ID,
      siteId: await unitSite(),
      role: 'senior',
      holderName: holder.name,
      holderPhone: holder.phone,
    });
    const message = () => outboxOf(created.body.data!.positionId)[0];
    expect(message()).toMatchObject({ status: 'pending', attempts: 1 });
    const base = Date.now();
    const due = () => message().nextAttemptAt.getTime() - base;
    expect(due()).toBeGreaterThanOrEqual(55_000);
    expect(due()).toBeLessThan(65_000 + 5_000);

    cloud.clock.set({ offsetMs: 61_000 });
    expect((await runTimer(cloud, 'cron', 'smsDispatch')).data).toMatchObject({ retry: 1 });
    expect(message()).toMatchObject({ status: 'pending', attempts: 2 });
    expect(due()).toBeGreaterThanOrEqual(61_000 + 119_000);

    await fetch(`${cloud.url}/dev/faults`, { method: 'POST', body: JSON.stringify({ sms: 'up' }) });
    cloud.clock.set({ offsetMs: 61_000 + 121_000 });
    expect((await runTimer(cloud, 'cron', 'smsDispatch')).data).toMatchObject({ sent: 1 });
    expect(message()).toMatchObject({ status: 'sent', attempts: 3 });
    expect((await smsTo(holder.phone)).map((m) => m.status)).toEqual(['failed', 'failed', 'sent']);
    // nothing is sent twice
    cloud.clock.set({ offsetMs: 3600_000 });
    expect((await runTimer(cloud, 'cron', 'smsDispatch')).data).toMatchObject({ sent: 0 });
  });

  it('gives up after 10 tries and marks the message failed', async () => {
    await fetch(`${cloud.url}/dev/faults`, { method: 'POST', body: JSON.stringify({ sms: 'down' }) });
    const holder = await citizen('sms-fail');
    const created = await org<{ positionId: string }>(INITIATOR, {
      action: 'createPosition',
      actingPositionId: INITIATOR_POSITION_ID,
      siteId: await unitSite(),
      role: 'senior',
      holderName: holder.name,
      holderPhone: holder.phone,
    });
    for (let i = 1; i <= 12; i++) {
      cloud.clock.set({ offsetMs: i * 1024 * 60_000 });
      await runTimer(cloud, 'cron', 'smsDispatch');
    }
    expect(outboxOf(created.body.data!.positionId)[0]).toMatchObject({ status: 'failed', attempts: 10 });
  });
});

describe('scan.roles and the silent sweep', () => {
  it('lists every position the caller holds, for choosing the identity to act as (rule 12)', async () => {
    const senior = await held(INITIATOR_POSITION_ID, INITIATOR, await unitSite(), 'senior', 'multi-senior');
    const second = await org<{ positionId: string; inviteCode: string }>(senior.openid, {
      action: 'createPosition',
      actingPositionId: senior.id,
      siteId: senior.siteId,
      role: 'ordinary',
      holderName: senior.name,
      holderPhone: senior.phone,
    });
    await org(senior.openid, { action: 'claim', inviteCode: second.body.data!.inviteCode });
    const roles = await call<{ items: Array<{ positionId: string; role: string; status: string }> }>(
      cloud,
      'scan',
      { action: 'roles' },
      senior.openid,
    );
    expect(roles.body.data!.items.map((r) => [r.role, r.status]).sort()).toEqual([
      ['ordinary', 'active'],
      ['senior', 'active'],
    ]);
    expect((await call(cloud, 'scan', { action: 'roles' }, 'nobody-at-all')).body.data).toEqual({
      items: [],
    });
  });

  it('disables intermediate and ordinary scanners silent for 15 days, not seniors, and not what lies below', async () => {
    const senior = await held(INITIATOR_POSITION_ID, INITIATOR, await unitSite(), 'senior', 'quiet-senior');
    const middle = await held(senior.id, senior.openid, senior.siteId, 'intermediate', 'quiet-middle');
    const busy = await held(middle.id, middle.openid, senior.siteId, 'ordinary', 'busy-ordinary');
    cloud.clock.set({ offsetMs: 14 * 24 * 3600_000 });
    // the ordinary scanner opens scan mode on day 14: a login
    await call(cloud, 'scan', { action: 'roles' }, busy.openid);
    cloud.clock.set({ offsetMs: 16 * 24 * 3600_000 });
    const run = await runTimer(cloud, 'cron', 'silentSweep');
    expect(run.ok).toBe(true);
    expect(position(middle.id)).toMatchObject({ status: 'disabled', disabledReason: 'silent' });
    expect(position(busy.id).status).toBe('active');
    expect(position(senior.id).status).toBe('active');
    expect((await smsTo(middle.phone)).filter((m) => m.template === 'position_disabled')).toHaveLength(1);
    expect((await smsTo(middle.phone)).at(-1)?.text).toContain('15天内未登录或操作');
    // a second run changes nothing and sends nothing
    await runTimer(cloud, 'cron', 'silentSweep');
    expect((await smsTo(middle.phone)).filter((m) => m.template === 'position_disabled')).toHaveLength(1);
  });

  it('waits for the ten minutes an activity mark can lag: a mark 15 d 10 min old is silent, 1 ms younger is not', async () => {
    const senior = await held(INITIATOR_POSITION_ID, INITIATOR, await unitSite(), 'senior', 'lag-senior');
    const silent = await held(senior.id, senior.openid, senior.siteId, 'ordinary', 'lag-silent');
    const lately = await held(senior.id, senior.openid, senior.siteId, 'ordinary', 'lag-lately');
    const now = cloud.clock.nowMs() + 20 * 24 * 3600_000;
    const markedAt = (id: string, ms: number) => {
      const { doc } = cloud.store.get('positions', id)!;
      cloud.store.replace('positions', doc, { ...doc, lastActiveAt: new Date(ms) });
    };
    // the last action may have come up to ten minutes after the mark (the mark is not written again sooner)
    markedAt(silent.id, now - 15 * 24 * 3600_000 - 10 * 60_000);
    markedAt(lately.id, now - 15 * 24 * 3600_000 - 10 * 60_000 + 1);
    markedAt(senior.id, now);
    const clock = jest.spyOn(cloud.clock, 'nowMs').mockReturnValue(now);
    try {
      expect((await runTimer(cloud, 'cron', 'silentSweep')).ok).toBe(true);
    } finally {
      clock.mockRestore();
    }
    expect(position(silent.id)).toMatchObject({ status: 'disabled', disabledReason: 'silent' });
    expect(position(lately.id).status).toBe('active');
  });
});

describe('senior applications (rules 9, 13, 14)', () => {
  const form = (extra: Record<string, unknown> = {}) => ({
    action: 'applySenior',
    unitName: '长春市市场监督管理局',
    uscc: '91220101MA00000026',
    siteType: 'gov',
    address: '长春市',
    location: { latitude: 43.9, longitude: 125.3 },
    ...extra,
  });

  it('creates the site, the senior position and the invite on approval, in one go', async () => {
    const applicant = await citizen('applicant');
    const applied = await org<{ applicationId: string }>('applicant', {
      ...form(),
      applicantName: applicant.name,
      applicantPhone: applicant.phone,
    });
    const listed = await org<{ items: Array<{ applicationId: string; applicant: { name: string } }> }>(
      INITIATOR,
      {
        action: 'applications',
        actingPositionId: INITIATOR_POSITION_ID,
        status: 'pending',
      },
    );
    const item = listed.body.data!.items.find((a) => a.applicationId === applied.body.data!.applicationId)!;
    expect(item.applicant.name).toMatch(/\*/);
    const review = await org<{ siteId: string; positionId: string; inviteCode: string }>(INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: INITIATOR_POSITION_ID,
      applicationId: applied.body.data!.applicationId,
      approve: true,
    });
    const { siteId, positionId, inviteCode } = review.body.data!;
    expect(cloud.store.get('sites', siteId)!.doc).toMatchObject({
      uscc: '91220101MA00000026',
      parentSiteId: rootSite,
    });
    expect(position(positionId)).toMatchObject({ role: 'senior', siteId, status: 'pending' });
    expect((await org('applicant', { action: 'claim', inviteCode })).body.ok).toBe(true);
    const again = await org(INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: INITIATOR_POSITION_ID,
      applicationId: applied.body.data!.applicationId,
      approve: false,
    });
    expect(again.body.error?.code).toBe('CONFLICT');
  });

  it('lets the initiator replace a senior directly (rule 10)', async () => {
    const senior = await held(
      INITIATOR_POSITION_ID,
      INITIATOR,
      await unitSite(),
      'senior',
      'direct-old-senior',
    );
    const successor = await citizen('direct-new-senior');
    const direct = await org<{ inviteCode: string }>(INITIATOR, {
      action: 'replaceHolder',
      actingPositionId: INITIATOR_POSITION_ID,
      positionId: senior.id,
      holderName: successor.name,
      holderPhone: successor.phone,
      reason: '日常监控发现问题',
    });
    expect(direct.body.ok).toBe(true);
    expect(
      (await org('direct-new-senior', { action: 'claim', inviteCode: direct.body.data!.inviteCode })).body.ok,
    ).toBe(true);
    expect(position(senior.id).holder.openid).toBe('direct-new-senior');
    const audit = cloud.store.find('audit', { action: 'org.replaceHolder', target: senior.id }).docs;
    expect(audit).toEqual([expect.objectContaining({ reason: '日常监控发现问题' })]);
  });

  it('replaces a unit’s own senior on its approved application with a letter (rule 10)', async () => {
    const unitUscc = '91220000MA0000001F';
    const unitSite = await org<{ siteId: string }>(INITIATOR, {
      action: 'createSite',
      actingPositionId: INITIATOR_POSITION_ID,
      name: '某单位',
      type: 'gov',
      address: '长春市',
      location: { latitude: 43.9, longitude: 125.3 },
      uscc: unitUscc,
    });
    expect(unitSite.body.ok).toBe(true);
    const senior = await held(
      INITIATOR_POSITION_ID,
      INITIATOR,
      unitSite.body.data!.siteId,
      'senior',
      'old-senior',
    );
    const successor = await citizen('new-senior');
    const unitForm = form({ uscc: unitUscc });
    const withoutLetter = await org('new-senior', {
      ...unitForm,
      replacesPositionId: senior.id,
      applicantName: successor.name,
      applicantPhone: successor.phone,
    });
    expect(withoutLetter.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { letter: 'required' } });
    // another unit cannot ask for this senior
    const otherUnit = await org('new-senior', {
      ...form(),
      replacesPositionId: senior.id,
      letter: '冒名更换',
      applicantName: successor.name,
      applicantPhone: successor.phone,
    });
    expect(otherUnit.body.error?.code).toBe('FORBIDDEN');
    // a second senior for the same unit is refused (rule 9: one per unit)
    const secondSenior = await org('new-senior', {
      ...unitForm,
      applicantName: successor.name,
      applicantPhone: successor.phone,
    });
    expect(secondSenior.body.error?.code).toBe('CONFLICT');
    const applied = await org<{ applicationId: string }>('new-senior', {
      ...unitForm,
      replacesPositionId: senior.id,
      letter: '原高级扫码员调离，特此致函。',
      applicantName: successor.name,
      applicantPhone: successor.phone,
    });
    const [first, second] = await Promise.all(
      [0, 1].map(() =>
        org<{ positionId: string; inviteCode: string }>(INITIATOR, {
          action: 'reviewApplication',
          actingPositionId: INITIATOR_POSITION_ID,
          applicationId: applied.body.data!.applicationId,
          approve: true,
        }),
      ),
    );
    const winner = first.body.ok ? first : second;
    expect([first, second].filter((r) => r.body.ok)).toHaveLength(1);
    expect([first, second].find((r) => !r.body.ok)!.body.error?.code).toBe('CONFLICT');
    expect(winner.body.data!.positionId).toBe(senior.id);
    expect(outboxOf(senior.id).filter((m) => m.template === 'position_replaced')).toHaveLength(1);
    expect(
      cloud.store.find('audit', { action: 'org.reviewApplication', target: applied.body.data!.applicationId })
        .docs,
    ).toHaveLength(1);
    expect(
      (await org('new-senior', { action: 'claim', inviteCode: winner.body.data!.inviteCode })).body.ok,
    ).toBe(true);
    expect(position(senior.id).holder.openid).toBe('new-senior');
  });

  it('needs a registered applicant and a valid credit code', async () => {
    expect(
      (await org('nobody-registered', { ...form(), applicantName: '王建国', applicantPhone: '13800000000' }))
        .body.error?.code,
    ).toBe('NOT_REGISTERED');
    await citizen('bad-uscc');
    expect(
      (
        await org('bad-uscc', {
          ...form({ uscc: '91350100M000100Y4I' }),
          applicantName: '王建国',
          applicantPhone: '13800000000',
        })
      ).body.error,
    ).toMatchObject({ code: 'USCC_INVALID', fields: { uscc: 'format' } });
  });
});

describe('subordinates', () => {
  it('pages through the whole subtree, newest first, masked', async () => {
    const senior = await held(INITIATOR_POSITION_ID, INITIATOR, await unitSite(), 'senior', 'pager');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      cloud.clock.set({ offsetMs: i * 1000 });
      const holder = personOf(900 + i);
      const created = await org<{ positionId: string }>(senior.openid, {
        action: 'createPosition',
        actingPositionId: senior.id,
        siteId: senior.siteId,
        role: 'ordinary',
        holderName: holder.name,
        holderPhone: holder.phone,
      });
      ids.push(created.body.data!.positionId);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Reply<{
        items: Array<{ positionId: string; holder: { phone: string } }>;
        next: string | null;
      }> = await org(senior.openid, {
        action: 'subordinates',
        actingPositionId: senior.id,
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      for (const item of page.body.data!.items) {
        expect(item.holder.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
        seen.push(item.positionId);
      }
      cursor = page.body.data!.next;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect(cloud.store.lastPlan.get('positions')?.index).toBe('ancestors_createdAt');
  });
});
