/**
 * The `citizen` function through the local cloud, as the mini-program calls it (regulation rules 1–3; API.md
 * `citizen`, sections 2 and 2.2): registration with every error it can answer, one code per account and per ID
 * number also under concurrent calls, the bw fallback, check-ins, seeds and history, and what never leaves the
 * server or reaches the disk in plain text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PersonDoc, ScanDoc } from '../../cloudfunctions/_server/db/documents';
import { hmacSha256Hex, keyRingFromEnv, unseal } from '../../cloudfunctions/_server/privacy/personal-data';
import { checkCode, parseCode, renderCode } from '../../miniprogram/core/dynamic-code';
import { parsePass } from '../../miniprogram/core/signed-pass';
import type { Doc } from '../../tools/local-cloud/db/store';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { idNumberOf, personOf } from '../helpers/identities';
import {
  call,
  frozenAt,
  openLocalCloud,
  runTimer,
  withTripDelay,
  type HttpReply,
} from '../helpers/local-cloud';

let cloud: LocalCloud;
let dataDir: string;
const replies: string[] = [];
const logged: string[] = [];
const used: Array<{ name: string; idNumber: string; phone: string }> = [];

async function citizen<T = Record<string, unknown>>(
  openid: string,
  body: Record<string, unknown>,
): Promise<HttpReply<T>> {
  const reply = await call<T>(cloud, 'citizen', body, openid);
  replies.push(JSON.stringify(reply.body));
  return reply;
}

async function register(openid: string, identity: { name: string; idNumber: string; phone: string }) {
  used.push(identity);
  return citizen<{ personId: string; color: string; masked: Record<string, string> }>(openid, {
    action: 'register',
    ...identity,
  });
}

const personByOpenid = (openid: string) =>
  cloud.store.find('persons', { openid }).docs[0] as unknown as PersonDoc | undefined;

const setFault = (service: string, state: 'up' | 'down') =>
  fetch(`${cloud.url}/dev/faults`, { method: 'POST', body: JSON.stringify({ [service]: state }) });

beforeAll(async () => {
  for (const method of ['log', 'error', 'warn', 'info'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
  cloud = await openLocalCloud();
  dataDir = join(cloud.store.db.name, '..');
});

afterAll(async () => {
  await cloud.close();
  jest.restoreAllMocks();
});

afterEach(async () => {
  await setFault('realname', 'up');
  await setFault('national', 'up');
  cloud.clock.set({ offsetMs: 0 });
});

describe('register', () => {
  it('issues a green code with masked identity, and records the first color as one event', async () => {
    const identity = { name: '欧阳建国', idNumber: idNumberOf(1), phone: '13812345678' };
    const reply = await register('reg-ok', identity);
    expect(reply.body).toEqual({
      ok: true,
      data: {
        personId: expect.any(String),
        color: 'green',
        masked: {
          name: '欧***',
          idNumber: `${identity.idNumber.slice(0, 4)}**********${identity.idNumber.slice(-4)}`,
          phone: '138****5678',
        },
      },
    });
    const events = cloud.store.find('code_events', { personId: reply.body.data!.personId }).docs;
    expect(events).toEqual([
      expect.objectContaining({
        from: null,
        to: 'green',
        reason: 'national_normal',
        actor: 'system:register',
      }),
    ]);
    // logged with its color only
    expect(logged).toContain(JSON.stringify({ event: 'citizen_registered', color: 'green' }));
    const profile = await citizen('reg-ok', { action: 'profile' });
    expect(profile.body.data).toMatchObject({
      color: 'green',
      colorReason: 'national_normal',
      checkedInToday: false,
    });
  });

  it.each([
    [
      'a name with digits',
      { name: '张3', idNumber: idNumberOf(2), phone: '13800000002' },
      'NAME_INVALID',
      { name: 'format' },
    ],
    [
      'a one-character name',
      { name: '张', idNumber: idNumberOf(2), phone: '13800000002' },
      'NAME_INVALID',
      { name: 'length' },
    ],
    [
      'a wrong check digit',
      {
        name: '张建国',
        idNumber: idNumberOf(2).slice(0, 17) + (idNumberOf(2).endsWith('1') ? '2' : '1'),
        phone: '13800000002',
      },
      'ID_INVALID',
      { idNumber: 'checksum' },
    ],
    [
      'a birth date in the future',
      { name: '张建国', idNumber: idNumberOf(2, '20991231'), phone: '13800000002' },
      'ID_INVALID',
      { idNumber: 'birthdate' },
    ],
    [
      'a birth date that does not exist',
      { name: '张建国', idNumber: idNumberOf(2, '19900230'), phone: '13800000002' },
      'ID_INVALID',
      { idNumber: 'birthdate' },
    ],
    [
      'an unknown region',
      { name: '张建国', idNumber: idNumberOf(2, '19900101', '990102'), phone: '13800000002' },
      'ID_INVALID',
      { idNumber: 'region' },
    ],
    [
      '17 characters',
      { name: '张建国', idNumber: idNumberOf(2).slice(0, 17), phone: '13800000002' },
      'ID_INVALID',
      { idNumber: 'length' },
    ],
    [
      'a landline',
      { name: '张建国', idNumber: idNumberOf(2), phone: '043188888888' },
      'PHONE_INVALID',
      { phone: 'format' },
    ],
    [
      'a phone starting 12',
      { name: '张建国', idNumber: idNumberOf(2), phone: '12800000002' },
      'PHONE_INVALID',
      { phone: 'format' },
    ],
  ])('refuses %s with its own code and field', async (_label, identity, code, fields) => {
    const reply = await register('reg-invalid', identity);
    expect(reply.status).toBe(200);
    expect(reply.body.error).toEqual({ code, message: expect.stringMatching(/[\u4e00-\u9fff]/), fields });
    expect(personByOpenid('reg-invalid')).toBeUndefined();
  });

  it('names every bad field at once', async () => {
    const reply = await register('reg-invalid', { name: '1', idNumber: '123', phone: '1' });
    expect(reply.body.error).toMatchObject({
      code: 'NAME_INVALID',
      fields: { name: 'length', idNumber: 'length', phone: 'format' },
    });
  });

  it('refuses operator objects, wrong types and unknown fields with BAD_REQUEST', async () => {
    expect(
      (
        await citizen('reg-bad', {
          action: 'register',
          name: { $gt: '' },
          idNumber: idNumberOf(3),
          phone: '13800000003',
        })
      ).body.error,
    ).toMatchObject({ code: 'BAD_REQUEST', fields: { name: 'type' } });
    expect(
      (await citizen('reg-bad', { action: 'register', ...personOf(3), openid: 'someone-else' })).body.error,
    ).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { openid: 'unknown' },
    });
    expect((await citizen('reg-bad', { action: 'register', name: '张建国' })).body.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { idNumber: 'required', phone: 'required' },
    });
  });

  it('gives one code per WeChat account (ALREADY_REGISTERED) and per ID number (ID_TAKEN)', async () => {
    const first = personOf(10);
    expect((await register('one-code', first)).body.ok).toBe(true);
    expect((await register('one-code', personOf(11))).body.error?.code).toBe('ALREADY_REGISTERED');
    // the same person again from the same account: the account has its code, whoever it names
    expect((await register('one-code', first)).body.error?.code).toBe('ALREADY_REGISTERED');
    expect((await register('other-account', { ...first, phone: '13911112222' })).body.error?.code).toBe(
      'ID_TAKEN',
    );
    // a lower-case x is the same ID number
    const withX = { name: '李晓东', idNumber: '', phone: '13900001111' };
    for (let n = 100; n < 400 && !withX.idNumber; n++)
      if (idNumberOf(n).endsWith('X')) withX.idNumber = idNumberOf(n);
    expect((await register('x-upper', withX)).body.ok).toBe(true);
    expect(
      (await register('x-lower', { ...withX, idNumber: withX.idNumber.toLowerCase() })).body.error?.code,
    ).toBe('ID_TAKEN');
  });

  it('checks the name against the ID number before telling whether that ID number has a code', async () => {
    // the real-name stand-in refuses 张冒名 for this ID number (tools/local-cloud/fixtures/realname-mismatch.json)
    const taken = { name: '王建国', idNumber: '220102199001011239', phone: '13900000012' };
    expect((await register('oracle-first', taken)).body.ok).toBe(true);
    const probe = await register('oracle-probe', { ...taken, name: '张冒名', phone: '13900000013' });
    expect(probe.body.error?.code).toBe('REALNAME_MISMATCH');
  });

  /**
   * Registrations sent at once, each database trip taking 10 ms as on a network: all of them read (no code for this
   * account, none for this ID number) before any of them writes, so that only the unique indexes stand between
   * them, as in production, and not the order this machine happens to run them in.
   */
  async function atOnce<T>(registrations: Array<() => Promise<T>>): Promise<T[]> {
    const events = cloud.store.count('code_events');
    try {
      return await withTripDelay(cloud, 10, () => Promise.all(registrations.map((r) => r())));
    } finally {
      // the loser's person and first code event were one transaction: nothing of it stays
      expect(cloud.store.count('code_events')).toBe(events + 1);
    }
  }

  it('lets exactly one of several concurrent registrations of one ID number through', async () => {
    const identity = personOf(20);
    const results = await atOnce(
      Array.from({ length: 6 }, (_, i) => () => register(`race-id-${i}`, identity)),
    );
    const codes = results.map((r) => (r.body.ok ? 'ok' : r.body.error!.code)).sort();
    expect(codes).toEqual(['ID_TAKEN', 'ID_TAKEN', 'ID_TAKEN', 'ID_TAKEN', 'ID_TAKEN', 'ok']);
    expect(
      cloud.store.find('persons', { masked: { $exists: true }, openid: { $regex: /^race-id-/ } }).docs,
    ).toHaveLength(1);
  });

  it('lets exactly one of several concurrent registrations from one account through', async () => {
    const results = await atOnce(
      [21, 22, 23, 24, 25].map((n) => () => register('race-account', personOf(n))),
    );
    const codes = results.map((r) => (r.body.ok ? 'ok' : r.body.error!.code)).sort();
    expect(codes).toEqual([
      'ALREADY_REGISTERED',
      'ALREADY_REGISTERED',
      'ALREADY_REGISTERED',
      'ALREADY_REGISTERED',
      'ok',
    ]);
    expect(cloud.store.find('persons', { openid: 'race-account' }).docs).toHaveLength(1);
  });

  it('refuses a name that does not belong to the ID number (REALNAME_MISMATCH) and stores nothing', async () => {
    const reply = await register('mismatch', {
      name: '张冒名',
      idNumber: '220102199001011239',
      phone: '13800000030',
    });
    expect(reply.body.error?.code).toBe('REALNAME_MISMATCH');
    expect(personByOpenid('mismatch')).toBeUndefined();
  });

  it('answers REALNAME_UNAVAILABLE while the real-name service is down, stores nothing, and works once it is back', async () => {
    await setFault('realname', 'down');
    const identity = personOf(31);
    expect((await register('realname-down', identity)).body.error?.code).toBe('REALNAME_UNAVAILABLE');
    expect(personByOpenid('realname-down')).toBeUndefined();
    await setFault('realname', 'up');
    expect((await register('realname-down', identity)).body.data?.color).toBe('green');
  });

  it('issues a bw code while the national platform is down and upgrades it when it answers again', async () => {
    await setFault('national', 'down');
    const reply = await register('bw-person', personOf(40));
    expect(reply.body.data?.color).toBe('bw');
    expect(logged).toContain(JSON.stringify({ event: 'national_unavailable', at: 'check' }));
    // the code page asks again a minute later, still down: the code is issued, bw
    cloud.clock.set({ offsetMs: 61_000 });
    const code = await citizen('bw-person', { action: 'code' });
    expect(code.body.data).toMatchObject({ color: 'bw' });
    expect(logged).toContain(JSON.stringify({ event: 'national_unavailable', at: 'refresh' }));
    expect((await citizen('bw-person', { action: 'profile' })).body.data).toMatchObject({
      color: 'bw',
      colorReason: 'unverified',
    });
    await setFault('national', 'up');
    // the code page asks the platform again at most once a minute per person
    cloud.clock.set({ offsetMs: 122_000 });
    expect((await citizen('bw-person', { action: 'profile' })).body.data).toMatchObject({
      color: 'green',
      colorReason: 'national_normal',
    });
    const events = cloud.store.find('code_events', { personId: reply.body.data!.personId }).docs;
    expect(events.map((e) => `${e.from}->${e.to}`)).toEqual(['null->bw', 'bw->green']);
  });

  it('upgrades bw codes on the nationalRecheck timer without the citizen doing anything', async () => {
    await setFault('national', 'down');
    await register('bw-timer', personOf(41));
    const idle = await runTimer(cloud, 'cron', 'nationalRecheck');
    expect(idle.data?.upgraded).toBe(0);
    await setFault('national', 'up');
    const run = await runTimer(cloud, 'cron', 'nationalRecheck');
    expect(run.data?.upgraded).toBeGreaterThanOrEqual(1);
    expect(personByOpenid('bw-timer')?.color).toBe('green');
  });

  it('gives a person already on the risk list their color at registration', async () => {
    const identity = personOf(50);
    const imported = await call(
      cloud,
      'health',
      {
        action: 'importRiskList',
        actingPositionId: 'position-initiator',
        source: '省卫健委',
        rows: [
          {
            idNumber: identity.idNumber,
            status: 'close_contact',
            quarantineUntil: '2099-01-01T00:00:00+08:00',
          },
        ],
      },
      'test-initiator',
    );
    expect(imported.body.data).toEqual({ matched: 0, updated: 0, unknown: 1 });
    const reply = await register('pre-flagged', identity);
    expect(reply.body.data?.color).toBe('orange');
  });
});

