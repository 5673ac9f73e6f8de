/**
 * The health area's rules pinned at their edges, through the local cloud (regulation rules 3, 4 and 7; API.md
 * section 4, `health`, `quarantineRelease`, `nationalRecheck`, `retentionPurge`): which national answers keep an
 * orange code, the day a check-in counts from, the minute a quarantine ends, paging past 100 codes, what the
 * timers log and return; the retention purge's cut-off to the minute, its settings and its refusals; the risk
 * list's stored flags, its audit row and its documents from before v1.1; and the color events and duty that a
 * change of facts leaves.
 *
 * Each test opens a fresh local cloud, so that the timers' counts are this test's persons alone, and freezes the
 * clock (its `nowMs`) where a boundary is pinned to the millisecond.
 */
import type {
  AuditDoc,
  CodeEventDoc,
  PersonDoc,
  PositionDoc,
  RiskFlagDoc,
} from '../../cloudfunctions/_server/db/documents';
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { blindIndex, keyRingFromEnv } from '../../cloudfunctions/_server/privacy/personal-data';
import type { NationalStatus } from '../../miniprogram/core/health-code.rules';
import type { Doc } from '../../tools/local-cloud/db/store';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { idNumberOf, personOf } from '../helpers/identities';
import { call, openLocalCloud, runTimer } from '../helpers/local-cloud';
import { buildWorld, onDuty } from '../helpers/world';

const INITIATOR = 'test-initiator';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Midnight of 2031-03-10 in Asia/Shanghai: the day "D" of the tests. */
const D = Date.parse('2031-03-10T00:00:00+08:00');
const iso = (ms: number) => new Date(ms).toISOString();

let cloud: LocalCloud;
/** The JSON lines the functions logged (logEvent), parsed. */
let logged: Array<Record<string, unknown>>;

beforeEach(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  logged = [];
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    try {
      logged.push(JSON.parse(String(args[0])) as Record<string, unknown>);
    } catch {
      // not a JSON line
    }
  });
});

afterEach(async () => {
  jest.restoreAllMocks();
  delete process.env.JXM_EPIDEMIC_END;
  delete process.env.JXM_RETENTION_DAYS;
  await cloud.close();
});

/** Stops the local clock at `ms` (every function sees exactly this instant until the next call). */
const at = (ms: number) => {
  jest.spyOn(cloud.clock, 'nowMs').mockReturnValue(ms);
};

const logsOf = (event: string) => logged.filter((line) => line.event === event);

let next = 300;
async function registered(openid: string) {
  const identity = personOf(next++);
  const reply = await call<{ personId: string; color: string }>(
    cloud,
    'citizen',
    { action: 'register', ...identity },
    openid,
  );
  expect(reply.body.error).toBeUndefined();
  return { ...identity, openid, personId: reply.body.data!.personId, color: reply.body.data!.color };
}
type Registered = Awaited<ReturnType<typeof registered>>;

const person = (id: string) => cloud.store.get('persons', id)!.doc as unknown as PersonDoc;
const eventsOf = (personId: string) =>
  (cloud.store.find('code_events', { personId }).docs as unknown as CodeEventDoc[]).sort(
    (a, b) => new Date(a.at).getTime() - new Date(b.at).getTime() || (a.from === null ? -1 : 1),
  );
const flagOf = (idNumber: string) =>
  cloud.store.get('risk_flags', blindIndex(keyRingFromEnv(), 'id', idNumber))?.doc as unknown as
    RiskFlagDoc | undefined;
const time = (d: Date | string | null | undefined) => (d ? new Date(d).getTime() : null);

const health = (body: Record<string, unknown>) =>
  call<Record<string, unknown>>(
    cloud,
    'health',
    { actingPositionId: INITIATOR_POSITION_ID, ...body },
    INITIATOR,
  );
const importRows = (rows: Array<{ idNumber: string; status: string; quarantineUntil?: number }>) =>
  health({
    action: 'importRiskList',
    source: '省卫健委',
    rows: rows.map((r) => ({
      idNumber: r.idNumber,
      status: r.status,
      ...(r.quarantineUntil === undefined ? {} : { quarantineUntil: iso(r.quarantineUntil) }),
    })),
  });
const checkIn = async (openid: string, symptoms: string[]) => {
  const reply = await call(cloud, 'citizen', { action: 'checkIn', symptoms, contact: false }, openid);
  return reply.body;
};
/** What the national platform's stand-in answers from now on for this ID number (flagged now). */
const setNational = (idNumber: string, status: NationalStatus, quarantineUntil: number | null = null) =>
  cloud.national.set({
    idNumber,
    status,
    quarantineUntil: quarantineUntil === null ? null : new Date(quarantineUntil),
  });
const release = () => runTimer<{ checked: number; released: number }>(cloud, 'cron', 'quarantineRelease');

