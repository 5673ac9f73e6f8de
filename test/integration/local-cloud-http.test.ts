/**
 * The local cloud's HTTP face (API.md section 1) with the real, bundled functions: envelopes and status codes,
 * the development endpoints, and the bootstrap of section 2.1.
 */
import { FUNCTION_NAMES } from '../../miniprogram/core/contracts/functions';
import { ERROR_CODES } from '../../miniprogram/core/errors';
import { INITIATOR_POSITION_ID, ROOT_SITE_ID } from '../../cloudfunctions/_server/org/bootstrap';
import type { PositionDoc, SiteDoc } from '../../cloudfunctions/_server/db/documents';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call, openLocalCloud } from '../helpers/local-cloud';

let cloud: LocalCloud;

const initiator = () => cloud.store.get('positions', INITIATOR_POSITION_ID)!.doc as unknown as PositionDoc;

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: 'test-initiator' });
});

afterAll(async () => {
  await cloud.close();
});

describe('GET /health', () => {
  it('answers ok once the local cloud accepts calls', async () => {
    const res = await fetch(`${cloud.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('POST /api/<function>', () => {
  it('hosts all six functions of the API', () => {
    expect([...cloud.functions.functions.keys()].sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it.each(FUNCTION_NAMES)(
    'answers an unknown action of %s with UNKNOWN_ACTION in an envelope',
    async (fn) => {
      const reply = await call(cloud, fn, { action: 'nope' });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ ok: false, error: { code: 'UNKNOWN_ACTION', message: '不支持的操作' } });
    },
  );

  it('refuses a call without x-wx-openid with 401 NO_IDENTITY', async () => {
    const reply = await call(cloud, 'citizen', { action: 'profile' }, null);
    expect(reply.status).toBe(401);
    expect(reply.body.error?.code).toBe('NO_IDENTITY');
  });

  it('answers an unknown function with 404 UNKNOWN_ACTION', async () => {
    const reply = await call(cloud, 'payments', { action: 'pay' });
    expect(reply.status).toBe(404);
    expect(reply.body.error?.code).toBe('UNKNOWN_ACTION');
  });

  it.each([
    ['an array', '[1,2]'],
    ['a string', '"register"'],
    ['null', 'null'],
    ['broken JSON', '{"action":'],
    ['nothing', ''],
  ])('answers a body that is %s with 400 BAD_REQUEST', async (_label, body) => {
    const reply = await call(cloud, 'citizen', body);
    expect(reply.status).toBe(400);
    expect(reply.body.ok).toBe(false);
    expect(reply.body.error?.code).toBe('BAD_REQUEST');
  });

  it('answers a body over 1 MB with 413 BAD_REQUEST', async () => {
    const reply = await call(cloud, 'citizen', { action: 'register', name: 'x'.repeat(1024 * 1024 + 1) });
    expect(reply.status).toBe(413);
    expect(reply.body.error?.code).toBe('BAD_REQUEST');
  });

  it('answers a missing or non-string action with BAD_REQUEST naming the field', async () => {
    expect((await call(cloud, 'scan', {})).body.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { action: 'required' },
    });
    expect((await call(cloud, 'scan', { action: { $gt: '' } })).body.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { action: 'type' },
    });
  });

  it('never lets a client reach a timer or system task: without a caller they would run, with one they do not', async () => {
    const timer = await call(cloud, 'cron', { Type: 'Timer', TriggerName: 'silentSweep' });
    expect(timer.body.error?.code).toBe('BAD_REQUEST');
    const system = await call(cloud, 'org', { $system: 'bootstrap', openid: 'attacker' });
    expect(system.body.error?.code).toBe('BAD_REQUEST');
    expect(initiator().holder.openid).toBe('test-initiator');
  });

  it('answers only with listed error codes and Chinese messages', async () => {
    const replies = await Promise.all([
      call(cloud, 'citizen', { action: 'nope' }),
      call(cloud, 'citizen', {}),
      call(cloud, 'citizen', '[]'),
    ]);
    for (const { body } of replies) {
      expect(ERROR_CODES).toContain(body.error?.code);
      expect(body.error?.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('bootstrap (API.md 2.1)', () => {
  it('creates the root site and the one active initiator bound to the bootstrap openid', () => {
    const site = cloud.store.get('sites', ROOT_SITE_ID)!.doc as unknown as SiteDoc;
    expect(site).toMatchObject({ type: 'gov', name: '吉林省政务服务和数字化建设管理局', ancestors: [] });
    expect(initiator()).toMatchObject({
      role: 'initiator',
      status: 'active',
      siteId: ROOT_SITE_ID,
      holder: { openid: 'test-initiator', personId: null },
    });
  });

  it('changes nothing when run again, even with another openid', async () => {
    await cloud.functions.invoke('org', { $system: 'bootstrap', openid: 'someone-else' }, { openid: null });
    expect(initiator().holder.openid).toBe('test-initiator');
    expect(cloud.store.find('positions', { role: 'initiator' }).docs).toHaveLength(1);
  });
});

describe('development endpoints', () => {
  const post = (path: string, body: unknown) =>
    fetch(`${cloud.url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { ok: boolean; data?: Record<string, unknown>; error?: { code: string } },
    }));

  afterEach(async () => {
    await post('/dev/clock', { offsetMs: 0 });
    await post('/dev/faults', { realname: 'up', national: 'up', sms: 'up' });
  });

  it('moves the clock by an offset, sets it to an instant, and resets it', async () => {
    const moved = await post('/dev/clock', { offsetMs: 86_400_000 });
    expect(moved.status).toBe(200);
    expect(
      Math.abs(new Date(String(moved.body.data?.now)).getTime() - (Date.now() + 86_400_000)),
    ).toBeLessThan(2000);
    const set = await post('/dev/clock', { now: '2030-01-01T08:00:00+08:00' });
    expect(
      Math.abs(new Date(String(set.body.data?.now)).getTime() - Date.parse('2030-01-01T00:00:00Z')),
    ).toBeLessThan(2000);
    const reset = await post('/dev/clock', { offsetMs: 0 });
    expect(reset.body.data?.offsetMs).toBe(0);
  });

  it('refuses a clock setting it cannot read', async () => {
    expect((await post('/dev/clock', { now: 'tomorrow' })).status).toBe(400);
    expect((await post('/dev/clock', { offsetMs: '5' })).status).toBe(400);
  });

  it('takes services down and up, and refuses unknown services or states', async () => {
    const down = await post('/dev/faults', { sms: 'down', national: 'down' });
    expect(down.body.data).toEqual({ realname: 'up', national: 'down', sms: 'down', push: 'up' });
    expect(cloud.faults.isDown('national')).toBe(true);
    const push = await post('/dev/faults', { push: 'down', sms: 'up', national: 'up' });
    expect(push.body.data).toEqual({ realname: 'up', national: 'up', sms: 'up', push: 'down' });
    expect((await post('/dev/faults', { push: 'up' })).body.data).toMatchObject({ push: 'up' });
    expect((await post('/dev/faults', { mail: 'down' })).status).toBe(400);
    expect((await post('/dev/faults', { sms: 'off' })).status).toBe(400);
  });

  it('lists the subscribe messages asked for one WeChat user, and refuses a request without an openid', async () => {
    const message = { template: 't', page: 'admin/agency/agency', data: { thing1: { value: '长春站' } } };
    await cloud.push.send({ openid: 'dev-messages-user', ...message });
    await post('/dev/faults', { push: 'down' });
    await expect(cloud.push.send({ openid: 'dev-messages-user', ...message })).rejects.toThrow();
    await post('/dev/faults', { push: 'up' });
    const res = await fetch(`${cloud.url}/dev/messages?openid=dev-messages-user`);
    const body = (await res.json()) as { data: Array<{ openid: string; status: string; data: unknown }> };
    expect(body.data.map((m) => m.status)).toEqual(['sent', 'failed']);
    expect(body.data[0]).toMatchObject({ openid: 'dev-messages-user', data: message.data });
    expect((await fetch(`${cloud.url}/dev/messages`)).status).toBe(400);
    const other = await fetch(`${cloud.url}/dev/messages?openid=someone-else`);
    expect(((await other.json()) as { data: unknown[] }).data).toEqual([]);
  });

  it('lists what the SMS sender was asked to send, oldest first, and marks sends while SMS is down as failed', async () => {
    await cloud.sms.send({ phone: '13800138000', text: '第一条', template: 'test' });
    await post('/dev/faults', { sms: 'down' });
    await expect(
      cloud.sms.send({ phone: '13800138000', text: '第二条', template: 'test' }),
    ).rejects.toThrow();
    const res = await fetch(`${cloud.url}/dev/sms?phone=13800138000`);
    const body = (await res.json()) as { data: Array<{ text: string; status: string }> };
    expect(body.data.map((m) => [m.text, m.status])).toEqual([
      ['第一条', 'sent'],
      ['第二条', 'failed'],
    ]);
    expect((await fetch(`${cloud.url}/dev/sms?phone=138`)).status).toBe(400);
  });

  it('answers a timer that no config.json declares with 404', async () => {
    const res = await post('/dev/timers/cron/noSuchTrigger', {});
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('UNKNOWN_ACTION');
  });
});
