/**
 * A fresh national status through the local cloud's HTTP face (regulation rule 4; API.md section 4 and `citizen`,
 * v1.1; issue 11 item 3): `code` and `profile` ask the national platform again only when its last answer is more
 * than 6 hours old; a new flag changes the color at once, a new `normal` only lifts bw; a verified code keeps its
 * color while the platform is down; the province's risk list is a source of its own; and `POST /dev/national`,
 * the stand-in's switch.
 */
import type { CodeEventDoc, PersonDoc } from '../../cloudfunctions/_server/db/documents';
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import type { Doc } from '../../tools/local-cloud/db/store';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { idNumberOf, personOf } from '../helpers/identities';
import { call, openLocalCloud, runTimer } from '../helpers/local-cloud';

let cloud: LocalCloud;
const INITIATOR = 'test-initiator';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
});

afterAll(async () => {
  await cloud.close();
});

afterEach(async () => {
  jest.restoreAllMocks();
  await setFault('up');
  cloud.clock.set({ offsetMs: 0 });
});

async function post(path: string, body: unknown) {
  const res = await fetch(`${cloud.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      ok: boolean;
      data?: Record<string, unknown>;
      error?: { code: string; fields?: Record<string, string> };
    },
  };
}

const setNational = (idNumber: string, status: string, quarantineUntil?: string) =>
  post('/dev/national', { idNumber, status, ...(quarantineUntil ? { quarantineUntil } : {}) });
const setFault = (state: 'up' | 'down') => post('/dev/faults', { national: state });
/** The clock, moved from real time. */
const clockAt = (offsetMs: number) => cloud.clock.set({ offsetMs });

let n = 600;
async function registered(openid: string) {
  const identity = personOf(n++);
  const reply = await call<{ personId: string; color: string }>(
    cloud,
    'citizen',
    { action: 'register', ...identity },
    openid,
  );
  expect(reply.body.ok).toBe(true);
  return { ...identity, openid, personId: reply.body.data!.personId, color: reply.body.data!.color };
}

const citizen = (openid: string, action: 'code' | 'profile') =>
  call<{ color: string; colorReason: string }>(cloud, 'citizen', { action }, openid);
const colorBy = async (openid: string, action: 'code' | 'profile' = 'code') => {
  const reply = await citizen(openid, action);
  expect(reply.body.ok).toBe(true);
  return reply.body.data!.color;
};

const person = (id: string) => cloud.store.get('persons', id)!.doc as unknown as PersonDoc;
const eventsOf = (personId: string) =>
  (cloud.store.find('code_events', { personId }).docs as unknown as CodeEventDoc[]).sort(
    (a, b) => new Date(a.at).getTime() - new Date(b.at).getTime() || (a.from === null ? -1 : 1),
  );
const events = (personId: string) => eventsOf(personId).map((e) => `${e.from}->${e.to}`);

const importRows = (rows: Array<Record<string, unknown>>) =>
  call(
    cloud,
    'health',
    { action: 'importRiskList', actingPositionId: INITIATOR_POSITION_ID, source: '省卫健委', rows },
    INITIATOR,
  );

/** How many times the national stand-in is asked while `run` runs. */
async function asks(run: () => Promise<unknown>): Promise<number> {
  const spy = jest.spyOn(cloud.national, 'check');
  try {
    await run();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

/** How many database calls (wire actions of the SDK) `run` makes. */
async function databaseCalls(run: () => Promise<unknown>): Promise<number> {
  const spy = jest.spyOn(cloud.engine, 'send');
  try {
    await run();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('POST /dev/national', () => {
  it('refuses a bad ID number, status, date or field with 400 BAD_REQUEST and its fields, changing nothing', async () => {
    const id = idNumberOf(1, '19800101');
    const bad = [
      [{ status: 'confirmed' }, { idNumber: 'required' }],
      [{ idNumber: 220102, status: 'confirmed' }, { idNumber: 'type' }],
      [{ idNumber: '220102198001010011', status: 'confirmed' }, { idNumber: 'checksum' }],
      [{ idNumber: '22010219800101001', status: 'confirmed' }, { idNumber: 'length' }],
      [{ idNumber: id }, { status: 'required' }],
      [{ idNumber: id, status: 'sick' }, { status: 'enum' }],
      [{ idNumber: id, status: 'cleared' }, { status: 'enum' }],
      [
        { idNumber: id, status: 'quarantine', quarantineUntil: '2026-02-30T00:00:00+08:00' },
        { quarantineUntil: 'format' },
      ],
      [
        { idNumber: id, status: 'quarantine', quarantineUntil: '2101-01-02T00:00:00Z' },
        { quarantineUntil: 'range' },
      ],
      [{ idNumber: id, status: 'quarantine', quarantineUntil: 1 }, { quarantineUntil: 'type' }],
      [{ idNumber: id, status: 'confirmed', flaggedAt: '2022-01-01T00:00:00Z' }, { flaggedAt: 'unknown' }],
      [
        { idNumber: 'x', status: 'sick' },
        { idNumber: 'length', status: 'enum' },
      ],
    ] as const;
    for (const [body, fields] of bad) {
      const reply = await post('/dev/national', body);
      expect([reply.status, reply.body.ok, reply.body.error?.code, reply.body.error?.fields]).toEqual([
        400,
        false,
        'BAD_REQUEST',
        fields,
      ]);
    }
    expect((await post('/dev/national', '[1]')).status).toBe(400);
    expect((await post('/dev/national', '{')).status).toBe(400);
    // nothing was set: the platform still answers normal for that ID number
    expect(await cloud.national.check({ idNumber: id, idHash: '' })).toEqual({
      status: 'normal',
      quarantineUntil: null,
      flaggedAt: null,
    });
  });

  it('answers what it was told from the time of the call (the local clock), and normal clears it', async () => {
    const id = idNumberOf(2, '19800101');
    clockAt(HOUR);
    const set = await setNational(id, 'close_contact', '2099-01-01T00:00:00+08:00');
    expect(set.status).toBe(200);
    const flaggedAt = new Date(set.body.data!.flaggedAt as string).getTime();
    expect(Math.abs(flaggedAt - (Date.now() + HOUR))).toBeLessThan(5_000);
    expect(await cloud.national.check({ idNumber: id, idHash: '' })).toEqual({
      status: 'close_contact',
      quarantineUntil: new Date('2099-01-01T00:00:00+08:00'),
      flaggedAt: new Date(flaggedAt),
    });
    // a quarantine end is kept for close contacts and quarantine only
    await setNational(id, 'confirmed', '2099-01-01T00:00:00+08:00');
    expect((await cloud.national.check({ idNumber: id, idHash: '' })).quarantineUntil).toBeNull();
    await setNational(id, 'normal');
    expect((await cloud.national.check({ idNumber: id, idHash: '' })).status).toBe('normal');
  });

  it('is what a person flagged before registering gets at registration', async () => {
    const identity = personOf(n++);
    await setNational(identity.idNumber, 'suspected');
    const reply = await call<{ color: string }>(
      cloud,
      'citizen',
      { action: 'register', ...identity },
      'pre-suspected',
    );
    expect(reply.body.data?.color).toBe('red');
  });
});

describe('fresh for 6 hours', () => {
  it('keeps a person flagged on the platform green within 6 h, and orange on the first code after', async () => {
    const p = await registered('fresh-orange');
    expect(p.color).toBe('green');
    await setNational(p.idNumber, 'close_contact', new Date(Date.now() + 14 * DAY).toISOString());

    clockAt(6 * HOUR - MIN);
    expect(await asks(async () => expect(await colorBy(p.openid, 'code')).toBe('green'))).toBe(0);
    expect(await asks(async () => expect(await colorBy(p.openid, 'profile')).toBe('green'))).toBe(0);

    clockAt(6 * HOUR + MIN);
    expect(await asks(async () => expect(await colorBy(p.openid, 'code')).toBe('orange'))).toBe(1);
    // fresh again: the next calls ask nothing
    expect(await asks(async () => expect(await colorBy(p.openid, 'profile')).toBe('orange'))).toBe(0);
    expect((await citizen(p.openid, 'profile')).body.data?.colorReason).toBe('close_contact');
    expect(events(p.personId)).toEqual(['null->green', 'green->orange']);
    expect(eventsOf(p.personId)[1]).toMatchObject({ reason: 'close_contact', actor: 'system:nationalCheck' });
  });

  it('turns red on the first profile after 6 h', async () => {
    const p = await registered('fresh-red');
    await setNational(p.idNumber, 'confirmed');
    clockAt(6 * HOUR - MIN);
    expect(await colorBy(p.openid, 'profile')).toBe('green');
    clockAt(6 * HOUR + MIN);
    expect(await colorBy(p.openid, 'profile')).toBe('red');
    expect(await colorBy(p.openid, 'code')).toBe('red');
    expect(events(p.personId)).toEqual(['null->green', 'green->red']);
  });

  it('costs a fresh status no database call, and an unchanged answer none on code and one on profile', async () => {
    const p = await registered('round-trips');
    // the baseline: right after registration the status is fresh
    const freshProfile = await databaseCalls(() => citizen(p.openid, 'profile'));
    const freshCode = await databaseCalls(() => citizen(p.openid, 'code'));
    expect(freshProfile).toBe(1); // the caller's person, nothing else

    clockAt(6 * HOUR + MIN);
    expect(await databaseCalls(() => citizen(p.openid, 'code'))).toBe(freshCode);
    expect(await databaseCalls(() => citizen(p.openid, 'profile'))).toBe(freshProfile);
    clockAt(12 * HOUR + 2 * MIN);
    const asked = cloud.clock.nowMs();
    expect(await databaseCalls(() => citizen(p.openid, 'profile'))).toBe(freshProfile + 1);
    expect(new Date(person(p.personId).national.answeredAt!).getTime()).toBeGreaterThanOrEqual(asked);
    expect(await asks(() => citizen(p.openid, 'code'))).toBe(0);
    expect(events(p.personId)).toEqual(['null->green']);
  });
});

describe('a new normal only lifts bw', () => {
  it('leaves an orange code orange until quarantineRelease ends it', async () => {
    const p = await registered('normal-orange');
    const until = new Date(Date.now() + DAY).toISOString();
    await setNational(p.idNumber, 'quarantine', until);
    clockAt(6 * HOUR + MIN);
    expect(await colorBy(p.openid)).toBe('orange');

    await setNational(p.idNumber, 'normal');
    clockAt(12 * HOUR + 2 * MIN);
    expect(await asks(async () => expect(await colorBy(p.openid)).toBe('orange'))).toBe(1);
    expect(await colorBy(p.openid, 'profile')).toBe('orange');

    clockAt(2 * DAY);
    await call(cloud, 'citizen', { action: 'checkIn', symptoms: ['none'], contact: false }, p.openid);
    expect((await runTimer(cloud, 'cron', 'quarantineRelease')).ok).toBe(true);
    expect((await citizen(p.openid, 'profile')).body.data).toMatchObject({
      color: 'green',
      colorReason: 'quarantine_released',
    });
    expect(events(p.personId)).toEqual(['null->green', 'green->orange', 'orange->green']);
  });

  it('leaves a red code red: the province lifts it, and its decision holds until a newer national flag', async () => {
    const p = await registered('normal-red');
    await setNational(p.idNumber, 'confirmed');
    clockAt(6 * HOUR + MIN);
    expect(await colorBy(p.openid)).toBe('red');

    await setNational(p.idNumber, 'normal');
    clockAt(12 * HOUR + 2 * MIN);
    expect(await colorBy(p.openid)).toBe('red');

    const lifted = await call(
      cloud,
      'health',
      {
        action: 'setColor',
        actingPositionId: INITIATOR_POSITION_ID,
        personId: p.personId,
        color: 'green',
        reason: '复核排除',
      },
      INITIATOR,
    );
    expect(lifted.body.data).toEqual({ color: 'green' });
    clockAt(18 * HOUR + 3 * MIN);
    expect(await asks(async () => expect(await colorBy(p.openid)).toBe('green'))).toBe(1);

    await setNational(p.idNumber, 'suspected');
    clockAt(24 * HOUR + 4 * MIN);
    expect(await colorBy(p.openid)).toBe('red');
    expect(events(p.personId)).toEqual(['null->green', 'green->red', 'red->green', 'green->red']);
  });
});

describe('the risk list and the national platform are separate sources', () => {
  it('never lifts a flag of the list by a national normal', async () => {
    const p = await registered('list-orange');
    await importRows([
      { idNumber: p.idNumber, status: 'close_contact', quarantineUntil: '2099-01-01T00:00:00+08:00' },
    ]);
    expect(await colorBy(p.openid)).toBe('orange');
    // a dated normal from the platform: a new answer, and still no lift
    await setNational(p.idNumber, 'normal');
    clockAt(6 * HOUR + MIN);
    expect(await asks(async () => expect(await colorBy(p.openid, 'profile')).toBe('orange'))).toBe(1);
    expect(events(p.personId)).toEqual(['null->green', 'green->orange']);
  });

  it('follows the more severe flag, and a list’s cleared row lifts only the list’s own', async () => {
    const p = await registered('two-sources');
    await setNational(p.idNumber, 'quarantine', '2099-01-01T00:00:00+08:00');
    clockAt(6 * HOUR + MIN);
    expect(await colorBy(p.openid)).toBe('orange');

    await importRows([{ idNumber: p.idNumber, status: 'confirmed' }]);
    expect(await colorBy(p.openid)).toBe('red');
    await importRows([{ idNumber: p.idNumber, status: 'cleared' }]);
    expect((await citizen(p.openid, 'profile')).body.data).toMatchObject({
      color: 'orange',
      colorReason: 'quarantine',
    });
    expect(person(p.personId).listFlag).toBeNull();
    expect(events(p.personId)).toEqual(['null->green', 'green->orange', 'orange->red', 'red->orange']);
  });

  it('keeps a list flag from before registration apart from the platform’s answer', async () => {
    const identity = personOf(n++);
    await importRows([{ idNumber: identity.idNumber, status: 'suspected' }]);
    await setNational(identity.idNumber, 'close_contact', '2099-01-01T00:00:00+08:00');
    const reply = await call<{ personId: string; color: string }>(
      cloud,
      'citizen',
      { action: 'register', ...identity },
      'listed-before',
    );
    expect(reply.body.data?.color).toBe('red');
    const stored = person(reply.body.data!.personId);
    expect(stored.national.status).toBe('close_contact');
    expect(stored.listFlag?.status).toBe('suspected');
    await importRows([{ idNumber: identity.idNumber, status: 'cleared' }]);
    expect(await colorBy('listed-before', 'profile')).toBe('orange');
  });
});

describe('while the platform is down', () => {
  it('keeps a verified code’s color (not bw) and asks again at most once a minute', async () => {
    const p = await registered('down-green');
    await setFault('down');
    clockAt(6 * HOUR + MIN);
    expect(await asks(async () => expect(await colorBy(p.openid)).toBe('green'))).toBe(1);
    expect(await asks(async () => expect(await colorBy(p.openid, 'profile')).toBe('green'))).toBe(0);
    clockAt(6 * HOUR + MIN + 30_000);
    expect(await asks(async () => expect(await colorBy(p.openid)).toBe('green'))).toBe(0);
    clockAt(6 * HOUR + 2 * MIN + 1_000);
    expect(await asks(async () => expect(await colorBy(p.openid, 'profile')).toBe('green'))).toBe(1);
    expect((await citizen(p.openid, 'profile')).body.data?.colorReason).toBe('national_normal');

    // back up, with a flag set meanwhile: the next call after the minute gets it
    await setNational(p.idNumber, 'close_contact', '2099-01-01T00:00:00+08:00');
    await setFault('up');
    expect(await colorBy(p.openid)).toBe('green');
    clockAt(6 * HOUR + 3 * MIN + 2_000);
    expect(await colorBy(p.openid)).toBe('orange');
    expect(events(p.personId)).toEqual(['null->green', 'green->orange']);
  });

  it('keeps an orange code orange', async () => {
    const p = await registered('down-orange');
    await setNational(p.idNumber, 'quarantine', '2099-01-01T00:00:00+08:00');
    clockAt(6 * HOUR + MIN);
    expect(await colorBy(p.openid)).toBe('orange');
    await setFault('down');
    clockAt(12 * HOUR + 2 * MIN);
    expect(await colorBy(p.openid, 'profile')).toBe('orange');
    expect(await colorBy(p.openid)).toBe('orange');
    expect(events(p.personId)).toEqual(['null->green', 'green->orange']);
  });

  it('lifts bw when the platform answers again, once', async () => {
    await setFault('down');
    const p = await registered('down-bw');
    expect(p.color).toBe('bw');
    await setFault('up');
    // asked at registration: not again within the minute
    expect(await asks(async () => expect(await colorBy(p.openid)).toBe('bw'))).toBe(0);
    clockAt(61_000);
    expect(await asks(async () => expect(await colorBy(p.openid)).toBe('green'))).toBe(1);
    expect(await asks(async () => expect(await colorBy(p.openid, 'profile')).toBe('green'))).toBe(0);
    expect(events(p.personId)).toEqual(['null->bw', 'bw->green']);
  });

  it('gives a bw code the platform’s flag when it answers again', async () => {
    await setFault('down');
    const p = await registered('down-bw-red');
    await setNational(p.idNumber, 'confirmed');
    await setFault('up');
    clockAt(61_000);
    expect(await colorBy(p.openid, 'profile')).toBe('red');
    expect(events(p.personId)).toEqual(['null->bw', 'bw->red']);
  });
});

describe('one code event per change', () => {
  it('writes one event when many calls find the same new flag at once', async () => {
    const p = await registered('concurrent');
    await setNational(p.idNumber, 'suspected');
    clockAt(6 * HOUR + MIN);
    const colors = await Promise.all(
      Array.from({ length: 6 }, (_, i) => colorBy(p.openid, i % 2 ? 'code' : 'profile')),
    );
    expect(colors).toEqual(Array(6).fill('red'));
    expect(events(p.personId)).toEqual(['null->green', 'green->red']);
  });
});

describe('documents from before v1.1', () => {
  it('are read without migration: no dates is stale, a list flag kept in national is lifted by cleared', async () => {
    const p = await registered('legacy');
    await importRows([{ idNumber: p.idNumber, status: 'confirmed' }]);
    const { doc } = cloud.store.get('persons', p.personId)!;
    const current = doc as unknown as PersonDoc;
    const flag = cloud.store
      .find('risk_flags', {})
      .docs.find(
        (f) => new Date(f.flaggedAt as Date).getTime() === new Date(current.listFlag!.flaggedAt).getTime(),
      )!;
    // as v1 stored it: the list's flag in `national`, no listFlag, no freshness dates
    const legacy = {
      ...current,
      national: {
        status: 'confirmed',
        quarantineUntil: null,
        flaggedAt: flag.flaggedAt,
        verified: true,
        releasedAt: null,
      },
    } as Record<string, unknown>;
    delete legacy.listFlag;
    cloud.store.replace('persons', doc, legacy as unknown as Doc);

    expect(await asks(async () => expect(await colorBy(p.openid)).toBe('red'))).toBe(1);
    expect(await asks(async () => expect(await colorBy(p.openid)).toBe('red'))).toBe(0);
    const reply = await importRows([{ idNumber: p.idNumber, status: 'cleared' }]);
    expect(reply.body.data).toEqual({ matched: 1, updated: 1, unknown: 0 });
    expect(await colorBy(p.openid, 'profile')).toBe('green');
    expect(events(p.personId)).toEqual(['null->green', 'green->red', 'red->green']);
  });
});