describe('quarantineRelease: when an ended quarantine is released', () => {
  it('releases at the minute the quarantine ends, counting a check-in made that day, not the evening before', async () => {
    at(D - DAY);
    const sameDay = await registered('q-same-day');
    const eve = await registered('q-eve');
    const end = D + 10 * HOUR; // D 10:00
    await importRows([
      { idNumber: sameDay.idNumber, status: 'quarantine', quarantineUntil: end },
      { idNumber: eve.idNumber, status: 'close_contact', quarantineUntil: end },
    ]);
    expect(person(sameDay.personId).listFlag?.quarantineUntil).toEqual(new Date(end));
    expect(person(eve.personId).listFlag?.quarantineUntil).toEqual(new Date(end));
    at(D - MIN); // D-1 23:59: the day before the end
    expect((await checkIn(eve.openid, ['none'])).ok).toBe(true);
    at(D + 9 * HOUR); // D 09:00: the day of the end, before its minute
    expect((await checkIn(sameDay.openid, ['none'])).ok).toBe(true);

    const check = jest.spyOn(cloud.national, 'check');
    at(end - MIN);
    expect((await release()).data).toEqual({ checked: 0, released: 0 });
    expect(check).not.toHaveBeenCalled();
    expect(person(sameDay.personId).color).toBe('orange');

    at(end);
    expect((await release()).data).toEqual({ checked: 2, released: 1 });
    // the platform is asked for the one code that may be released, and only for it
    expect(check).toHaveBeenCalledTimes(1);
    expect(check.mock.calls[0][0].idHash).toBe(person(sameDay.personId).idHash);
    expect(person(sameDay.personId)).toMatchObject({ color: 'green', colorReason: 'quarantine_released' });
    expect(person(sameDay.personId).listFlag?.releasedAt).toEqual(new Date(end));
    expect(person(eve.personId)).toMatchObject({ color: 'orange', colorReason: 'close_contact' });
    expect(eventsOf(sameDay.personId).at(-1)).toMatchObject({
      from: 'orange',
      to: 'green',
      reason: 'quarantine_released',
      actor: 'system:quarantineRelease',
    });
    expect(logsOf('quarantine_release')).toEqual([
      { event: 'quarantine_release', checked: 0, released: 0 },
      { event: 'quarantine_release', checked: 2, released: 1 },
    ]);
  });

  it('keeps orange what the national platform still flags, and counts as released only the codes that end green', async () => {
    // every one in national quarantine until D 08:00, symptom-free on D; the platform's answers differ
    at(D - 2 * DAY);
    const flaggedAt = D - 2 * DAY;
    const end = D + 8 * HOUR;
    const kinds = ['closeExtended', 'quarantineExtended', 'noEnd', 'endsNow', 'sameRecord'] as const;
    const people = {} as Record<(typeof kinds)[number], Registered>;
    for (const kind of kinds) {
      const identity = personOf(next);
      setNational(identity.idNumber, kind === 'closeExtended' ? 'close_contact' : 'quarantine', end);
      people[kind] = await registered(`q-${kind}`);
      expect(people[kind].color).toBe('orange');
    }
    const release1 = D + 9 * HOUR;
    at(release1);
    for (const kind of kinds) expect((await checkIn(people[kind].openid, ['none'])).ok).toBe(true);

    // the same flag (same status, same flaggedAt: not a new flag), with the quarantine's end as the platform has it now
    const answers = new Map<
      string,
      { status: NationalStatus; quarantineUntil: Date | null; flaggedAt: Date }
    >(
      [
        ['closeExtended', 'close_contact', D + 5 * DAY],
        ['quarantineExtended', 'quarantine', D + 5 * DAY],
        ['noEnd', 'quarantine', null],
        ['endsNow', 'quarantine', release1],
        ['sameRecord', 'quarantine', end],
      ].map(([kind, status, until]) => [
        person(people[kind as (typeof kinds)[number]].personId).idHash,
        {
          status: status as NationalStatus,
          quarantineUntil: until === null ? null : new Date(until as number),
          flaggedAt: new Date(flaggedAt),
        },
      ]),
    );
    jest
      .spyOn(cloud.national, 'check')
      .mockImplementation(async ({ idHash }) => ({ ...answers.get(idHash)! }));

    expect((await release()).data).toEqual({ checked: 5, released: 2 });
    const colors = Object.fromEntries(kinds.map((k) => [k, person(people[k].personId).color]));
    expect(colors).toEqual({
      closeExtended: 'orange',
      quarantineExtended: 'orange',
      noEnd: 'orange',
      endsNow: 'green',
      sameRecord: 'green',
    });
    // still running: not released, the stored end unchanged (the same flag is not taken again)
    expect(person(people.quarantineExtended.personId).national).toMatchObject({
      status: 'quarantine',
      releasedAt: null,
      quarantineUntil: new Date(end),
    });
    expect(person(people.sameRecord.personId).national.releasedAt).toEqual(new Date(release1));
    expect(logsOf('quarantine_release')).toEqual([{ event: 'quarantine_release', checked: 5, released: 2 }]);
  });

  it('never releases the list’s quarantine of a confirmed or suspected case (kept orange by the province)', async () => {
    at(D - 2 * DAY);
    const cases = [] as Registered[];
    for (const status of ['confirmed', 'suspected'] as const) {
      setNational(personOf(next).idNumber, status);
      const p = await registered(`q-${status}`);
      expect(p.color).toBe('red');
      cases.push(p);
    }
    const end = D + 8 * HOUR;
    await importRows(
      cases.map((p) => ({ idNumber: p.idNumber, status: 'quarantine', quarantineUntil: end })),
    );
    at(D - 2 * DAY + HOUR);
    for (const p of cases) {
      const reply = await health({
        action: 'setColor',
        personId: p.personId,
        color: 'orange',
        reason: '集中隔离',
      });
      expect(reply.body.data).toEqual({ color: 'orange' });
    }
    at(D + 9 * HOUR);
    for (const p of cases) expect((await checkIn(p.openid, ['none'])).ok).toBe(true);

    expect((await release()).data).toEqual({ checked: 2, released: 0 });
    for (const p of cases) {
      expect(person(p.personId)).toMatchObject({ color: 'orange', colorReason: 'provincial' });
      expect(person(p.personId).listFlag).toMatchObject({ status: 'quarantine', releasedAt: null });
    }
  });

  it('does not release a code the platform flags anew, even with a quarantine already over', async () => {
    at(D - 2 * DAY);
    const p = await registered('q-new-flag');
    const end = D + 8 * HOUR;
    await importRows([{ idNumber: p.idNumber, status: 'quarantine', quarantineUntil: end }]);
    at(D + 9 * HOUR);
    expect((await checkIn(p.openid, ['none'])).ok).toBe(true);
    // flagged now, as a close contact whose quarantine has ended by the time anyone looks
    setNational(p.idNumber, 'close_contact', D + 8 * HOUR + 30 * MIN);

    expect((await release()).data).toEqual({ checked: 1, released: 0 });
    const stored = person(p.personId);
    expect(stored).toMatchObject({ color: 'orange', colorReason: 'close_contact' });
    expect(stored.national).toMatchObject({ status: 'close_contact', releasedAt: null });
    expect(stored.listFlag).toMatchObject({ status: 'quarantine', releasedAt: null });
  });

  it('checks a code in quarantine by both sources once per run', async () => {
    at(D - 2 * DAY);
    const end = D + 8 * HOUR;
    setNational(personOf(next).idNumber, 'quarantine', end);
    const p = await registered('q-both');
    await importRows([{ idNumber: p.idNumber, status: 'close_contact', quarantineUntil: end }]);
    expect(person(p.personId).national.quarantineUntil).toEqual(new Date(end));
    expect(person(p.personId).listFlag?.quarantineUntil).toEqual(new Date(end));
    at(D + 9 * HOUR);
    expect((await checkIn(p.openid, ['cough'])).ok).toBe(true);
    const check = jest.spyOn(cloud.national, 'check');

    expect((await release()).data).toEqual({ checked: 1, released: 0 });
    expect(check).not.toHaveBeenCalled();
    expect(person(p.personId).color).toBe('orange');
  });

  it('goes through more than 100 ended quarantines, page by page, whatever order their ends are in', async () => {
    at(D - 2 * DAY);
    const people = await Promise.all(Array.from({ length: 105 }, (_, i) => registered(`q-page-${i}`)));
    // the latest id ends first: the quarantine index's order is the reverse of the ids'
    const byIdDesc = [...people].sort((a, b) => (a.personId < b.personId ? 1 : -1));
    await importRows(
      byIdDesc.map((p, i) => ({
        idNumber: p.idNumber,
        status: 'quarantine',
        quarantineUntil: D + 8 * HOUR + i * MIN,
      })),
    );
    at(D + 10 * HOUR);
    await Promise.all(people.map((p) => checkIn(p.openid, ['none'])));

    const run = await release();
    expect(run).toMatchObject({ ok: true, data: { checked: 105, released: 105 } });
    expect(people.filter((p) => person(p.personId).color !== 'green')).toEqual([]);
  }, 120_000);
});

