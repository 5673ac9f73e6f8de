/**
 * The status SMS outbox (rule 10; cloudfunctions/_server/sms/outbox.ts): a message written with the change it
 * reports is tried at once, and while the gateway refuses it the `smsDispatch` timer tries again after 1, 2, 4 …
 * minutes — each retry due to the millisecond, never before — ten tries in all, then `failed`. Once the gateway
 * takes it, it is sent exactly once — also when two runs of the timer find it together; a message whose sender
 * stopped mid-send is taken over when its lease runs out, and that sender's late answer changes nothing. One run
 * sends every message due, oldest first, whatever their number.
 */
import type { SmsOutboxDoc } from '../../cloudfunctions/_server/db/documents';
import { keyRingFromEnv, seal } from '../../cloudfunctions/_server/privacy/personal-data';
import type { Doc } from '../../tools/local-cloud/db/store';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import {
  call,
  frozenAt,
  hangNextSend,
  openLocalCloud,
  runTimer,
  withTripDelay,
} from '../helpers/local-cloud';
import { CHANGCHUN } from '../helpers/world';

const INITIATOR = 'outbox-initiator';
let cloud: LocalCloud;

beforeAll(async () => {
  for (const method of ['log', 'error', 'warn', 'info'] as const)
    jest.spyOn(console, method).mockImplementation(() => undefined);
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
});

afterAll(async () => {
  await cloud.close();
  jest.restoreAllMocks();
});

/** A new site's senior, for a new holder: the invitation SMS goes into the outbox with the position. */
async function positionFor(n: number): Promise<{ positionId: string; phone: string }> {
  const holder = personOf(n);
  const site = await call<{ siteId: string }>(
    cloud,
    'org',
    {
      action: 'createSite',
      actingPositionId: 'position-initiator',
      name: `短信测试站${n}`,
      type: 'station',
      address: `短信测试站${n}`,
      location: CHANGCHUN,
      radiusM: 500,
    },
    INITIATOR,
  );
  expect(site.body.error).toBeUndefined();
  const created = await call<{ positionId: string }>(
    cloud,
    'org',
    {
      action: 'createPosition',
      actingPositionId: 'position-initiator',
      siteId: site.body.data!.siteId,
      role: 'senior',
      holderName: holder.name,
      holderPhone: holder.phone,
    },
    INITIATOR,
  );
  expect(created.body.error).toBeUndefined();
  return { positionId: created.body.data!.positionId, phone: holder.phone };
}

const messageOf = (positionId: string) =>
  cloud.store.find('sms_outbox', { positionId }).docs[0] as unknown as SmsOutboxDoc;

/** Runs the timer with the local clock standing at `atMs`, to the millisecond. */
async function dispatchAt(atMs: number) {
  const run = await frozenAt(cloud, atMs, () =>
    runTimer<{ sent: number; retry: number; failed: number; skipped: number }>(cloud, 'cron', 'smsDispatch'),
  );
  return run.data!;
}

