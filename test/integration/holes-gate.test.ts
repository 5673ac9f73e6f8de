/**
 * Holes an attack on the API found at the gate and in the hierarchy, each reproduced through the local cloud's HTTP
 * face as the attacker did it: a disabled or replaced scanner writing scans by late sync, a reveal grant that
 * outlived its holder, an invitation claimed by a namesake, a scanner clearing their own yellow code, and the
 * initiator approving its own application (API.md v1.1).
 */
import type { AlertDoc, PersonDoc } from '../../cloudfunctions/_server/db/documents';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { hmacSha256Hex } from '../../cloudfunctions/_server/privacy/personal-data';
import { renderCode } from '../../miniprogram/core/dynamic-code';
import { personOf } from '../helpers/identities';
import { call, openLocalCloud } from '../helpers/local-cloud';
import { USCC } from '../helpers/org-tree';
import {
  CHANGCHUN,
  buildWorld,
  citizenWithCode,
  newScanId,
  onDuty,
  type Scanner,
  type World,
} from '../helpers/world';

const INITIATOR = 'test-initiator';
const MINUTE = 60_000;
const DAY = 24 * 3600_000;
let cloud: LocalCloud;

type Envelope<T = Record<string, unknown>> = {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string; fields?: Record<string, string> };
};

const api = async <T = Record<string, unknown>>(
  fn: string,
  openid: string,
  body: Record<string, unknown>,
): Promise<Envelope<T>> => (await call<T>(cloud, fn, body, openid)).body;

const colorOf = (personId: string) =>
  (cloud.store.get('persons', personId)!.doc as unknown as PersonDoc).color;
const alertsFor = (scanId: string) => cloud.store.find('alerts', { scanId }).docs as unknown as AlertDoc[];

/** Moves the local cloud's clock `ms` ahead of real time. */
const nowIsLater = (ms: number) => cloud.clock.set({ offsetMs: ms });

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
});

afterAll(async () => {
  await cloud.close();
});

afterEach(() => {
  cloud.clock.set({ offsetMs: 0 });
});