describe('quarantineRelease: when the national platform cannot answer', () => {
  async function releasable(openid: string) {
    at(D - DAY);
    const p = await registered(openid);
    await importRows([{ idNumber: p.idNumber, status: 'quarantine', quarantineUntil: D + 8 * HOUR }]);
    at(D + 9 * HOUR);
    expect((await checkIn(p.openid, ['none'])).ok).toBe(true);
    return p;
  }

  it('waits while it is unavailable: logs national_unavailable and answers what it checked', async () => {
    const p = await releasable('q-down');
    cloud.faults.set('national', 'down');
    const run = await release();
    expect(run).toEqual({ ok: true, data: { checked: 1, released: 0 } });
    expect(logsOf('national_unavailable')).toEqual([
      { event: 'national_unavailable', at: 'quarantineRelease' },
    ]);
    expect(person(p.personId).color).toBe('orange');
  });

  it('fails the run on any other error, without calling it unavailability', async () => {
    const p = await releasable('q-broken');
    jest.spyOn(cloud.national, 'check').mockRejectedValue(new TypeError('answer without a status'));
    const run = await release();
    expect(run.ok).toBe(false);
    expect(run.error?.code).toBe('INTERNAL');
    expect(logsOf('national_unavailable')).toEqual([]);
    expect(person(p.personId).color).toBe('orange');
  });
});