describe('phoneNumber (extension)', () => {
  it('exchanges a getPhoneNumber code for the caller’s own mobile, and refuses a code it cannot read', async () => {
    expect(
      (await citizen('phone-code', { action: 'phoneNumber', code: 'local-phone:13712345678' })).body.data,
    ).toEqual({
      phone: '13712345678',
    });
    expect(
      (await citizen('phone-code', { action: 'phoneNumber', code: 'expired' })).body.error,
    ).toMatchObject({
      code: 'BAD_REQUEST',
      message: '手机号授权已失效，请重试或手动填写',
      fields: { code: 'format' },
    });
  });
});

describe('the other actions need a registered caller', () => {
  it.each(['profile', 'code', 'history'])('%s answers NOT_REGISTERED', async (action) => {
    expect((await citizen('nobody', { action })).body.error?.code).toBe('NOT_REGISTERED');
  });

  it('checkIn answers NOT_REGISTERED', async () => {
    expect(
      (await citizen('nobody', { action: 'checkIn', symptoms: ['none'], contact: false })).body.error?.code,
    ).toBe('NOT_REGISTERED');
  });
});

describe('checkIn', () => {
  beforeAll(async () => {
    await register('checker', personOf(60));
  });

  it('keeps one check-in per Asia/Shanghai day, the later replacing the earlier', async () => {
    const first = await citizen('checker', {
      action: 'checkIn',
      symptoms: ['cough'],
      contact: false,
      temperature: 36.6,
    });
    const second = await citizen('checker', {
      action: 'checkIn',
      symptoms: ['none'],
      contact: true,
      travel: '长春—吉林',
    });
    expect(first.body.data).toEqual(second.body.data);
    const person = personByOpenid('checker')!;
    const records = cloud.store.find('checkins', { personId: person._id }).docs;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ symptoms: ['none'], contact: true, temperature: null });
    expect(records[0].travel).not.toContain('长春');
    expect(unseal(keyRingFromEnv(), records[0].travel as string)).toBe('长春—吉林');
    expect((await citizen('checker', { action: 'profile' })).body.data).toMatchObject({
      checkedInToday: true,
    });
  });

  it('starts a new record on the next day in Asia/Shanghai', async () => {
    cloud.clock.set({ now: '2031-03-01T15:59:00Z' }); // 23:59 in Beijing
    const late = await citizen('checker', { action: 'checkIn', symptoms: ['none'], contact: false });
    cloud.clock.set({ now: '2031-03-01T16:01:00Z' }); // 00:01 the next day
    const early = await citizen('checker', { action: 'checkIn', symptoms: ['none'], contact: false });
    expect([late.body.data, early.body.data]).toEqual([
      { date: '2031-03-01', color: 'green' },
      { date: '2031-03-02', color: 'green' },
    ]);
  });

  it.each([33.9, 43.1])('answers TEMPERATURE_INVALID for %s °C', async (temperature) => {
    const reply = await citizen('checker', {
      action: 'checkIn',
      symptoms: ['none'],
      contact: false,
      temperature,
    });
    expect(reply.body.error).toMatchObject({ code: 'TEMPERATURE_INVALID', fields: { temperature: 'range' } });
  });

  it.each([34, 43])('takes %s °C, the edge of a plausible reading', async (temperature) => {
    const reply = await citizen('checker', {
      action: 'checkIn',
      symptoms: ['none'],
      contact: false,
      temperature,
    });
    expect(reply.body.ok).toBe(true);
    const person = personByOpenid('checker')!;
    expect(cloud.store.get('checkins', `${person._id}_${reply.body.data!.date}`)!.doc.temperature).toBe(
      temperature,
    );
  });

  it('refuses "none" together with a symptom, and unknown symptoms', async () => {
    expect(
      (await citizen('checker', { action: 'checkIn', symptoms: ['none', 'cough'], contact: false })).body
        .error,
    ).toMatchObject({
      code: 'BAD_REQUEST',
      message: '“无症状”不能与其他症状同时选择',
      fields: { symptoms: 'format' },
    });
    expect(
      (await citizen('checker', { action: 'checkIn', symptoms: ['sneeze'], contact: false })).body.error,
    ).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { 'symptoms.0': 'enum' },
    });
  });
});

