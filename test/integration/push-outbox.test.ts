/**
 * The alert pushes' outbox (rule 15; cloudfunctions/_server/alerts/push.ts), the schedule its `pushDispatch` timer
 * keeps, tried on rows whose recipients are resolved already: while WeChat fails, tried again after 1, 2, 4 …
 * minutes, to the millisecond, ten tries, then `failed` with every recipient not reached; a recipient reached once
 * is never pushed again; a row is leased for 2 minutes while its run waits on WeChat and taken over when the lease
 * runs out, and the late answer of that wait changes nothing; two runs that find a row together push it once; one
 * run pushes every row due, oldest first.
 */
import type { PushOutboxDoc, PushRecipient } from '../../cloudfunctions/_server/db/documents';
import type { Doc } from '../../tools/local-cloud/db/store';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { frozenAt, hangNextSend, openLocalCloud, runTimer, withTripDelay } from '../helpers/local-cloud';

let cloud: LocalCloud;

beforeAll(async () => {
  for (const method of ['log', 'error', 'warn', 'info'] as const)
    jest.spyOn(console, method).mockImplementation(() => undefined);
  cloud = await openLocalCloud({ bootstrapOpenid: 'push-outbox-initiator' });
});

afterAll(async () => {
  await cloud.close();
  jest.restoreAllMocks();
});

type Counts = { done: number; retry: number; failed: number; skipped: number };
const NOTHING: Counts = { done: 0, retry: 0, failed: 0, skipped: 0 };

/** An alert's push row, due at `dueMs`, for these recipients (openid → status). */
function pushRow(id: string, dueMs: number, recipients: Record<string, PushRecipient['status']>): void {
  cloud.store.insert('push_outbox', {
    _id: id,
    alertId: id,
    regionPrefixes: ['22'],
    data: { thing1: { value: '测试站' } },
    status: 'pending',
    attempts: 0,
    nextAttemptAt: new Date(dueMs),
    createdAt: new Date(dueMs),
    recipients: Object.entries(recipients).map(([openid, status]) => ({
      positionId: `position-of-${openid}`,
      openid,
      status,
      sentAt: status === 'sent' ? new Date(dueMs - 60_000) : null,
    })),
  } as unknown as Doc);
}

const rowOf = (id: string) => cloud.store.get('push_outbox', id)!.doc as unknown as PushOutboxDoc;

/** Runs the timer with the local clock standing at `atMs`, to the millisecond. */
async function dispatchAt(atMs: number): Promise<Counts> {
  const run = await frozenAt(cloud, atMs, () => runTimer<Counts>(cloud, 'cron', 'pushDispatch'));
  return run.data!;
}

const T0 = Date.UTC(2027, 1, 1, 8);