describe('nationalRecheck', () => {
  it('asks again for the bw codes only, and logs what it checked and upgraded', async () => {
    const green = await registered('recheck-green');
    cloud.faults.set('national', 'down');
    const bw = [await registered('recheck-bw-1'), await registered('recheck-bw-2')];
    expect(bw.map((p) => p.color)).toEqual(['bw', 'bw']);

    // still down: the first one answers nothing, the run stops there
    const idle = await runTimer(cloud, 'cron', 'nationalRecheck');
    expect(idle.data).toEqual({ checked: 1, upgraded: 0 });

    cloud.faults.set('national', 'up');
    const check = jest.spyOn(cloud.national, 'check');
    const run = await runTimer(cloud, 'cron', 'nationalRecheck');
    expect(run.data).toEqual({ checked: 2, upgraded: 2 });
    expect(check).toHaveBeenCalledTimes(2);
    expect(bw.map((p) => person(p.personId).color)).toEqual(['green', 'green']);
    expect(eventsOf(bw[0].personId).at(-1)).toMatchObject({
      from: 'bw',
      to: 'green',
      actor: 'system:nationalRecheck',
    });
    expect(eventsOf(green.personId)).toHaveLength(1);
    expect(logsOf('national_recheck')).toEqual([
      { event: 'national_recheck', checked: 1, upgraded: 0 },
      { event: 'national_recheck', checked: 2, upgraded: 2 },
    ]);
  });
});

describe('retentionPurge (rule 3)', () => {
  const purge = () => runTimer<Record<string, unknown>>(cloud, 'cron', 'retentionPurge');

  it('refuses without a valid JXM_EPIDEMIC_END and before it, deleting nothing', async () => {
    at(D);
    const p = await registered('r-refuse');
    expect((await checkIn(p.openid, ['none'])).ok).toBe(true);
    at(D + 40 * DAY);
    expect((await purge()).data).toEqual({ purged: false, reason: 'JXM_EPIDEMIC_END not set' });
    process.env.JXM_EPIDEMIC_END = 'when it is over';
    expect((await purge()).data).toEqual({ purged: false, reason: 'JXM_EPIDEMIC_END not set' });
    process.env.JXM_EPIDEMIC_END = iso(D + 40 * DAY + MIN);
    expect((await purge()).data).toEqual({ purged: false, reason: 'epidemic period not over' });
    expect(cloud.store.count('checkins')).toBe(1);
    expect(person(p.personId).latestCheckIn).toEqual({ date: '2031-03-10', symptoms: ['none'] });
    expect(logsOf('retention_purge')).toEqual([]);
  });

  it('ends the period at its instant: a check-in the minute before, none at it, and the purge runs from it', async () => {
    const end = D + 40 * DAY;
    process.env.JXM_EPIDEMIC_END = iso(end);
    at(end - MIN);
    const p = await registered('r-end');
    expect((await checkIn(p.openid, ['none'])).ok).toBe(true);
    expect((await purge()).data).toEqual({ purged: false, reason: 'epidemic period not over' });
    at(end);
    expect((await checkIn(p.openid, ['none'])).error?.code).toBe('EPIDEMIC_ENDED');
    expect((await purge()).data).toMatchObject({ purged: true, cutoff: iso(end - 30 * DAY) });
  });

  it('deletes what is older than 30 days to the minute, keeps what is newer, and logs the counts', async () => {
    at(D);
    const old = await registered('r-old');
    const recent = await registered('r-recent');
    expect((await checkIn(old.openid, ['none'])).ok).toBe(true);
    at(D + 2 * MIN);
    expect((await checkIn(recent.openid, ['cough'])).ok).toBe(true);
    process.env.JXM_EPIDEMIC_END = iso(D + DAY);
    // the cut-off is D + 1 min: the old check-in is a minute before it, the recent one a minute after
    at(D + 30 * DAY + MIN);
    const reply = await purge();
    expect(reply.data).toEqual({
      purged: true,
      cutoff: iso(D + MIN),
      checkins: 1,
      scans: 0,
      alerts: 0,
      refusals: 0,
      push_outbox: 0,
      code_events: 2,
      risk_flags: 0,
      fevers: 0,
      personsCleared: 1,
    });
    expect(cloud.store.find('checkins', {}).docs.map((c) => c.personId)).toEqual([recent.personId]);
    expect(person(old.personId).latestCheckIn).toBeNull();
    expect(person(recent.personId).latestCheckIn).toEqual({ date: '2031-03-10', symptoms: ['cough'] });
    // identities stay
    expect(person(old.personId).idHash).toBeTruthy();
    expect(logsOf('retention_purge')).toEqual([
      {
        event: 'retention_purge',
        checkins: 1,
        scans: 0,
        alerts: 0,
        refusals: 0,
        push_outbox: 0,
        code_events: 2,
        risk_flags: 0,
        fevers: 0,
        cleared: 1,
      },
    ]);
  });

  it.each([
    ['10', 10],
    ['0', 0],
    ['-1', 30],
    ['thirty', 30],
    ['', 30],
    ['  ', 30],
    [undefined, 30],
  ])('JXM_RETENTION_DAYS=%p keeps %d days', async (setting, days) => {
    if (setting !== undefined) process.env.JXM_RETENTION_DAYS = setting;
    process.env.JXM_EPIDEMIC_END = iso(D);
    at(D + 100 * DAY);
    const reply = await purge();
    expect(reply.ok).toBe(true);
    expect(reply.data).toMatchObject({ purged: true, cutoff: iso(D + 100 * DAY - days * DAY) });
  });

  it('closes the on-site fevers opened before the cut-off, more than 100 of them, as changes of color', async () => {
    at(D);
    const people = await Promise.all(Array.from({ length: 103 }, (_, i) => registered(`r-fever-${i}`)));
    const recent = people.pop()!;
    // as a scan with 38.1 °C leaves them: a fever opened, a yellow code
    for (const p of [...people, recent]) {
      const { doc } = cloud.store.get('persons', p.personId)!;
      const openedAt = new Date(p === recent ? D + 2 * MIN : D);
      // changed since the cut-off (a check-in, say): only the fever is older than the retention
      const fevered = {
        ...doc,
        fever: { openedAt, temperature: 38.1 },
        color: 'yellow',
        colorReason: 'onsite_fever',
        updatedAt: new Date(D + 2 * MIN),
      };
      cloud.store.replace('persons', doc, fevered as unknown as Doc);
    }
    process.env.JXM_EPIDEMIC_END = iso(D + DAY);
    at(D + 30 * DAY + MIN);
    const reply = await purge();
    expect(reply.data).toMatchObject({ purged: true, fevers: 102 });
    expect(
      people.filter((p) => person(p.personId).fever !== null || person(p.personId).color !== 'green'),
    ).toEqual([]);
    expect(eventsOf(people[0].personId).at(-1)).toMatchObject({
      from: 'yellow',
      to: 'green',
      actor: 'system:retentionPurge',
    });
    expect(person(recent.personId)).toMatchObject({ color: 'yellow', fever: { temperature: 38.1 } });
    expect(logsOf('retention_purge')).toEqual([expect.objectContaining({ fevers: 102 })]);
  }, 120_000);

  it('clears every health fact of a person unchanged since the cut-off, the national status too, and the color with them', async () => {
    at(D);
    const gone = await registered('r-all-old');
    const kept = await registered('r-all-recent');
    const confirmed = (updatedAt: number) => ({
      national: {
        status: 'confirmed',
        quarantineUntil: null,
        flaggedAt: new Date(D),
        verified: true,
        releasedAt: null,
        askedAt: new Date(D),
        answeredAt: new Date(D),
      },
      listFlag: {
        status: 'close_contact',
        quarantineUntil: new Date(D + 10 * DAY),
        flaggedAt: new Date(D),
        releasedAt: null,
      },
      fever: { openedAt: new Date(D), temperature: 38.4 },
      provincial: { color: 'red', reason: '流调', at: new Date(D) },
      latestCheckIn: { date: '2031-03-10', symptoms: ['fever'] },
      lastReadingAt: new Date(D),
      color: 'red',
      colorReason: 'confirmed',
      updatedAt: new Date(updatedAt),
    });
    // the cut-off is D + 1 min: one person last changed a minute before it, the other a minute after
    for (const [p, updatedAt] of [
      [gone, D],
      [kept, D + 2 * MIN],
    ] as const) {
      const { doc } = cloud.store.get('persons', p.personId)!;
      cloud.store.replace('persons', doc, { ...doc, ...confirmed(updatedAt) } as unknown as Doc);
    }
    process.env.JXM_EPIDEMIC_END = iso(D + DAY);
    at(D + 30 * DAY + MIN);
    // the other's fever, opened before the cut-off, is closed on its own (below: its status keeps it red)
    expect((await purge()).data).toMatchObject({ purged: true, fevers: 1 });
    // the platform's answer and when it was asked gone too: never asked, as before a first answer
    expect(person(gone.personId).national).toEqual({
      status: 'normal',
      quarantineUntil: null,
      flaggedAt: null,
      verified: false,
      releasedAt: null,
    });
    expect(person(gone.personId)).toMatchObject({
      listFlag: null,
      fever: null,
      provincial: null,
      latestCheckIn: null,
      lastReadingAt: null,
      color: 'bw',
      colorReason: 'unverified',
      colorSince: new Date(D + 30 * DAY + MIN),
    });
    // no color event written for it: what it would record is what was just deleted
    expect(eventsOf(gone.personId)).toEqual([]);
    expect(person(gone.personId).idHash).toBeTruthy();
    expect(person(kept.personId)).toMatchObject({
      color: 'red',
      national: { status: 'confirmed' },
      fever: null,
      latestCheckIn: { date: '2031-03-10', symptoms: ['fever'] },
    });
    // cleared once: the next day's purge finds nothing left on it
    at(D + 31 * DAY + MIN);
    expect((await purge()).data).toMatchObject({ purged: true, personsCleared: 0 });
    expect(person(gone.personId).colorSince).toEqual(new Date(D + 30 * DAY + MIN));
  });
});