describe('a scan synced late counts only while its scanner was on duty then (rule 7)', () => {
  let world: World;
  let citizen: Awaited<ReturnType<typeof citizenWithCode>>;

  const lateScan = (who: Scanner, at: number, body: Record<string, unknown>) =>
    api('scan', who.openid, {
      action: 'record',
      positionId: who.id,
      scanId: newScanId(),
      scannedAt: new Date(at).toISOString(),
      ...body,
    });

  beforeEach(async () => {
    // on duty since five minutes ago, with a code issued then
    nowIsLater(-5 * MINUTE);
    world = await buildWorld(cloud, INITIATOR, `late-${Date.now()}`);
    citizen = await citizenWithCode(cloud, `late-citizen-${Date.now()}`);
    await onDuty(cloud, world.ordinary);
    nowIsLater(0);
  });

  it('refuses a fever scan dated a minute after the position was disabled: no yellow code, no alert', async () => {
    const disabledAt = Date.now();
    await api('org', world.intermediate.openid, {
      action: 'disable',
      actingPositionId: world.intermediate.id,
      positionId: world.ordinary.id,
      cascade: false,
      reason: '离岗',
    });
    nowIsLater(10 * MINUTE);

    const after = await lateScan(world.ordinary, disabledAt + MINUTE, {
      qr: citizen.qrAt(disabledAt + MINUTE),
      temperature: 38.2,
    });
    expect(after.error?.code).toBe('NOT_ON_DUTY');
    expect(colorOf(citizen.personId)).toBe('green');

    // the same scan from a minute before the disable was taken on duty: it counts
    const before = await lateScan(world.ordinary, disabledAt - MINUTE, {
      qr: citizen.qrAt(disabledAt - MINUTE),
      temperature: 38.2,
    });
    expect(before.data).toMatchObject({ duplicate: false, color: 'yellow', decision: 'deny' });
    expect(alertsFor((before.data as { scanId: string }).scanId)).toHaveLength(1);
  });

  it('does not let duty come back with the activation: a scan after it needs goOnDuty again', async () => {
    await api('org', world.intermediate.openid, {
      action: 'disable',
      actingPositionId: world.intermediate.id,
      positionId: world.ordinary.id,
      cascade: false,
      reason: '离岗',
    });
    const activatedAt = Date.now();
    const activated = await api('org', world.intermediate.openid, {
      action: 'activate',
      actingPositionId: world.intermediate.id,
      positionId: world.ordinary.id,
    });
    expect(activated.ok).toBe(true);
    nowIsLater(10 * MINUTE);
    const reply = await lateScan(world.ordinary, activatedAt + MINUTE, {
      qr: citizen.qrAt(activatedAt + MINUTE),
      temperature: 36.5,
    });
    expect(reply.error?.code).toBe('NOT_ON_DUTY');
  });

  it('refuses a guest scan from a holder replaced before it was taken, which would show under the new holder', async () => {
    const replacedAt = Date.now();
    const next = personOf(7100);
    const replaced = await api('org', world.intermediate.openid, {
      action: 'replaceHolder',
      actingPositionId: world.intermediate.id,
      positionId: world.ordinary.id,
      holderName: next.name,
      holderPhone: next.phone,
      reason: '调岗',
    });
    expect(replaced.ok).toBe(true);
    nowIsLater(30 * MINUTE);
    const guest = { name: '李秀英', category: 'elderly' };
    const after = await lateScan(world.ordinary, replacedAt + 5 * MINUTE, { guest, temperature: 36.5 });
    expect(after.error?.code).toBe('NOT_ON_DUTY');

    const before = await lateScan(world.ordinary, replacedAt - MINUTE, { guest, temperature: 36.5 });
    expect(before.data).toMatchObject({ duplicate: false, color: 'bw', decision: 'allow' });
  });

  it('ends duty at a position when its holder goes on duty at another (rule 12)', async () => {
    // the intermediate is also on duty at its own position; going on duty as the ordinary's holder elsewhere is
    // not possible, so the same holder is given a second position at the other site
    const second = await api<{ positionId: string; inviteCode: string }>('org', world.intermediate.openid, {
      action: 'createPosition',
      actingPositionId: world.intermediate.id,
      siteId: world.siteId,
      role: 'ordinary',
      holderName: world.ordinary.name,
      holderPhone: world.ordinary.phone,
    });
    await api('org', world.ordinary.openid, { action: 'claim', inviteCode: second.data!.inviteCode });
    const switchedAt = Date.now();
    const duty = await api('scan', world.ordinary.openid, {
      action: 'goOnDuty',
      positionId: second.data!.positionId,
      location: CHANGCHUN,
    });
    expect(duty.ok).toBe(true);
    nowIsLater(10 * MINUTE);
    const atFirst = await lateScan(world.ordinary, switchedAt + MINUTE, {
      qr: citizen.qrAt(switchedAt + MINUTE),
      temperature: 36.5,
    });
    expect(atFirst.error?.code).toBe('NOT_ON_DUTY');
  });
});