it('retries after 1, 2, 4 … minutes while the gateway refuses, ten tries in all, then gives up', async () => {
  cloud.faults.set('sms', 'down');
  try {
    const { positionId, phone } = await positionFor(7101);
    // tried once with the change, refused: due again a minute later
    let message = messageOf(positionId);
    expect(message).toMatchObject({ status: 'pending', attempts: 1 });
    const delays: number[] = [];
    let triedAt = message.createdAt.getTime();
    for (let tries = 1; tries < 10; tries++) {
      const due = message.nextAttemptAt.getTime();
      delays.push((due - triedAt) / 60_000);
      triedAt = due;
      // a millisecond early: not yet due, nothing tried
      expect(await dispatchAt(due - 1)).toEqual({ sent: 0, retry: 0, failed: 0, skipped: 0 });
      expect(messageOf(positionId).attempts).toBe(tries);
      expect(await dispatchAt(due)).toMatchObject(tries < 9 ? { retry: 1 } : { failed: 1 });
      message = messageOf(positionId);
      expect(message.attempts).toBe(tries + 1);
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    expect(message.status).toBe('failed');
    // given up: the gateway back, a day later, nothing more is tried
    cloud.faults.set('sms', 'up');
    expect(await dispatchAt(triedAt + 24 * 3600_000)).toEqual({
      sent: 0,
      retry: 0,
      failed: 0,
      skipped: 0,
    });
    expect(cloud.sms.sentTo(phone).map((m) => m.status)).toEqual(Array(10).fill('failed'));
  } finally {
    cloud.faults.set('sms', 'up');
  }
});

it('makes no eleventh try: a tenth try taken and never recorded is failed once its lease runs out, not sent again', async () => {
  cloud.faults.set('sms', 'down');
  const { positionId, phone } = await positionFor(7108);
  cloud.faults.set('sms', 'up');
  // as a run leaves it that took the tenth try and died (its function timed out) before recording anything
  const { doc } = cloud.store.get('sms_outbox', messageOf(positionId)._id)!;
  const leaseEnd = Date.now() + 3600_000;
  cloud.store.replace('sms_outbox', doc, {
    ...doc,
    status: 'sending',
    attempts: 10,
    nextAttemptAt: new Date(leaseEnd),
  } as unknown as Doc);
  const sentBefore = cloud.sms.sentTo(phone).length;
  expect(await dispatchAt(leaseEnd - 1)).toEqual({ sent: 0, retry: 0, failed: 0, skipped: 0 });
  expect(await dispatchAt(leaseEnd)).toEqual({ sent: 0, retry: 0, failed: 1, skipped: 0 });
  expect(messageOf(positionId)).toMatchObject({ status: 'failed', attempts: 10, sentAt: null });
  expect(cloud.sms.sentTo(phone)).toHaveLength(sentBefore);
  expect(await dispatchAt(leaseEnd + 3600_000)).toEqual({ sent: 0, retry: 0, failed: 0, skipped: 0 });
});

it('sends a refused message once the gateway takes it, exactly once', async () => {
  cloud.faults.set('sms', 'down');
  const { positionId, phone } = await positionFor(7102);
  cloud.faults.set('sms', 'up');
  const due = messageOf(positionId).nextAttemptAt.getTime();
  expect(await dispatchAt(due)).toMatchObject({ sent: 1 });
  expect(messageOf(positionId)).toMatchObject({ status: 'sent', attempts: 2, sentAt: new Date(due) });
  // later runs of the timer leave it alone
  expect(await dispatchAt(due + 3600_000)).toEqual({ sent: 0, retry: 0, failed: 0, skipped: 0 });
  expect(cloud.sms.sentTo(phone).map((m) => m.status)).toEqual(['failed', 'sent']);
});

it('sends a message once when two runs of the timer find it at the same moment', async () => {
  cloud.faults.set('sms', 'down');
  const { positionId, phone } = await positionFor(7104);
  cloud.faults.set('sms', 'up');
  const due = messageOf(positionId).nextAttemptAt.getTime();
  // 10 ms a database trip: both runs read the message as due before either takes it
  const runs = await withTripDelay(cloud, 10, () =>
    frozenAt(cloud, due, () =>
      Promise.all([1, 2].map(() => runTimer<Record<string, number>>(cloud, 'cron', 'smsDispatch'))),
    ),
  );
  const total = (outcome: string) => runs.reduce((n, run) => n + (run.data?.[outcome] ?? 0), 0);
  expect([total('sent'), total('skipped')]).toEqual([1, 1]);
  expect(cloud.sms.sentTo(phone).map((m) => m.status)).toEqual(['failed', 'sent']);
});

// the late answer either way: a failure must not put the message back to pending (it would be sent again), and a
// success (the phone may then get it twice: delivery is at least once) must not be counted as this run's send
it.each([
  ['fails', 7105],
  ['goes through', 7106],
] as const)(
  'leases a message for 2 minutes while its gateway call runs; a sender still waiting then is taken over, and when its call %s at last nothing changes',
  async (lateAnswer, n) => {
    cloud.faults.set('sms', 'down');
    const { positionId, phone } = await positionFor(n);
    cloud.faults.set('sms', 'up');
    const due = messageOf(positionId).nextAttemptAt.getTime();
    // the gateway hangs on the next message: the run that took it waits (as a function that timed out would)
    const hung = hangNextSend(cloud.sms, lateAnswer);
    let stale!: Promise<{ data?: Record<string, number> }>;
    try {
      await frozenAt(cloud, due, async () => {
        stale = runTimer(cloud, 'cron', 'smsDispatch');
        await hung.reached;
      });
      // taken at `due`: sending, its second try, leased until 2 minutes later to the millisecond
      const leaseEnd = due + 2 * 60_000;
      expect(messageOf(positionId)).toMatchObject({
        status: 'sending',
        attempts: 2,
        nextAttemptAt: new Date(leaseEnd),
      });
      expect(await dispatchAt(leaseEnd - 1)).toEqual({ sent: 0, retry: 0, failed: 0, skipped: 0 });
      expect(await dispatchAt(leaseEnd)).toMatchObject({ sent: 1 });
      const sent = { status: 'sent', attempts: 3, sentAt: new Date(leaseEnd) };
      expect(messageOf(positionId)).toMatchObject(sent);
      // the first run's call answers at last: the message it no longer holds is left as the other run wrote it
      hung.answer();
      expect((await stale).data).toEqual({ sent: 0, retry: 0, failed: 0, skipped: 1 });
      expect(messageOf(positionId)).toMatchObject(sent);
      expect(await dispatchAt(leaseEnd + 3600_000)).toEqual({ sent: 0, retry: 0, failed: 0, skipped: 0 });
      // the refused first try and the one that went out; the hung call never reached the stand-in's log
      expect(cloud.sms.sentTo(phone).map((m) => m.status)).toEqual(['failed', 'sent']);
    } finally {
      hung.restore();
    }
  },
);

it('sends every message due in one run, oldest due first, past the 100 it reads at a time', async () => {
  const keys = keyRingFromEnv();
  const t0 = Date.UTC(2027, 0, 10, 8);
  // 150 messages due one second apart, written in an order of their own (not the order they are due in); the
  // oldest is one whose sender stopped mid-send (`sending`, its lease run out), the rest wait for a retry
  const phones = Array.from({ length: 150 }, (_, i) => `139${String(10_000_000 + i).padStart(8, '0')}`);
  const order = phones.map((_, i) => (i * 37) % 150);
  for (const i of order) {
    cloud.store.insert('sms_outbox', {
      _id: `outbox-batch-${String(i).padStart(3, '0')}-${(i * 7919) % 1000}`,
      phone: seal(keys, phones[i]),
      template: 'position_disabled',
      params: { siteName: '批量站' },
      text: '【吉祥码】测试',
      status: i === 0 ? 'sending' : 'pending',
      attempts: 1,
      nextAttemptAt: new Date(t0 + i * 1000),
      createdAt: new Date(t0 - 60_000),
      sentAt: null,
      positionId: `batch-position-${i}`,
    } as unknown as Doc);
  }
  const before = cloud.sms.all().length;
  expect(await dispatchAt(t0 + 149 * 1000)).toEqual({ sent: 150, retry: 0, failed: 0, skipped: 0 });
  expect(
    cloud.sms
      .all()
      .slice(before)
      .map((m) => m.phone),
  ).toEqual(phones);
  expect(await dispatchAt(t0 + 3600_000)).toEqual({ sent: 0, retry: 0, failed: 0, skipped: 0 });
});