describe('after the end of the epidemic period (rule 3: no health data is collected)', () => {
  const END = D + DAY;

  it('asks the national platform no more: a profile keeps its color from the instant of the end', async () => {
    at(D);
    const before = await registered('e-before');
    const after = await registered('e-after');
    setNational(before.idNumber, 'confirmed');
    setNational(after.idNumber, 'confirmed');
    process.env.JXM_EPIDEMIC_END = iso(END);
    const check = jest.spyOn(cloud.national, 'check');
    // both answers are 24 hours old: a millisecond before the end the platform is asked, at the end it is not
    at(END - 1);
    const asked = await call<{ color: string }>(cloud, 'citizen', { action: 'profile' }, before.openid);
    expect(asked.body.data).toMatchObject({ color: 'red' });
    at(END);
    const kept = await call<{ color: string }>(cloud, 'citizen', { action: 'profile' }, after.openid);
    expect(kept.body.data).toMatchObject({ color: 'green' });
    expect(check).toHaveBeenCalledTimes(1);
    expect(eventsOf(after.personId)).toHaveLength(1);
  });

  it('registers a newcomer unverified, without the platform or the list', async () => {
    const identity = personOf(next++);
    at(D);
    await importRows([{ idNumber: identity.idNumber, status: 'confirmed' }]);
    setNational(identity.idNumber, 'confirmed');
    process.env.JXM_EPIDEMIC_END = iso(END);
    at(END);
    const check = jest.spyOn(cloud.national, 'check');
    const reply = await call<{ color: string }>(
      cloud,
      'citizen',
      { action: 'register', ...identity },
      'e-newcomer',
    );
    expect(reply.body.data).toMatchObject({ color: 'bw' });
    expect(check).not.toHaveBeenCalled();
  });

  it('runs the health timers as no-ops: no quarantine released, no bw code asked about', async () => {
    at(D - DAY);
    const p = await registered('e-timers');
    await importRows([{ idNumber: p.idNumber, status: 'quarantine', quarantineUntil: D + 8 * HOUR }]);
    cloud.faults.set('national', 'down');
    const bw = await registered('e-timers-bw');
    cloud.faults.set('national', 'up');
    at(D + 9 * HOUR);
    expect((await checkIn(p.openid, ['none'])).ok).toBe(true);
    process.env.JXM_EPIDEMIC_END = iso(D + 10 * HOUR);
    at(D + 10 * HOUR);
    const check = jest.spyOn(cloud.national, 'check');
    expect((await release()).data).toEqual({ checked: 0, released: 0, ended: true });
    expect((await runTimer(cloud, 'cron', 'nationalRecheck')).data).toEqual({
      checked: 0,
      upgraded: 0,
      ended: true,
    });
    expect(check).not.toHaveBeenCalled();
    expect(person(p.personId).color).toBe('orange');
    expect(person(bw.personId).color).toBe('bw');
    expect(logsOf('quarantine_release')).toEqual([
      { event: 'quarantine_release', checked: 0, released: 0, ended: true },
    ]);
  });

  it('refuses the province’s list and its color decisions: EPIDEMIC_ENDED, nothing written', async () => {
    at(D);
    const p = await registered('e-province');
    const flagged = personOf(next++);
    process.env.JXM_EPIDEMIC_END = iso(END);
    at(END);
    const listed = await importRows([{ idNumber: flagged.idNumber, status: 'confirmed' }]);
    expect(listed.body.error).toMatchObject({ code: 'EPIDEMIC_ENDED' });
    expect(flagOf(flagged.idNumber)).toBeUndefined();
    const decided = await health({ action: 'setColor', personId: p.personId, color: 'red', reason: '流调' });
    expect(decided.body.error).toMatchObject({ code: 'EPIDEMIC_ENDED' });
    expect(person(p.personId)).toMatchObject({ color: 'green', provincial: null });
  });
});