describe('a reveal grant belongs to the holder it was given to', () => {
  let world: World;
  let scanId: string;

  beforeAll(async () => {
    world = await buildWorld(cloud, INITIATOR, 'grant');
    await onDuty(cloud, world.ordinary);
    const citizen = await citizenWithCode(cloud, 'grant-citizen');
    scanId = newScanId();
    const scanned = await api('scan', world.ordinary.openid, {
      action: 'record',
      positionId: world.ordinary.id,
      scanId,
      qr: citizen.qrAt(Date.now()),
      temperature: 36.6,
    });
    expect(scanned.ok).toBe(true);
  });

  const grant = (granteePositionId: string, expiresAt: number) =>
    api('records', INITIATOR, {
      action: 'grantReveal',
      actingPositionId: world.initiator.id,
      granteePositionId,
      reason: '流调授权',
      expiresAt: new Date(expiresAt).toISOString(),
    });

  it('ends with a change of holder: the new senior reads nothing under the old senior’s grant', async () => {
    expect((await grant(world.senior.id, Date.now() + DAY)).ok).toBe(true);
    const revealed = await api('records', world.senior.openid, {
      action: 'reveal',
      actingPositionId: world.senior.id,
      scanId,
      reason: '流调',
    });
    expect(revealed.ok).toBe(true);

    const successor = personOf(7200);
    await api('citizen', 'grant-successor', { action: 'register', ...successor });
    const replaced = await api<{ inviteCode: string }>('org', INITIATOR, {
      action: 'replaceHolder',
      actingPositionId: world.initiator.id,
      positionId: world.senior.id,
      holderName: successor.name,
      holderPhone: successor.phone,
      reason: '人员调整',
    });
    expect(
      (await api('org', 'grant-successor', { action: 'claim', inviteCode: replaced.data!.inviteCode })).ok,
    ).toBe(true);

    const bySuccessor = await api('records', 'grant-successor', {
      action: 'reveal',
      actingPositionId: world.senior.id,
      scanId,
      reason: '流调',
    });
    expect(bySuccessor.error?.code).toBe('NO_GRANT');
    expect(bySuccessor.data).toBeUndefined();

    // the office authorises the new holder afresh
    expect((await grant(world.senior.id, Date.now() + DAY)).ok).toBe(true);
    const afresh = await api<{ name: string }>('records', 'grant-successor', {
      action: 'reveal',
      actingPositionId: world.senior.id,
      scanId,
      reason: '流调',
    });
    expect(afresh.ok).toBe(true);
  });

  it('runs at most 30 days', async () => {
    const now = Date.now();
    expect((await grant(world.intermediate.id, now + 30 * DAY - MINUTE)).ok).toBe(true);
    const tooLong = await grant(world.intermediate.id, now + 30 * DAY + MINUTE);
    expect(tooLong.error).toMatchObject({ code: 'BAD_REQUEST', fields: { expiresAt: 'range' } });
    const forever = await api('records', INITIATOR, {
      action: 'grantReveal',
      actingPositionId: world.initiator.id,
      granteePositionId: world.intermediate.id,
      reason: '流调授权',
      expiresAt: '9999-12-31T00:00:00Z',
    });
    expect(forever.error?.code).toBe('BAD_REQUEST');
  });

  it('is refused for a position nobody has claimed yet', async () => {
    const invitee = personOf(7300);
    const pending = await api<{ positionId: string }>('org', world.intermediate.openid, {
      action: 'createPosition',
      actingPositionId: world.intermediate.id,
      siteId: world.siteId,
      role: 'ordinary',
      holderName: invitee.name,
      holderPhone: invitee.phone,
    });
    expect((await grant(pending.data!.positionId, Date.now() + DAY)).error?.code).toBe('CONFLICT');
  });
});

describe('an invitation is for a name and a phone', () => {
  it('refuses a namesake registered with another phone, and the invited person still claims it', async () => {
    const invited = personOf(7400);
    const namesake = personOf(7500);
    expect(namesake.name).toBe(invited.name);
    expect(namesake.phone).not.toBe(invited.phone);
    await api('citizen', 'invite-invited', { action: 'register', ...invited });
    await api('citizen', 'invite-namesake', { action: 'register', ...namesake });
    const site = await api<{ siteId: string }>('org', INITIATOR, {
      action: 'createSite',
      actingPositionId: 'position-initiator',
      name: '吉林省邀请测试局',
      type: 'gov',
      address: '长春市',
      location: CHANGCHUN,
    });
    const created = await api<{ positionId: string; inviteCode: string }>('org', INITIATOR, {
      action: 'createPosition',
      actingPositionId: 'position-initiator',
      siteId: site.data!.siteId,
      role: 'senior',
      holderName: invited.name,
      holderPhone: invited.phone,
    });
    const inviteCode = created.data!.inviteCode;

    const byNamesake = await api('org', 'invite-namesake', { action: 'claim', inviteCode });
    expect(byNamesake.error?.code).toBe('INVITE_INVALID');
    expect(byNamesake.error?.message).toContain('手机号');
    expect(cloud.store.get('positions', created.data!.positionId)!.doc.status).toBe('pending');

    const byInvited = await api<{ positionId: string }>('org', 'invite-invited', {
      action: 'claim',
      inviteCode,
    });
    expect(byInvited.data?.positionId).toBe(created.data!.positionId);
  });

  it('lets the namesake win no race against the invited person', async () => {
    const invited = personOf(7401);
    const namesake = personOf(7501);
    await api('citizen', 'race-invited', { action: 'register', ...invited });
    await api('citizen', 'race-namesake', { action: 'register', ...namesake });
    for (let round = 0; round < 3; round++) {
      const site = await api<{ siteId: string }>('org', INITIATOR, {
        action: 'createSite',
        actingPositionId: 'position-initiator',
        name: `吉林省竞争测试局${round}`,
        type: 'gov',
        address: '长春市',
        location: CHANGCHUN,
      });
      const created = await api<{ positionId: string; inviteCode: string }>('org', INITIATOR, {
        action: 'createPosition',
        actingPositionId: 'position-initiator',
        siteId: site.data!.siteId,
        role: 'senior',
        holderName: invited.name,
        holderPhone: invited.phone,
      });
      const inviteCode = created.data!.inviteCode;
      const [a, b] = await Promise.all([
        api('org', 'race-namesake', { action: 'claim', inviteCode }),
        api('org', 'race-invited', { action: 'claim', inviteCode }),
      ]);
      expect(a.ok).toBe(false);
      expect(b.ok).toBe(true);
    }
  });
});

