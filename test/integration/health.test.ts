/**
 * The `health` function and the health timers through the local cloud (regulation rule 4; API.md `health`,
 * section 4, `quarantineRelease`): the risk list and its idempotence, the provincial color with its audit, the
 * automatic release of finished quarantines, and one code event per color change.
 */
import { report } from '../helpers/report';
import type { AuditDoc, PersonDoc, PositionDoc } from '../../cloudfunctions/_server/db/documents';
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import type { Doc } from '../../tools/local-cloud/db/store';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { idNumberOf, personOf } from '../helpers/identities';
import { call, openLocalCloud, runTimer } from '../helpers/local-cloud';

let cloud: LocalCloud;
const INITIATOR = 'test-initiator';

const health = (body: Record<string, unknown>, openid = INITIATOR) =>
  call<Record<string, unknown>>(
    cloud,
    'health',
    { actingPositionId: INITIATOR_POSITION_ID, ...body },
    openid,
  );

const importRows = (rows: Array<Record<string, unknown>>, openid = INITIATOR) =>
  health({ action: 'importRiskList', source: '省卫健委', rows }, openid);

async function registered(openid: string, n: number): Promise<PersonDoc & { idNumber: string }> {
  const identity = personOf(n);
  const reply = await call(cloud, 'citizen', { action: 'register', ...identity }, openid);
  expect(reply.body.error).toBeUndefined();
  return {
    ...(cloud.store.find('persons', { openid }).docs[0] as unknown as PersonDoc),
    idNumber: identity.idNumber,
  };
}

const person = (id: string) => cloud.store.get('persons', id)!.doc as unknown as PersonDoc;
const events = (personId: string) =>
  cloud.store
    .find('code_events', { personId })
    .docs.map((e) => `${e.from}->${e.to}`)
    .sort();

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
});

afterAll(async () => {
  await cloud.close();
});

afterEach(() => cloud.clock.set({ offsetMs: 0 }));

describe('importRiskList', () => {
  it('turns confirmed and suspected red, close contacts and quarantine orange, and cleared green again', async () => {
    const [a, b, c, d] = await Promise.all([
      registered('risk-a', 100),
      registered('risk-b', 101),
      registered('risk-c', 102),
      registered('risk-d', 103),
    ]);
    const until = '2099-01-01T00:00:00+08:00';
    const reply = await importRows([
      { idNumber: a.idNumber, status: 'confirmed' },
      { idNumber: b.idNumber, status: 'suspected' },
      { idNumber: c.idNumber, status: 'close_contact', quarantineUntil: until },
      { idNumber: d.idNumber, status: 'quarantine', quarantineUntil: until },
      { idNumber: idNumberOf(999), status: 'confirmed' },
    ]);
    expect(reply.body).toEqual({ ok: true, data: { matched: 4, updated: 4, unknown: 1 } });
    expect([a, b, c, d].map((p) => [person(p._id).color, person(p._id).colorReason])).toEqual([
      ['red', 'confirmed'],
      ['red', 'suspected'],
      ['orange', 'close_contact'],
      ['orange', 'quarantine'],
    ]);
    expect(events(a._id)).toEqual(['green->red', 'null->green']);

    const cleared = await importRows([{ idNumber: a.idNumber, status: 'cleared' }]);
    expect(cleared.body.data).toEqual({ matched: 1, updated: 1, unknown: 0 });
    expect(person(a._id).color).toBe('green');
    expect(events(a._id)).toEqual(['green->red', 'null->green', 'red->green']);
  });

  it('changes nothing when the same list is imported twice', async () => {
    const p = await registered('twice', 110);
    const rows = [
      { idNumber: p.idNumber, status: 'quarantine', quarantineUntil: '2099-02-01T00:00:00+08:00' },
      { idNumber: idNumberOf(998), status: 'suspected' },
    ];
    expect((await importRows(rows)).body.data).toEqual({ matched: 1, updated: 1, unknown: 1 });
    const flagsBefore = cloud.store
      .find('risk_flags', {})
      .docs.map((f) => JSON.stringify(f))
      .sort();
    const eventsBefore = events(p._id);
    cloud.clock.set({ offsetMs: 3600_000 });
    expect((await importRows(rows)).body.data).toEqual({ matched: 1, updated: 0, unknown: 1 });
    expect(
      cloud.store
        .find('risk_flags', {})
        .docs.map((f) => JSON.stringify(f))
        .sort(),
    ).toEqual(flagsBefore);
    expect(events(p._id)).toEqual(eventsBefore);
  });

  it('refuses the whole list when one ID number is invalid, naming the row, and writes nothing', async () => {
    const before = cloud.store.count('risk_flags');
    const reply = await importRows([
      { idNumber: idNumberOf(500), status: 'confirmed' },
      { idNumber: '220102199001011230', status: 'confirmed' },
    ]);
    expect(reply.body.error).toMatchObject({ code: 'ID_INVALID', fields: { 'rows.1.idNumber': 'checksum' } });
    expect(cloud.store.count('risk_flags')).toBe(before);
  });

  it('refuses more than 10,000 rows, unknown statuses and bad dates with BAD_REQUEST', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => ({ idNumber: idNumberOf(i), status: 'confirmed' }));
    expect((await importRows(many)).body.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { rows: 'tooMany' },
    });
    expect((await importRows([{ idNumber: idNumberOf(1), status: 'sick' }])).body.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { 'rows.0.status': 'enum' },
    });
    expect(
      (await importRows([{ idNumber: idNumberOf(1), status: 'quarantine', quarantineUntil: 'next week' }]))
        .body.error,
    ).toMatchObject({ code: 'BAD_REQUEST', fields: { 'rows.0.quarantineUntil': 'format' } });
  });

  it('is the initiator’s alone: anyone else acting as the initiator is FORBIDDEN', async () => {
    await registered('not-initiator', 120);
    const reply = await importRows([{ idNumber: idNumberOf(1), status: 'confirmed' }], 'not-initiator');
    expect(reply.body.error?.code).toBe('FORBIDDEN');
    const unknownPosition = await health({
      action: 'importRiskList',
      actingPositionId: 'position-nope',
      source: 'x',
      rows: [{ idNumber: idNumberOf(1), status: 'confirmed' }],
    });
    expect(unknownPosition.body.error?.code).toBe('FORBIDDEN');
  });

  it('imports 10,000 rows in batches of at most 1,000, and refuses a bigger call', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      idNumber: idNumberOf(i % 1000, `19${String(60 + Math.floor(i / 1000)).padStart(2, '0')}0101`),
      status: i % 2 ? 'close_contact' : 'confirmed',
      quarantineUntil: '2099-01-01T00:00:00+08:00',
    }));
    const tooMany = await importRows(rows.slice(0, 1001));
    expect(tooMany.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { rows: 'tooMany' } });
    const started = Date.now();
    let counted = 0;
    for (let i = 0; i < rows.length; i += 1000) {
      const reply = await importRows(rows.slice(i, i + 1000));
      counted += (reply.body.data!.matched as number) + (reply.body.data!.unknown as number);
    }
    const ms = Date.now() - started;
    expect(counted).toBe(10_000);
    report(`importRiskList: 10,000 rows in 10 calls in ${ms} ms`);
  }, 120_000);
});

