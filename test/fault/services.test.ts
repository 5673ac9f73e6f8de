/**
 * The outside services taken down and brought back, one after another and together, with the documented fallback
 * each time and nothing lost: real-name (REALNAME_UNAVAILABLE, nothing stored), the national platform (bw, then
 * upgraded), SMS (kept in the outbox and sent once it is back). Afterwards no database file or log line holds a
 * seeded person's ID number, phone or name in plain text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { call, openLocalCloud, runTimer } from '../helpers/local-cloud';

let cloud: LocalCloud;
const logged: string[] = [];
const seeded: Array<{ name: string; idNumber: string; phone: string }> = [];

const down = (service: 'realname' | 'national' | 'sms') => cloud.faults.set(service, 'down');
const up = (service: 'realname' | 'national' | 'sms') => cloud.faults.set(service, 'up');

async function register(openid: string, n: number) {
  const identity = personOf(n);
  seeded.push(identity);
  return call<{ color: string; personId: string }>(
    cloud,
    'citizen',
    { action: 'register', ...identity },
    openid,
  );
}

beforeAll(async () => {
  for (const method of ['log', 'error', 'warn', 'info'] as const) {
    jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
  cloud = await openLocalCloud({ bootstrapOpenid: 'svc-initiator' });
});

afterAll(async () => {
  await cloud.close();
  jest.restoreAllMocks();
});

it('should fall back as documented while each service is down, and lose nothing', async () => {
  // real-name down: refused, nothing stored; back up: registered
  down('realname');
  expect((await register('svc-a', 6001)).body.error?.code).toBe('REALNAME_UNAVAILABLE');
  expect(cloud.store.find('persons', { openid: 'svc-a' }).docs).toHaveLength(0);
  up('realname');
  expect((await register('svc-a', 6001)).body.data?.color).toBe('green');

  // national down (with SMS down too): bw codes for everyone who registers meanwhile
  down('national');
  down('sms');
  const bw = await Promise.all([6002, 6003, 6004].map((n, i) => register(`svc-bw-${i}`, n)));
  expect(bw.map((r) => r.body.data?.color)).toEqual(['bw', 'bw', 'bw']);

  // an SMS due while the gateway is down stays in the outbox
  const holder = personOf(6005);
  seeded.push(holder);
  const created = await call<{ positionId: string }>(
    cloud,
    'org',
    {
      action: 'createPosition',
      actingPositionId: 'position-initiator',
      siteId: 'site-root',
      role: 'senior',
      holderName: holder.name,
      holderPhone: holder.phone,
    },
    'svc-initiator',
  );
  expect(created.body.ok).toBe(true);
  const outbox = () => cloud.store.find('sms_outbox', { positionId: created.body.data!.positionId }).docs;
  expect(outbox()).toEqual([expect.objectContaining({ status: 'pending' })]);

  // everything back: the timers catch up
  up('national');
  up('sms');
  cloud.clock.set({ offsetMs: 10 * 60_000 });
  const recheck = await runTimer(cloud, 'cron', 'nationalRecheck');
  expect(recheck.data).toMatchObject({ upgraded: 3 });
  const dispatch = await runTimer(cloud, 'cron', 'smsDispatch');
  expect(dispatch.data).toMatchObject({ sent: 1 });
  expect(outbox()).toEqual([expect.objectContaining({ status: 'sent' })]);
  for (let i = 0; i < 3; i++) {
    expect(cloud.store.find('persons', { openid: `svc-bw-${i}` }).docs[0]).toMatchObject({ color: 'green' });
  }
  const sms = cloud.sms.sentTo(holder.phone);
  expect(sms.map((m) => m.status)).toEqual(['failed', 'sent']);
});

it('should keep no seeded identity in plain text in the database files or the logs', () => {
  cloud.store.db.pragma('wal_checkpoint(PASSIVE)');
  const dir = join(cloud.store.db.name, '..');
  const raw = Buffer.concat(
    ['cloud.db', 'cloud.db-wal'].map((f) => {
      try {
        return readFileSync(join(dir, f));
      } catch {
        return Buffer.alloc(0);
      }
    }),
  );
  const secrets = seeded.flatMap((p) => [p.idNumber, p.phone, p.name]);
  expect(secrets.filter((s) => raw.includes(Buffer.from(s, 'utf8')))).toEqual([]);
  const logs = logged.join('\n');
  expect(logged.length).toBeGreaterThan(5);
  expect(secrets.filter((s) => logs.includes(s))).toEqual([]);
});
