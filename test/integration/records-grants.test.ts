/**
 * records.grants (an extension, docs/api.md): the provincial office's list of the reveal grants it has given,
 * newest first, each marked in force, expired, or ended by a change of holder — exactly when `reveal` stops
 * honouring it. Initiator only; signed cursors.
 */
import type { AuditDoc } from '../../cloudfunctions/_server/db/documents';
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { GRANT_MAX_MS } from '../../cloudfunctions/_server/records/records';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { call, frozenAt, openLocalCloud } from '../helpers/local-cloud';
import {
  buildWorld,
  citizenWithCode,
  handOverOrdinary,
  newScanId,
  onDuty,
  type World,
} from '../helpers/world';

const INITIATOR = 'grants-initiator';
let cloud: LocalCloud;
let world: World;

interface GrantList {
  items: Array<{
    grantId: string;
    grantee: { positionId: string; role: string; name: string; site: { id: string; name: string } | null };
    reason: string;
    expiresAt: string;
    createdAt: string;
    state: 'in_force' | 'expired' | 'holder_changed';
  }>;
  next: string | null;
}

const grants = (body: Record<string, unknown> = {}, openid = INITIATOR) =>
  call<GrantList>(
    cloud,
    'records',
    { action: 'grants', actingPositionId: INITIATOR_POSITION_ID, ...body },
    openid,
  );

const grantReveal = (granteePositionId: string, expiresAtMs: number, reason = '边界授权') =>
  call<{ grantId: string }>(
    cloud,
    'records',
    {
      action: 'grantReveal',
      actingPositionId: INITIATOR_POSITION_ID,
      granteePositionId,
      reason,
      expiresAt: new Date(expiresAtMs).toISOString(),
    },
    INITIATOR,
  );

/** A grant given now, for `hours`; its id. */
async function grant(granteePositionId: string, reason: string, hours: number): Promise<string> {
  const reply = await grantReveal(granteePositionId, cloud.clock.nowMs() + hours * 3600_000, reason);
  expect(reply.body.ok).toBe(true);
  return reply.body.data!.grantId;
}

const reveal = (scanId: string) =>
  call<{ name: string; idNumber: string; phone: string }>(
    cloud,
    'records',
    { action: 'reveal', actingPositionId: world.ordinary.id, scanId, reason: '核查' },
    world.ordinary.openid,
  );

/** A new citizen scanned at the world's ordinary gate (on duty for it): the scan's id and who it was. */
async function scannedByOrdinary(openid: string) {
  await onDuty(cloud, world.ordinary);
  const citizen = await citizenWithCode(cloud, openid);
  const scanId = newScanId();
  const scanned = await call(
    cloud,
    'scan',
    {
      action: 'record',
      positionId: world.ordinary.id,
      scanId,
      qr: citizen.qrAt(cloud.clock.nowMs()),
      temperature: 36.5,
    },
    world.ordinary.openid,
  );
  expect(scanned.body.ok).toBe(true);
  return { scanId, citizen };
}

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  world = await buildWorld(cloud, INITIATOR, 'grants');
});
afterAll(() => cloud.close());

describe('records.grants', () => {
  it('should list every grant newest first, with the grantee masked and where it sits', async () => {
    const first = await grant(world.senior.id, '第一次授权', 48);
    cloud.clock.set({ offsetMs: 1000 });
    const second = await grant(world.intermediate.id, '第二次授权', 2);
    const reply = await grants();
    expect(reply.body.ok).toBe(true);
    const items = reply.body.data!.items;
    expect(items.map((g) => g.grantId).slice(0, 2)).toEqual([second, first]);
    expect(items[1]).toMatchObject({
      reason: '第一次授权',
      state: 'in_force',
      grantee: {
        positionId: world.senior.id,
        role: 'senior',
        name: `${world.senior.name[0]}${'*'.repeat([...world.senior.name].length - 1)}`,
        site: { id: world.siteId, name: '长春站' },
      },
    });
    expect(JSON.stringify(items)).not.toContain(world.senior.name);
  });

  it('should mark a grant expired once its time has passed, as reveal does', async () => {
    const { scanId } = await scannedByOrdinary('grants-scanned');
    const id = await grant(world.ordinary.id, '短期授权', 1);
    cloud.clock.set({ offsetMs: 2 * 3600_000 });
    try {
      const listed = (await grants()).body.data!.items.find((g) => g.grantId === id);
      expect(listed!.state).toBe('expired');
      expect((await reveal(scanId)).body.error?.code).toBe('NO_GRANT');
    } finally {
      cloud.clock.set({ offsetMs: 1000 });
    }
  });

  it('should mark a grant ended when the position passes to another holder', async () => {
    const id = await grant(world.otherSenior.id, '换人前的授权', 24);
    const successor = personOf(8801);
    const replaced = await call(
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
    expect(replaced.body.ok).toBe(true);
    const listed = (await grants()).body.data!.items.find((g) => g.grantId === id);
    expect(listed).toMatchObject({ state: 'holder_changed', grantee: { name: expect.stringMatching(/\*/) } });
  });

  it('should page with signed cursors bound to the caller', async () => {
    const page1 = await grants({ limit: 1 });
    expect(page1.body.data!.items).toHaveLength(1);
    const cursor = page1.body.data!.next!;
    const page2 = await grants({ limit: 1, cursor });
    expect(page2.body.data!.items[0]!.grantId).not.toBe(page1.body.data!.items[0]!.grantId);
    const forged = await grants({
      limit: 1,
      cursor: cursor.slice(0, -1) + (cursor.endsWith('A') ? 'B' : 'A'),
    });
    expect(forged.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { cursor: 'format' } });
  });

  it('should answer FORBIDDEN to anyone but the initiator', async () => {
    const reply = await call(
      cloud,
      'records',
      { action: 'grants', actingPositionId: world.senior.id },
      world.senior.openid,
    );
    expect(reply.body.error?.code).toBe('FORBIDDEN');
  });
});

