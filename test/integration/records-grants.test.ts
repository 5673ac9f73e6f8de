/**
 * records.grants (an extension, docs/api.md): the provincial office's list of the reveal grants it has given,
 * newest first, each marked in force, expired, or ended by a change of holder — exactly when `reveal` stops
 * honouring it. Initiator only; signed cursors.
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { call, openLocalCloud } from '../helpers/local-cloud';
import { buildWorld, citizenWithCode, newScanId, onDuty, type World } from '../helpers/world';

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

async function grant(granteePositionId: string, reason: string, hours: number): Promise<string> {
  const reply = await call<{ grantId: string }>(
    cloud,
    'records',
    {
      action: 'grantReveal',
      actingPositionId: INITIATOR_POSITION_ID,
      granteePositionId,
      reason,
      expiresAt: new Date(cloud.clock.nowMs() + hours * 3600_000).toISOString(),
    },
    INITIATOR,
  );
  expect(reply.body.ok).toBe(true);
  return reply.body.data!.grantId;
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
    await onDuty(cloud, world.ordinary);
    const c = await citizenWithCode(cloud, 'grants-scanned');
    const scanId = newScanId();
    const scanned = await call(
      cloud,
      'scan',
      {
        action: 'record',
        positionId: world.ordinary.id,
        scanId,
        qr: c.qrAt(cloud.clock.nowMs()),
        temperature: 36.5,
      },
      world.ordinary.openid,
    );
    expect(scanned.body.ok).toBe(true);
    const id = await grant(world.ordinary.id, '短期授权', 1);
    cloud.clock.set({ offsetMs: 2 * 3600_000 });
    try {
      const listed = (await grants()).body.data!.items.find((g) => g.grantId === id);
      expect(listed!.state).toBe('expired');
      const reveal = await call(
        cloud,
        'records',
        { action: 'reveal', actingPositionId: world.ordinary.id, scanId, reason: '核查' },
        world.ordinary.openid,
      );
      expect(reveal.body.error?.code).toBe('NO_GRANT');
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