describe('importRiskList: the stored list', () => {
  it('rewrites a stored flag when its status or its quarantine end changes, and leaves an unchanged one as it was', async () => {
    const idNumber = idNumberOf(901, '19800101'); // nobody registered with it
    const first = D + 10 * DAY;
    const later = D + 12 * DAY;
    const stored = () => {
      const f = flagOf(idNumber)!;
      return { status: f.status, quarantineUntil: time(f.quarantineUntil), flaggedAt: time(f.flaggedAt) };
    };
    at(D);
    expect(
      (await importRows([{ idNumber, status: 'close_contact', quarantineUntil: first }])).body.data,
    ).toEqual({
      matched: 0,
      updated: 0,
      unknown: 1,
    });
    expect(stored()).toEqual({ status: 'close_contact', quarantineUntil: first, flaggedAt: D });
    expect(flagOf(idNumber)?.source).toBe('省卫健委');
    at(D + HOUR);
    await importRows([{ idNumber, status: 'close_contact', quarantineUntil: later }]);
    expect(stored()).toEqual({ status: 'close_contact', quarantineUntil: later, flaggedAt: D + HOUR });
    at(D + 2 * HOUR);
    await importRows([{ idNumber, status: 'close_contact', quarantineUntil: later }]);
    expect(stored()).toEqual({ status: 'close_contact', quarantineUntil: later, flaggedAt: D + HOUR });
    at(D + 3 * HOUR);
    await importRows([{ idNumber, status: 'quarantine', quarantineUntil: later }]);
    expect(stored()).toEqual({ status: 'quarantine', quarantineUntil: later, flaggedAt: D + 3 * HOUR });
    // a red status has no quarantine end, whatever the row says
    at(D + 4 * HOUR);
    await importRows([{ idNumber, status: 'confirmed', quarantineUntil: later }]);
    expect(stored()).toEqual({ status: 'confirmed', quarantineUntil: null, flaggedAt: D + 4 * HOUR });
    at(D + 5 * HOUR);
    await importRows([{ idNumber, status: 'confirmed', quarantineUntil: first }]);
    expect(stored()).toEqual({ status: 'confirmed', quarantineUntil: null, flaggedAt: D + 4 * HOUR });
  });

  it('gives who registers later the quarantine end of the latest list', async () => {
    const identity = personOf(next++);
    at(D);
    await importRows([
      { idNumber: identity.idNumber, status: 'close_contact', quarantineUntil: D + 10 * DAY },
    ]);
    at(D + HOUR);
    await importRows([
      { idNumber: identity.idNumber, status: 'close_contact', quarantineUntil: D + 12 * DAY },
    ]);
    at(D + 2 * HOUR);
    const reply = await call<{ personId: string; color: string }>(
      cloud,
      'citizen',
      { action: 'register', ...identity },
      'registers-later',
    );
    expect(reply.body.data?.color).toBe('orange');
    const listFlag = person(reply.body.data!.personId).listFlag!;
    expect([listFlag.status, time(listFlag.quarantineUntil)]).toEqual(['close_contact', D + 12 * DAY]);
  });

  it('audits each import with its source and counts, and marks the color events with the initiator’s position', async () => {
    at(D);
    const p = await registered('list-audit');
    const reply = await importRows([
      { idNumber: p.idNumber, status: 'suspected' },
      { idNumber: idNumberOf(902, '19800101'), status: 'confirmed' },
      // the last row for a person wins
      { idNumber: p.idNumber, status: 'close_contact', quarantineUntil: D + 14 * DAY },
    ]);
    expect(reply.body.data).toEqual({ matched: 1, updated: 1, unknown: 1 });
    expect(person(p.personId)).toMatchObject({ color: 'orange', colorReason: 'close_contact' });
    expect(time(person(p.personId).listFlag?.quarantineUntil)).toBe(D + 14 * DAY);
    const rows = cloud.store.find('audit', { action: 'health.importRiskList' }).docs as unknown as AuditDoc[];
    expect(rows).toEqual([
      expect.objectContaining({
        actorPositionId: INITIATOR_POSITION_ID,
        actorOpenid: INITIATOR,
        target: null,
        reason: null,
        details: { source: '省卫健委', rows: 3, matched: 1, updated: 1, unknown: 1 },
      }),
    ]);
    expect(eventsOf(p.personId).at(-1)).toMatchObject({
      from: 'green',
      to: 'orange',
      reason: 'close_contact',
      actor: `position:${INITIATOR_POSITION_ID}`,
    });

    at(D + HOUR);
    await health({ action: 'setColor', personId: p.personId, color: 'green', reason: '复核排除' });
    expect(eventsOf(p.personId).at(-1)).toMatchObject({
      from: 'orange',
      to: 'green',
      reason: 'provincial',
      actor: `position:${INITIATOR_POSITION_ID}`,
    });
  });

  it('tells the initiator in words that no code has the ID number looked for', async () => {
    const reply = await health({
      action: 'findPerson',
      idNumber: idNumberOf(903, '19800101'),
      reason: '核查',
    });
    expect(reply.body.error).toMatchObject({ code: 'NOT_FOUND', message: '未找到该身份证号的吉祥码' });
  });

  it('matches and compares every row of a list longer than one read (500): more than 500 persons and flags', async () => {
    at(D);
    const model = await registered('list-many-0');
    const { doc } = cloud.store.get('persons', model.personId)!;
    const keys = keyRingFromEnv();
    const ids = Array.from({ length: 520 }, (_, i) => idNumberOf(i, '19700101'));
    // 520 persons as registration stores them (copies of one, each with its own ID number's index)
    ids.forEach((idNumber, i) => {
      const copy = {
        ...doc,
        _id: `many-${i}`,
        openid: `many-${i}`,
        codeId: `many-code-${i}`,
        idHash: blindIndex(keys, 'id', idNumber),
      };
      cloud.store.insert('persons', copy as unknown as Doc);
    });
    const rows = ids.map((idNumber) => ({ idNumber, status: 'confirmed' }));
    expect((await importRows(rows)).body.data).toEqual({ matched: 520, updated: 520, unknown: 0 });
    expect(cloud.store.find('persons', { color: 'red' }).docs).toHaveLength(520);

    at(D + HOUR);
    expect((await importRows(rows)).body.data).toEqual({ matched: 520, updated: 0, unknown: 0 });
    const flags = cloud.store.find('risk_flags', {}).docs as unknown as RiskFlagDoc[];
    expect(flags).toHaveLength(520);
    expect(flags.filter((f) => time(f.flaggedAt) !== D)).toEqual([]);
  }, 120_000);
});