describe('records.grantReveal and the life of a grant, to the millisecond', () => {
  it('should grant only into the future and for at most 30 days, and audit the grant with its end', async () => {
    const t = cloud.clock.nowMs();
    await frozenAt(cloud, t, async () => {
      expect((await grantReveal(world.senior.id, t)).body.error).toMatchObject({
        code: 'BAD_REQUEST',
        message: '授权截止时间须晚于当前时间',
        fields: { expiresAt: 'range' },
      });
      expect((await grantReveal(world.senior.id, t + GRANT_MAX_MS + 1)).body.error).toMatchObject({
        code: 'BAD_REQUEST',
        message: '授权最长30天，请缩短截止时间',
        fields: { expiresAt: 'range' },
      });
      const longest = await grantReveal(world.senior.id, t + GRANT_MAX_MS, '最长授权');
      expect(longest.body.ok).toBe(true);
      const [row] = (cloud.store.find('audit', { action: 'records.grantReveal', reason: '最长授权' }).docs ??
        []) as unknown as AuditDoc[];
      expect(row).toMatchObject({
        actorPositionId: INITIATOR_POSITION_ID,
        target: world.senior.id,
        details: {
          grantId: longest.body.data!.grantId,
          expiresAt: new Date(t + GRANT_MAX_MS).toISOString(),
        },
      });
      expect((await grantReveal(world.senior.id, t + 1)).body.ok).toBe(true);
    });
  });

  it('should not grant to a position nobody has claimed yet', async () => {
    const nobody = personOf(8802);
    const created = await call<{ positionId: string }>(
      cloud,
      'org',
      {
        action: 'createPosition',
        actingPositionId: world.senior.id,
        siteId: world.siteId,
        role: 'intermediate',
        holderName: nobody.name,
        holderPhone: nobody.phone,
      },
      world.senior.openid,
    );
    expect(created.body.ok).toBe(true);
    const reply = await grantReveal(created.body.data!.positionId, cloud.clock.nowMs() + 3600_000);
    expect(reply.body.error).toMatchObject({ code: 'CONFLICT', message: '该账号尚未认领，不能授权' });
    expect(cloud.store.find('grants', { granteePositionId: created.body.data!.positionId }).docs).toEqual([]);
  });

  it('should list a grant in force until the millisecond it ends, and expired from then on', async () => {
    const t = cloud.clock.nowMs();
    const ends = t + 3600_000;
    const id = await frozenAt(
      cloud,
      t,
      async () => (await grantReveal(world.intermediate.id, ends)).body.data!.grantId,
    );
    const stateAt = (ms: number) =>
      frozenAt(
        cloud,
        ms,
        async () => (await grants({ limit: 100 })).body.data!.items.find((g) => g.grantId === id)!.state,
      );
    expect(await stateAt(ends - 1)).toBe('in_force');
    expect(await stateAt(ends)).toBe('expired');
  });

  it('should end a grant when its position changes hands, even back to the same person', async () => {
    const { scanId, citizen: c } = await scannedByOrdinary('grants-handed-back');
    const id = await grant(world.ordinary.id, '交接前的授权', 24);
    expect((await reveal(scanId)).body.data).toEqual({ name: c.name, idNumber: c.idNumber, phone: c.phone });

    // the intermediate hands the post to its own holder again: a new claim, after the grant
    await handOverOrdinary(cloud, world, world.ordinary);
    const listed = (await grants({ limit: 100 })).body.data!.items.find((g) => g.grantId === id);
    expect(listed!.state).toBe('holder_changed');
    expect((await reveal(scanId)).body.error?.code).toBe('NO_GRANT');

    // claimed and granted in the same millisecond: the grant is the holder's
    const t = cloud.clock.nowMs();
    const again = await frozenAt(cloud, t, async () => {
      await handOverOrdinary(cloud, world, world.ordinary);
      return (await grantReveal(world.ordinary.id, t + 3600_000, '交接后的授权')).body.data!.grantId;
    });
    const relisted = (await grants({ limit: 100 })).body.data!.items.find((g) => g.grantId === again);
    expect(relisted!.state).toBe('in_force');
    expect((await reveal(scanId)).body.data).toEqual({ name: c.name, idNumber: c.idNumber, phone: c.phone });
  });
});
