/**
 * The function host of the local cloud, seen through a plain JavaScript function on the real wx-server-sdk
 * (test/fixtures/functions/probe): a fresh getWXContext() per call even when calls overlap, callFunction between
 * functions in-process, db.serverDate() on the local clock, and timer triggers from config.json.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { FIXTURE_FUNCTIONS, call, openLocalCloud } from '../helpers/local-cloud';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await openLocalCloud({ functionsDir: FIXTURE_FUNCTIONS, bootstrapOpenid: null });
});

afterAll(async () => {
  await cloud.close();
});

afterEach(() => cloud.clock.set({ offsetMs: 0 }));

it('gives every call its own caller, also when 60 calls overlap', async () => {
  const openids = Array.from({ length: 60 }, (_, i) => `user-${i}`);
  const replies = await Promise.all(
    openids.map((openid) => call<{ openid: string }>(cloud, 'probe', { action: 'whoami' }, openid)),
  );
  expect(replies.map((r) => r.body.data?.openid)).toEqual(openids);
});

it('runs cloud.callFunction in-process with the calling user as the callee’s caller', async () => {
  const reply = await call<{ ok: boolean; data: { openid: string } }>(
    cloud,
    'probe',
    { action: 'call', name: 'probe', data: { action: 'whoami' } },
    'caller-7',
  );
  expect(reply.body.data).toEqual({ ok: true, data: { openid: 'caller-7' } });
});

it('stamps db.serverDate() with the local clock, which /dev/clock moves', async () => {
  const before = await call<{ at: string }>(cloud, 'probe', { action: 'serverNow' });
  expect(Math.abs(Date.parse(before.body.data!.at) - Date.now())).toBeLessThan(2000);
  await fetch(`${cloud.url}/dev/clock`, {
    method: 'POST',
    body: JSON.stringify({ now: '2031-05-01T00:00:00Z' }),
  });
  const after = await call<{ at: string }>(cloud, 'probe', { action: 'serverNow' });
  expect(Math.abs(Date.parse(after.body.data!.at) - Date.parse('2031-05-01T00:00:00Z'))).toBeLessThan(2000);
});

it('reads timer triggers from config.json and runs one on demand through /dev/timers', async () => {
  expect(cloud.functions.triggers()).toEqual([
    { functionName: 'probe', name: 'tick', cron: '* * * * * * *' },
  ]);
  const res = await fetch(`${cloud.url}/dev/timers/probe/tick`, { method: 'POST' });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ ok: true, data: { trigger: 'tick' } });
  expect(cloud.store.find('audit', { kind: 'tick' }).docs.length).toBeGreaterThanOrEqual(1);
});

it('gives a timer no caller', async () => {
  const reply = (await cloud.functions.invoke('probe', { action: 'whoami' }, { openid: null })) as {
    data: { openid: string | null };
  };
  expect(reply.data.openid).toBeNull();
});

it('fires timers on schedule when timers are on', async () => {
  const scheduled = await openLocalCloud({
    functionsDir: FIXTURE_FUNCTIONS,
    bootstrapOpenid: null,
    timers: true,
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 2600));
    expect(scheduled.store.find('audit', { kind: 'tick' }).docs.length).toBeGreaterThanOrEqual(2);
  } finally {
    await scheduled.close();
  }
});