it('tries again after 1, 2, 4 … minutes while WeChat fails, ten tries in all, then fails every recipient not reached', async () => {
  pushRow('push-retry', T0, { 'agency-a': 'pending', 'agency-b': 'sent' });
  cloud.faults.set('push', 'down');
  try {
    let due = T0;
    const delays: number[] = [];
    for (let tries = 1; tries <= 10; tries++) {
      expect(await dispatchAt(due - 1)).toEqual(NOTHING);
      expect(await dispatchAt(due)).toEqual({ ...NOTHING, ...(tries < 10 ? { retry: 1 } : { failed: 1 }) });
      const row = rowOf('push-retry');
      expect(row.attempts).toBe(tries);
      if (tries < 10) {
        expect(row.status).toBe('pending');
        delays.push((row.nextAttemptAt.getTime() - due) / 60_000);
        due = row.nextAttemptAt.getTime();
      }
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    const row = rowOf('push-retry');
    expect(row.status).toBe('failed');
    expect(row.recipients!.map((r) => [r.openid, r.status])).toEqual([
      ['agency-a', 'failed'],
      ['agency-b', 'sent'],
    ]);
    // given up: WeChat back a day later, nothing more is tried; the one reached before was never pushed again
    cloud.faults.set('push', 'up');
    expect(await dispatchAt(due + 24 * 3600_000)).toEqual(NOTHING);
    expect(cloud.push.sentTo('agency-a').map((m) => m.status)).toEqual(Array(10).fill('failed'));
    expect(cloud.push.sentTo('agency-b')).toEqual([]);
  } finally {
    cloud.faults.set('push', 'up');
  }
});

it.each([
  ['fails', 1],
  ['goes through', 2],
] as const)(
  'leases a row for 2 minutes while its run waits on WeChat; a run at the lease’s end takes it over, and when the wait %s nothing changes',
  async (lateAnswer, n) => {
    const t = T0 + n * 3600_000;
    const openid = `agency-lease-${n}`;
    pushRow(`push-lease-${n}`, t, { [openid]: 'pending' });
    const hung = hangNextSend(cloud.push, lateAnswer);
    try {
      let stale!: Promise<{ data?: Counts }>;
      await frozenAt(cloud, t, async () => {
        stale = runTimer<Counts>(cloud, 'cron', 'pushDispatch');
        await hung.reached;
      });
      expect(rowOf(`push-lease-${n}`)).toMatchObject({
        status: 'sending',
        attempts: 1,
        nextAttemptAt: new Date(t + 2 * 60_000),
      });
      expect(await dispatchAt(t + 2 * 60_000 - 1)).toEqual(NOTHING);
      expect(await dispatchAt(t + 2 * 60_000)).toEqual({ ...NOTHING, done: 1 });
      hung.answer();
      expect((await stale).data).toEqual({ ...NOTHING, skipped: 1 });
      expect(rowOf(`push-lease-${n}`)).toMatchObject({ status: 'done', attempts: 2 });
      expect(cloud.push.sentTo(openid).map((m) => m.status)).toEqual(['sent']);
    } finally {
      hung.restore();
    }
  },
);

it('makes no eleventh try: a tenth try taken and never recorded fails, when its lease runs out, whoever it had not reached', async () => {
  pushRow('push-spent', T0, { 'agency-c': 'pending', 'agency-d': 'sent' });
  // as a run leaves it that took the tenth try and died before recording anything
  const { doc } = cloud.store.get('push_outbox', 'push-spent')!;
  const leaseEnd = T0 + 3600_000;
  cloud.store.replace('push_outbox', doc, {
    ...doc,
    status: 'sending',
    attempts: 10,
    nextAttemptAt: new Date(leaseEnd),
  } as unknown as Doc);
  expect(await dispatchAt(leaseEnd - 1)).toEqual(NOTHING);
  expect(await dispatchAt(leaseEnd)).toEqual({ ...NOTHING, failed: 1 });
  expect(rowOf('push-spent')).toMatchObject({ status: 'failed', attempts: 10 });
  expect(rowOf('push-spent').recipients!.map((r) => [r.openid, r.status])).toEqual([
    ['agency-c', 'failed'],
    ['agency-d', 'sent'],
  ]);
  expect(cloud.push.sentTo('agency-c')).toEqual([]);
  expect(await dispatchAt(leaseEnd + 3600_000)).toEqual(NOTHING);
});

it('pushes a row once when two runs of the timer find it at the same moment', async () => {
  const t = T0 + 5 * 3600_000;
  pushRow('push-race', t, { 'agency-d': 'pending' });
  // 10 ms a database trip: both runs read the row as due before either takes it
  const runs = await withTripDelay(cloud, 10, () =>
    frozenAt(cloud, t, () => Promise.all([1, 2].map(() => runTimer<Counts>(cloud, 'cron', 'pushDispatch')))),
  );
  const total = (outcome: keyof Counts) => runs.reduce((n, run) => n + (run.data?.[outcome] ?? 0), 0);
  expect([total('done'), total('skipped')]).toEqual([1, 1]);
  expect(cloud.push.sentTo('agency-d').map((m) => m.status)).toEqual(['sent']);
});

it('pushes every row due in one run, oldest due first, past the 100 it reads at a time', async () => {
  const t = T0 + 6 * 3600_000;
  // 150 rows due one second apart, written in an order of their own; the oldest was taken by a run that stopped
  // (`sending`, its lease run out), so an order by status would put it last
  const order = Array.from({ length: 150 }, (_, i) => (i * 37) % 150);
  for (const i of order) pushRow(`push-batch-${i}`, t + i * 1000, { [`batch-agency-${i}`]: 'pending' });
  const oldest = rowOf('push-batch-0');
  cloud.store.replace(
    'push_outbox',
    oldest as unknown as Doc,
    {
      ...oldest,
      status: 'sending',
    } as unknown as Doc,
  );
  const before = cloud.push.all().length;
  expect(await dispatchAt(t + 149 * 1000)).toEqual({ ...NOTHING, done: 150 });
  expect(
    cloud.push
      .all()
      .slice(before)
      .map((m) => m.openid),
  ).toEqual(Array.from({ length: 150 }, (_, i) => `batch-agency-${i}`));
  expect(await dispatchAt(t + 3600_000)).toEqual(NOTHING);
});