describe('importRiskList: documents from before v1.1 (the list’s flag kept in national)', () => {
  /** The person as v1 stored them: no listFlag, `national` as given. */
  function storeAsLegacy(
    personId: string,
    national: Record<string, unknown>,
    color: string,
    colorReason: string,
  ) {
    const { doc } = cloud.store.get('persons', personId)!;
    const legacy = {
      ...doc,
      national: { quarantineUntil: null, verified: true, releasedAt: null, ...national },
      color,
      colorReason,
    } as Record<string, unknown>;
    delete legacy.listFlag;
    cloud.store.replace('persons', doc, legacy as unknown as Doc);
  }

  it('lifts by a cleared row only the national facts that are exactly the list’s stored flag', async () => {
    at(D);
    const [otherTime, otherStatus, theList] = [
      await registered('legacy-other-time'),
      await registered('legacy-other-status'),
      await registered('legacy-the-list'),
    ];
    const until = new Date(D + 10 * DAY);
    await importRows(
      [otherTime, otherStatus, theList].map((p) => ({
        idNumber: p.idNumber,
        status: 'quarantine',
        quarantineUntil: until.getTime(),
      })),
    );
    // the platform's own flag: the same status an hour later / another status at the same instant
    storeAsLegacy(
      otherTime.personId,
      { status: 'quarantine', quarantineUntil: until, flaggedAt: new Date(D + HOUR) },
      'orange',
      'quarantine',
    );
    storeAsLegacy(
      otherStatus.personId,
      { status: 'close_contact', quarantineUntil: until, flaggedAt: new Date(D) },
      'orange',
      'close_contact',
    );
    storeAsLegacy(
      theList.personId,
      { status: 'quarantine', quarantineUntil: until, flaggedAt: new Date(D) },
      'orange',
      'quarantine',
    );

    at(D + 2 * HOUR);
    const reply = await importRows(
      [otherTime, otherStatus, theList].map((p) => ({ idNumber: p.idNumber, status: 'cleared' })),
    );
    expect(reply.body.data).toEqual({ matched: 3, updated: 1, unknown: 0 });
    expect(person(otherTime.personId)).toMatchObject({ color: 'orange', colorReason: 'quarantine' });
    expect(person(otherTime.personId).national).toMatchObject({ status: 'quarantine' });
    expect(time(person(otherTime.personId).national.flaggedAt)).toBe(D + HOUR);
    expect(person(otherStatus.personId)).toMatchObject({ color: 'orange', colorReason: 'close_contact' });
    expect(person(otherStatus.personId).national.status).toBe('close_contact');
    expect(person(theList.personId)).toMatchObject({ color: 'green', listFlag: null });
    expect(person(theList.personId).national.status).toBe('normal');
  });

  it('keeps the national flag of such a document when a list row flags it too', async () => {
    at(D);
    const p = await registered('legacy-national');
    const until = new Date(D + 10 * DAY);
    storeAsLegacy(
      p.personId,
      { status: 'quarantine', quarantineUntil: until, flaggedAt: new Date(D) },
      'orange',
      'quarantine',
    );
    at(D + HOUR);
    await importRows([{ idNumber: p.idNumber, status: 'suspected' }]);
    expect(person(p.personId)).toMatchObject({ color: 'red', colorReason: 'suspected' });
    expect(person(p.personId).national).toMatchObject({ status: 'quarantine' });
    expect(time(person(p.personId).national.quarantineUntil)).toBe(until.getTime());
    at(D + 2 * HOUR);
    await importRows([{ idNumber: p.idNumber, status: 'cleared' }]);
    expect(person(p.personId)).toMatchObject({ color: 'orange', colorReason: 'quarantine' });
  });

  it('stays such a document through a change that does not touch the list: an unchanged row then changes nothing', async () => {
    at(D);
    const p = await registered('legacy-kept');
    await importRows([{ idNumber: p.idNumber, status: 'confirmed' }]);
    storeAsLegacy(p.personId, { status: 'confirmed', flaggedAt: new Date(D) }, 'red', 'confirmed');
    at(D + HOUR);
    const lifted = await health({
      action: 'setColor',
      personId: p.personId,
      color: 'green',
      reason: '复核排除',
    });
    expect(lifted.body.data).toEqual({ color: 'green' });
    expect('listFlag' in cloud.store.get('persons', p.personId)!.doc).toBe(false);
    // the same list again: the province's decision holds
    at(D + 2 * HOUR);
    expect((await importRows([{ idNumber: p.idNumber, status: 'confirmed' }])).body.data).toEqual({
      matched: 1,
      updated: 0,
      unknown: 0,
    });
    expect(person(p.personId)).toMatchObject({ color: 'green', colorReason: 'provincial' });
  });
});