describe('setColor', () => {
  it('sets the provincial color with its reason, audited, as one event', async () => {
    const p = await registered('provincial', 130);
    const reply = await health({ action: 'setColor', personId: p._id, color: 'red', reason: '省指挥部研判' });
    expect(reply.body).toEqual({ ok: true, data: { color: 'red' } });
    expect(person(p._id)).toMatchObject({ color: 'red', colorReason: 'provincial' });
    expect(events(p._id)).toEqual(['green->red', 'null->green']);
    const rows = cloud.store.find('audit', { action: 'health.setColor', target: p._id })
      .docs as unknown as AuditDoc[];
    expect(rows).toEqual([
      expect.objectContaining({
        actorPositionId: INITIATOR_POSITION_ID,
        reason: '省指挥部研判',
        details: { from: 'green', to: 'red' },
      }),
    ]);
  });

  it('lifts a national red by a provincial decision, until a newer national flag arrives', async () => {
    const p = await registered('lifted', 131);
    await importRows([{ idNumber: p.idNumber, status: 'confirmed' }]);
    cloud.clock.set({ offsetMs: 60_000 });
    await health({ action: 'setColor', personId: p._id, color: 'green', reason: '复核排除' });
    expect(person(p._id).color).toBe('green');
    cloud.clock.set({ offsetMs: 120_000 });
    await importRows([{ idNumber: p.idNumber, status: 'suspected' }]);
    expect(person(p._id).color).toBe('red');
  });

  it('answers NOT_FOUND for an unknown person, BAD_REQUEST for bw, FORBIDDEN for anyone else', async () => {
    expect(
      (await health({ action: 'setColor', personId: 'nobody', color: 'red', reason: 'x' })).body.error?.code,
    ).toBe('NOT_FOUND');
    expect(
      (await health({ action: 'setColor', personId: 'nobody', color: 'bw', reason: 'x' })).body.error,
    ).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { color: 'enum' },
    });
    expect(
      (await health({ action: 'setColor', personId: 'nobody', color: 'red', reason: 'x' }, 'someone')).body
        .error?.code,
    ).toBe('FORBIDDEN');
  });

  it('answers POSITION_DISABLED when the initiator position is disabled', async () => {
    const { doc } = cloud.store.get('positions', INITIATOR_POSITION_ID)!;
    const disabled = { ...(doc as unknown as PositionDoc), status: 'disabled', disabledReason: 'manual' };
    cloud.store.replace('positions', doc, disabled as unknown as Doc);
    try {
      expect(
        (await health({ action: 'setColor', personId: 'x', color: 'red', reason: 'x' })).body.error?.code,
      ).toBe('POSITION_DISABLED');
    } finally {
      cloud.store.replace('positions', disabled as unknown as Doc, doc);
    }
  });
});