describe('code (API.md 2.2)', () => {
  beforeAll(async () => {
    await register('coder', personOf(70));
  });

  const storedSeeds = () =>
    personByOpenid('coder')!.seeds.map((s) => ({ ...s, seed: unseal(keyRingFromEnv(), s.seed) }));

  it('issues a new seed on each call; the previous one stays valid for 5 minutes only', async () => {
    const first = (await citizen<{ codeId: string; seed: string }>('coder', { action: 'code' })).body.data!;
    const second = (
      await citizen<{
        codeId: string;
        seed: string;
        stepSeconds: number;
        window: number;
        pass: string;
        issuedAt: string;
      }>('coder', {
        action: 'code',
      })
    ).body.data!;
    expect(second).toMatchObject({ codeId: first.codeId, stepSeconds: 30, window: 2, color: 'green' });
    // the signed pass: 24 hours from the fetch (API.md 2.3), well within the seed's 7 days
    const pass = parsePass(second.pass)!.claims;
    expect(pass.iat).toBe(Math.floor(Date.parse(second.issuedAt) / 1000));
    expect(pass.exp - pass.iat).toBe(24 * 3600);
    // and the person is stamped with the fetch
    expect(personByOpenid('coder')!.updatedAt).toEqual(new Date(second.issuedAt));
    expect(second.seed).not.toBe(first.seed);
    expect(JSON.stringify(personByOpenid('coder')!.seeds)).not.toContain(second.seed);

    const now = cloud.clock.now();
    const qrOf = (seed: string, at: Date) =>
      parseCode(renderCode(hmacSha256Hex, { codeId: first.codeId, seed }, at.getTime()))!;
    expect(checkCode(hmacSha256Hex, qrOf(first.seed, now), storedSeeds(), now)).toEqual({ ok: true });
    expect(checkCode(hmacSha256Hex, qrOf(second.seed, now), storedSeeds(), now)).toEqual({ ok: true });
    const later = new Date(now.getTime() + 6 * 60_000);
    expect(checkCode(hmacSha256Hex, qrOf(first.seed, later), storedSeeds(), later)).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(checkCode(hmacSha256Hex, qrOf(second.seed, later), storedSeeds(), later)).toEqual({ ok: true });
  });

  it('keeps only the seeds a late offline sync could still need', async () => {
    for (let i = 0; i < 5; i++) await citizen('coder', { action: 'code' });
    cloud.clock.set({ offsetMs: 2 * 24 * 3600_000 });
    await citizen('coder', { action: 'code' });
    expect(personByOpenid('coder')!.seeds).toHaveLength(2); // the new one, and the one it superseded
  });

  it('keeps at most the 20 newest seeds, however often the code is fetched', async () => {
    const fetched: string[] = [];
    for (let i = 0; i < 25; i++)
      fetched.push((await citizen<{ seed: string }>('coder', { action: 'code' })).body.data!.seed);
    expect(storedSeeds().map((s) => s.seed)).toEqual(fetched.slice(-20));
  });

  it('keeps a superseded seed while it was valid within the last 24 hours, to the millisecond (late syncs)', async () => {
    await register('keeper', personOf(72));
    const seeds = () => personByOpenid('keeper')!.seeds.map((s) => unseal(keyRingFromEnv(), s.seed));
    const fetchAt = async (atMs: number) =>
      (await frozenAt(cloud, atMs, () => citizen<{ seed: string }>('keeper', { action: 'code' }))).body.data!
        .seed;
    const start = cloud.clock.nowMs();
    const first = await fetchAt(start);
    // superseded now: valid 5 more minutes, and kept while a scan made then may still sync (24 hours)
    const second = await fetchAt(start + 1000);
    const lastValid = start + 1000 + 5 * 60_000;
    const third = await fetchAt(lastValid + 24 * 3600_000);
    expect(seeds()).toEqual([first, second, third]);
    const fourth = await fetchAt(lastValid + 24 * 3600_000 + 1);
    expect(seeds()).toEqual([second, third, fourth]);
  });

  it('keeps the seed of every fetch made at the same moment', async () => {
    // two more days on, the seeds superseded earlier have lapsed; the current one is valid for 7 days
    cloud.clock.set({ offsetMs: 4 * 24 * 3600_000 });
    const current = storedSeeds().find((s) => s.supersededAt === null)!.seed;
    // all in one millisecond: each write stamps the person with the same instant. Each database trip takes 10 ms,
    // as on a network: the four read the person before any of them writes, however fast or slow this machine is
    const replies = await withTripDelay(cloud, 10, () =>
      frozenAt(cloud, cloud.clock.nowMs(), () =>
        Promise.all(
          // as many as a fetch has attempts: each one that loses was beaten by another that wrote
          Array.from({ length: 4 }, () => citizen<{ seed: string }>('coder', { action: 'code' })),
        ),
      ),
    );
    expect(replies.map((r) => r.body.error?.code ?? 'ok')).toEqual(Array(4).fill('ok'));
    // the four new ones, and the one the first of them superseded: none lost to another
    expect(
      storedSeeds()
        .map((s) => s.seed)
        .sort(),
    ).toEqual([current, ...replies.map((r) => r.body.data!.seed)].sort());
  });

  it('issues no code and takes no check-in once the epidemic period has ended (rule 3)', async () => {
    const end = cloud.clock.nowMs() + 3600_000;
    process.env.JXM_EPIDEMIC_END = new Date(end).toISOString();
    try {
      expect((await citizen('coder', { action: 'code' })).body.ok).toBe(true);
      cloud.clock.set({ offsetMs: cloud.clock.offsetMs + 3600_000 });
      expect((await citizen('coder', { action: 'code' })).body.error?.code).toBe('EPIDEMIC_ENDED');
      expect(
        (await citizen('coder', { action: 'checkIn', symptoms: ['none'], contact: false })).body.error?.code,
      ).toBe('EPIDEMIC_ENDED');
    } finally {
      delete process.env.JXM_EPIDEMIC_END;
    }
  });
});