describe('a change of health facts', () => {
  it('adds no color event and keeps a scanner on duty while the color stays green; ends the duty when it does not', async () => {
    at(D + 9 * HOUR);
    const world = await buildWorld(cloud, INITIATOR, 'facts');
    await onDuty(cloud, world.ordinary);
    const scanner = world.ordinary.personId;
    const since = person(scanner).colorSince;
    const events = eventsOf(scanner).length;
    const position = () => cloud.store.get('positions', world.ordinary.id)!.doc as unknown as PositionDoc;
    expect(position().onDuty?.openid).toBe(world.ordinary.openid);

    at(D + 10 * HOUR);
    const same = await health({ action: 'setColor', personId: scanner, color: 'green', reason: '复核' });
    expect(same.body.data).toEqual({ color: 'green' });
    expect(person(scanner)).toMatchObject({
      color: 'green',
      colorReason: 'provincial',
      onDutyAt: world.ordinary.id,
    });
    expect(person(scanner).colorSince).toEqual(since);
    expect(eventsOf(scanner)).toHaveLength(events);
    expect(position().onDuty?.openid).toBe(world.ordinary.openid);

    at(D + 11 * HOUR);
    await health({ action: 'setColor', personId: scanner, color: 'orange', reason: '集中隔离' });
    expect(person(scanner)).toMatchObject({ color: 'orange', onDutyAt: null });
    expect(time(person(scanner).colorSince)).toBe(D + 11 * HOUR);
    expect(eventsOf(scanner)).toHaveLength(events + 1);
    expect(position().onDuty).toBeNull();
    expect(time(position().dutyLog?.[0].endedAt)).toBe(D + 11 * HOUR);
  });
});