describe('a scanner cannot scan their own code', () => {
  it('is FORBIDDEN and records nothing, and a yellow scanner cannot turn their own code green', async () => {
    const world = await buildWorld(cloud, INITIATOR, 'self');
    await onDuty(cloud, world.ordinary);
    await onDuty(cloud, world.intermediate);
    const own = await api<{ codeId: string; seed: string }>('citizen', world.ordinary.openid, {
      action: 'code',
    });
    const qr = () => renderCode(hmacSha256Hex, own.data!, Date.now());
    const selfScan = (temperature: number) =>
      api('scan', world.ordinary.openid, {
        action: 'record',
        positionId: world.ordinary.id,
        scanId: newScanId(),
        qr: qr(),
        temperature,
        location: CHANGCHUN,
      });

    // green and on duty: scanning one's own code is refused outright
    const green = await selfScan(36.5);
    expect(green.error?.code).toBe('FORBIDDEN');
    expect(cloud.store.find('scans', { 'scanner.positionId': world.ordinary.id }).docs.length).toBe(0);

    // another scanner reads a fever: the ordinary scanner's code turns yellow, and their duty ends with it
    const fever = await api('scan', world.intermediate.openid, {
      action: 'record',
      positionId: world.intermediate.id,
      scanId: newScanId(),
      qr: qr(),
      temperature: 38.0,
      location: CHANGCHUN,
    });
    expect(fever.data).toMatchObject({ color: 'yellow' });
    const yellow = await selfScan(36.5);
    expect(yellow.ok).toBe(false);
    expect(colorOf(world.ordinary.personId)).toBe('yellow');
    expect(cloud.store.find('scans', { 'scanner.positionId': world.ordinary.id }).docs.length).toBe(0);
  });
});

describe('nobody reviews their own senior application', () => {
  it('is FORBIDDEN for the initiator too, and the application stays pending', async () => {
    const self = personOf(7600);
    expect((await api('citizen', INITIATOR, { action: 'register', ...self })).ok).toBe(true);
    const applied = await api<{ applicationId: string }>('org', INITIATOR, {
      action: 'applySenior',
      unitName: '长春市自审测试局',
      uscc: USCC,
      siteType: 'gov',
      address: '吉林省长春市朝阳区',
      location: CHANGCHUN,
      applicantName: self.name,
      applicantPhone: self.phone,
    });
    expect(applied.ok).toBe(true);
    const review = await api('org', INITIATOR, {
      action: 'reviewApplication',
      actingPositionId: 'position-initiator',
      applicationId: applied.data!.applicationId,
      approve: true,
    });
    expect(review.error?.code).toBe('FORBIDDEN');
    expect(cloud.store.get('applications', applied.data!.applicationId)!.doc.status).toBe('pending');
  });
});