describe('history', () => {
  it('lists the caller’s own scans newest first, page by page, through the personId index', async () => {
    await register('traveller', personOf(80));
    const me = personByOpenid('traveller')!;
    const base = Date.parse('2026-10-01T00:00:00Z');
    const scans: Array<
      Pick<ScanDoc, '_id' | 'personId' | 'scannedAt' | 'site' | 'color' | 'temperature' | 'decision'>
    > = Array.from({ length: 45 }, (_, i) => ({
      _id: `scan-${String(i).padStart(2, '0')}`,
      personId: i % 9 === 0 ? 'someone-else' : me._id,
      // pairs of scans share an instant, so that pages must not lose or repeat ties
      scannedAt: new Date(base + Math.floor(i / 2) * 60_000),
      site: { id: 'site-1', name: '长春站' },
      color: 'green',
      temperature: 36.5,
      decision: 'allow',
    }));
    for (const scan of scans) cloud.store.insert('scans', scan as unknown as Doc);
    const mine = scans.filter((s) => s.personId === me._id);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const reply = await citizen<{
        items: Array<{ scanId: string; at: string; siteName: string }>;
        next: string | null;
      }>('traveller', { action: 'history', limit: 7, ...(cursor ? { cursor } : {}) });
      expect(cloud.store.lastPlan.get('scans')?.index).toBe('personId_scannedAt');
      seen.push(...reply.body.data!.items.map((i) => i.scanId));
      cursor = reply.body.data!.next ?? undefined;
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toHaveLength(mine.length);
    expect(new Set(seen).size).toBe(mine.length);
    const times = seen.map((id) => scans.find((s) => s._id === id)!.scannedAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('refuses a cursor it did not issue', async () => {
    expect(
      (await citizen('traveller', { action: 'history', cursor: 'not-a-cursor' })).body.error,
    ).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { cursor: 'format' },
    });
  });
});

describe('privacy (rule 3)', () => {
  const secrets = () =>
    used.flatMap((p) => [
      ...(p.idNumber.length === 18 ? [p.idNumber] : []),
      ...(p.phone.length === 11 ? [p.phone] : []),
      ...(p.name.length >= 2 ? [p.name] : []),
    ]);

  it('never puts a full ID number, phone number or name in a reply', () => {
    const all = replies.join('\n');
    expect(secrets().filter((s) => all.includes(s))).toEqual([]);
  });

  it('never puts them in a log line', () => {
    const all = logged.join('\n');
    expect(logged.length).toBeGreaterThan(0);
    expect(secrets().filter((s) => all.includes(s))).toEqual([]);
  });

  it('keeps none of them in plain text in the database files', () => {
    cloud.store.db.pragma('wal_checkpoint(PASSIVE)');
    const files = ['cloud.db', 'cloud.db-wal'].map((f) => {
      try {
        return readFileSync(join(dataDir, f));
      } catch {
        return Buffer.alloc(0);
      }
    });
    const raw = Buffer.concat(files);
    expect(raw.length).toBeGreaterThan(10_000);
    expect(secrets().filter((s) => raw.includes(Buffer.from(s, 'utf8')))).toEqual([]);
  });
});