describe('quarantineRelease', () => {
  const quarantine = async (openid: string, n: number, untilIso: string) => {
    const p = await registered(openid, n);
    await importRows([{ idNumber: p.idNumber, status: 'quarantine', quarantineUntil: untilIso }]);
    expect(person(p._id).color).toBe('orange');
    return p;
  };
  const checkIn = (openid: string, symptoms: string[]) =>
    call(cloud, 'citizen', { action: 'checkIn', symptoms, contact: false }, openid);

  it('releases an ended quarantine with a symptom-free latest check-in, and nothing else', async () => {
    const end = new Date(Date.now() + 3 * 24 * 3600_000).toISOString();
    const done = await quarantine('q-done', 140, end);
    const coughing = await quarantine('q-cough', 141, end);
    const silent = await quarantine('q-silent', 142, end);
    const longer = await quarantine('q-longer', 143, new Date(Date.now() + 30 * 24 * 3600_000).toISOString());

    cloud.clock.set({ offsetMs: 4 * 24 * 3600_000 });
    await checkIn('q-done', ['none']);
    await checkIn('q-cough', ['cough']);
    await checkIn('q-longer', ['none']);
    const run = await runTimer(cloud, 'cron', 'quarantineRelease');
    expect(run.ok).toBe(true);
    expect(person(done._id)).toMatchObject({ color: 'green', colorReason: 'quarantine_released' });
    expect([coughing, silent, longer].map((p) => person(p._id).color)).toEqual([
      'orange',
      'orange',
      'orange',
    ]);
    expect(events(done._id)).toEqual(['green->orange', 'null->green', 'orange->green']);

    // the cough passes: the next run releases
    await checkIn('q-cough', ['none']);
    await runTimer(cloud, 'cron', 'quarantineRelease');
    expect(person(coughing._id).color).toBe('green');
  });

  it('does not count a symptom-free check-in made before the quarantine ended', async () => {
    const p = await quarantine('q-early', 160, new Date(Date.now() + 2 * 24 * 3600_000).toISOString());
    await checkIn('q-early', ['none']); // today, before the end
    cloud.clock.set({ offsetMs: 3 * 24 * 3600_000 });
    await runTimer(cloud, 'cron', 'quarantineRelease');
    expect(person(p._id).color).toBe('orange');
    await checkIn('q-early', ['none']);
    await runTimer(cloud, 'cron', 'quarantineRelease');
    expect(person(p._id).color).toBe('green');
  });

  it('waits while the national platform cannot confirm, and releases once it can', async () => {
    const p = await quarantine('q-national', 150, new Date(Date.now() + 24 * 3600_000).toISOString());
    cloud.clock.set({ offsetMs: 2 * 24 * 3600_000 });
    await checkIn('q-national', ['none']);
    await fetch(`${cloud.url}/dev/faults`, { method: 'POST', body: JSON.stringify({ national: 'down' }) });
    try {
      await runTimer(cloud, 'cron', 'quarantineRelease');
      expect(person(p._id).color).toBe('orange');
    } finally {
      await fetch(`${cloud.url}/dev/faults`, { method: 'POST', body: JSON.stringify({ national: 'up' }) });
    }
    await runTimer(cloud, 'cron', 'quarantineRelease');
    expect(person(p._id).color).toBe('green');
  });
});

describe('findPerson (v1.1)', () => {
  it('finds one person by ID number for the initiator, masked, and audits every look-up with its reason', async () => {
    const p = await registered('find-me', 270);
    const reply = await health({
      action: 'findPerson',
      idNumber: p.idNumber.toLowerCase(),
      reason: '核查申诉',
    });
    expect(reply.body.data).toEqual({ personId: p._id, masked: p.masked, color: 'green' });
    expect(JSON.stringify(reply.body)).not.toContain(p.idNumber);
    const missing = await health({
      action: 'findPerson',
      idNumber: idNumberOf(999, '19800101'),
      reason: '核查',
    });
    expect(missing.body.error?.code).toBe('NOT_FOUND');
    const rows = cloud.store.find('audit', { action: 'health.findPerson' }).docs as unknown as AuditDoc[];
    expect(rows.map((r) => [r.target, r.reason, r.details.found])).toEqual([
      [p._id, '核查申诉', true],
      [null, '核查', false],
    ]);
    // no personal data in the audit either
    expect(JSON.stringify(rows)).not.toContain(p.idNumber);
  });

  it('refuses an invalid ID number, and anyone but the initiator', async () => {
    const bad = await health({ action: 'findPerson', idNumber: '220102199001011235', reason: '核查' });
    expect(bad.body.error).toMatchObject({ code: 'ID_INVALID', fields: { idNumber: 'checksum' } });
    const other = await registered('find-other', 271);
    const byCitizen = await health(
      { action: 'findPerson', idNumber: other.idNumber, reason: 'x' },
      'find-other',
    );
    expect(byCitizen.body.error?.code).toBe('FORBIDDEN');
  });
});
