/**
 * Scan mode through the local cloud (regulation rules 4, 5, 7, 12, 15, 18; API.md `scan`): going on duty, the
 * gate decision with the temperature rules, no-code persons, exactly once per scanId, late offline syncs, replayed
 * codes, and every error code.
 */
import type { AlertDoc, PersonDoc, PositionDoc, ScanDoc } from '../../cloudfunctions/_server/db/documents';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call, openLocalCloud } from '../helpers/local-cloud';
import {
  CHANGCHUN,
  JILIN,
  buildWorld,
  citizenWithCode,
  newScanId,
  onDuty,
  register,
  type World,
} from '../helpers/world';

const INITIATOR = 'test-initiator';
let cloud: LocalCloud;
let world: World;

type RecordReply = {
  scanId: string;
  duplicate: boolean;
  person: { name: string };
  color: string;
  decision: string;
  replayed?: boolean;
};

const scan = (openid: string, body: Record<string, unknown>) =>
  call<RecordReply>(cloud, 'scan', { action: 'record', scanId: newScanId(), ...body }, openid);
const scanAs = (who: { id: string; openid: string }, body: Record<string, unknown>) =>
  scan(who.openid, { positionId: who.id, ...body });
const person = (id: string) => cloud.store.get('persons', id)!.doc as unknown as PersonDoc;
const stored = (scanId: string) => cloud.store.get('scans', scanId)?.doc as unknown as ScanDoc | undefined;

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: INITIATOR });
  world = await buildWorld(cloud, INITIATOR, 'gate');
  await onDuty(cloud, world.ordinary);
  await onDuty(cloud, world.intermediate);
  await onDuty(cloud, world.otherSenior, JILIN);
});

afterAll(async () => {
  await cloud.close();
});

afterEach(async () => {
  cloud.clock.set({ offsetMs: 0 });
  await fetch(`${cloud.url}/dev/faults`, { method: 'POST', body: JSON.stringify({ national: 'up' }) });
});

describe('goOnDuty (rule 7)', () => {
  it('starts a duty session at the site, and scanning needs one', async () => {
    const fresh = await buildWorld(cloud, INITIATOR, 'duty');
    const c = await citizenWithCode(cloud, 'duty-citizen');
    expect(
      (await scanAs(fresh.ordinary, { qr: c.qrAt(Date.now()), temperature: 36.5 })).body.error?.code,
    ).toBe('NOT_ON_DUTY');
    const reply = await call(
      cloud,
      'scan',
      { action: 'goOnDuty', positionId: fresh.ordinary.id, location: CHANGCHUN },
      fresh.ordinary.openid,
    );
    expect(reply.body.data).toMatchObject({
      positionId: fresh.ordinary.id,
      role: 'ordinary',
      site: { name: '长春站', type: 'station' },
    });
    expect(
      (await scanAs(fresh.ordinary, { qr: c.qrAt(Date.now()), temperature: 36.5 })).body.data?.decision,
    ).toBe('allow');
  });

  it('answers NOT_HOLDER for someone else’s position or one that does not exist', async () => {
    const body = { action: 'goOnDuty', positionId: world.ordinary.id, location: CHANGCHUN };
    expect((await call(cloud, 'scan', body, world.senior.openid)).body.error?.code).toBe('NOT_HOLDER');
    expect(
      (await call(cloud, 'scan', { ...body, positionId: 'no-such-position' }, world.ordinary.openid)).body
        .error?.code,
    ).toBe('NOT_HOLDER');
  });

  it('answers ROLE_CANNOT_SCAN for the initiator, before anything about the initiator’s own code', async () => {
    const reply = await call(
      cloud,
      'scan',
      { action: 'goOnDuty', positionId: world.initiator.id, location: CHANGCHUN },
      INITIATOR,
    );
    expect(reply.body.error?.code).toBe('ROLE_CANNOT_SCAN');
  });

  it('answers SCANNER_CODE_NOT_GREEN while the scanner’s own code is not green', async () => {
    const fresh = await buildWorld(cloud, INITIATOR, 'notgreen');
    await call(
      cloud,
      'health',
      {
        action: 'setColor',
        actingPositionId: world.initiator.id,
        personId: fresh.ordinary.personId,
        color: 'yellow',
        reason: '复测',
      },
      INITIATOR,
    );
    const reply = await call(
      cloud,
      'scan',
      { action: 'goOnDuty', positionId: fresh.ordinary.id, location: CHANGCHUN },
      fresh.ordinary.openid,
    );
    expect(reply.body.error?.code).toBe('SCANNER_CODE_NOT_GREEN');
  });

  it('disables the position (geofence) with an SMS when the scanner is far from the site: LOCATION_DEVIATION', async () => {
    const fresh = await buildWorld(cloud, INITIATOR, 'far');
    const reply = await call(
      cloud,
      'scan',
      { action: 'goOnDuty', positionId: fresh.ordinary.id, location: JILIN },
      fresh.ordinary.openid,
    );
    expect(reply.body.error?.code).toBe('LOCATION_DEVIATION');
    const position = cloud.store.get('positions', fresh.ordinary.id)!.doc as unknown as PositionDoc;
    expect(position).toMatchObject({ status: 'disabled', disabledReason: 'geofence' });
    const sms = (await (await fetch(`${cloud.url}/dev/sms?phone=${fresh.ordinary.phone}`)).json()) as {
      data: Array<{ text: string }>;
    };
    expect(sms.data.at(-1)?.text).toContain('扫码位置与站点地址偏离过大');
    const again = await call(
      cloud,
      'scan',
      { action: 'goOnDuty', positionId: fresh.ordinary.id, location: CHANGCHUN },
      fresh.ordinary.openid,
    );
    expect(again.body.error?.code).toBe('POSITION_DISABLED');
  });

  it('ends the duty at one position when the holder goes on duty at another (rule 12)', async () => {
    const fresh = await buildWorld(cloud, INITIATOR, 'twohats');
    // the intermediate also holds an ordinary position of its own
    const created = await call<{ positionId: string; inviteCode: string }>(
      cloud,
      'org',
      {
        action: 'createPosition',
        actingPositionId: fresh.intermediate.id,
        siteId: fresh.siteId,
        role: 'ordinary',
        holderName: fresh.intermediate.name,
        holderPhone: fresh.intermediate.phone,
      },
      fresh.intermediate.openid,
    );
    await call(
      cloud,
      'org',
      { action: 'claim', inviteCode: created.body.data!.inviteCode },
      fresh.intermediate.openid,
    );
    const second = { ...fresh.intermediate, id: created.body.data!.positionId };
    await onDuty(cloud, fresh.intermediate);
    await onDuty(cloud, second);
    const c = await citizenWithCode(cloud, 'twohats-citizen');
    expect(
      (await scanAs(fresh.intermediate, { qr: c.qrAt(Date.now()), temperature: 36.4 })).body.error?.code,
    ).toBe('NOT_ON_DUTY');
    expect((await scanAs(second, { qr: c.qrAt(Date.now()), temperature: 36.4 })).body.ok).toBe(true);
  });
});

describe('record: the gate decision (rules 4 and 18)', () => {
  it('lets a green code with a normal temperature in, and records the scan for everyone above', async () => {
    const c = await citizenWithCode(cloud, 'green-1');
    const reply = await scanAs(world.ordinary, { qr: c.qrAt(Date.now()), temperature: 36.6 });
    expect(reply.body.data).toMatchObject({
      duplicate: false,
      color: 'green',
      decision: 'allow',
      person: { name: expect.stringMatching(/\*/) },
    });
    expect(stored(reply.body.data!.scanId)).toMatchObject({
      personId: c.personId,
      scopeAncestors: [world.initiator.id, world.senior.id, world.intermediate.id, world.ordinary.id],
      site: { id: world.siteId, name: '长春站' },
    });
  });

  it('turns a green code yellow at 37.3 °C and refuses entry, and any scanner’s normal reading turns it green again', async () => {
    const c = await citizenWithCode(cloud, 'fever-1');
    const normalJustBelow = await scanAs(world.ordinary, { qr: c.qrAt(Date.now()), temperature: 37.2 });
    expect(normalJustBelow.body.data).toMatchObject({ color: 'green', decision: 'allow' });
    const hot = await scanAs(world.ordinary, { qr: c.qrAt(Date.now()), temperature: 37.3 });
    expect(hot.body.data).toMatchObject({ color: 'yellow', decision: 'deny' });
    expect(person(c.personId)).toMatchObject({ color: 'yellow', colorReason: 'onsite_fever' });
    const alert = cloud.store.get('alerts', hot.body.data!.scanId)!.doc as unknown as AlertDoc;
    expect(alert).toMatchObject({ kind: 'fever', color: 'yellow', temperature: 37.3 });
    // a normal temperature at another site, by another scanner
    const cooled = await scanAs(world.otherSenior, { qr: c.qrAt(Date.now()), temperature: 36.5 });
    expect(cooled.body.data).toMatchObject({ color: 'green', decision: 'allow' });
    const events = cloud.store
      .find('code_events', { personId: c.personId })
      .docs.map((e) => `${e.from}->${e.to}`);
    expect(events.sort()).toEqual(['green->yellow', 'null->green', 'yellow->green']);
  });

  it('refuses red and orange codes whatever the temperature, and alerts', async () => {
    const red = await citizenWithCode(cloud, 'red-1');
    const orange = await citizenWithCode(cloud, 'orange-1');
    await call(
      cloud,
      'health',
      {
        action: 'importRiskList',
        actingPositionId: world.initiator.id,
        source: 'test',
        rows: [
          { idNumber: red.idNumber, status: 'confirmed' },
          {
            idNumber: orange.idNumber,
            status: 'close_contact',
            quarantineUntil: '2099-01-01T00:00:00+08:00',
          },
        ],
      },
      INITIATOR,
    );
    const r = await scanAs(world.ordinary, { qr: red.qrAt(Date.now()), temperature: 36.5 });
    const o = await scanAs(world.ordinary, { qr: orange.qrAt(Date.now()), temperature: 36.5 });
    expect([r.body.data?.color, r.body.data?.decision, o.body.data?.color, o.body.data?.decision]).toEqual([
      'red',
      'deny',
      'orange',
      'deny',
    ]);
    expect((cloud.store.get('alerts', r.body.data!.scanId)!.doc as unknown as AlertDoc).kind).toBe('color');
    // a fever on top of orange stays orange
    expect(
      (await scanAs(world.ordinary, { qr: orange.qrAt(Date.now()), temperature: 38.5 })).body.data?.color,
    ).toBe('orange');
  });

  it('lets a bw code in at a normal temperature only', async () => {
    await fetch(`${cloud.url}/dev/faults`, { method: 'POST', body: JSON.stringify({ national: 'down' }) });
    const c = await citizenWithCode(cloud, 'bw-1');
    expect(
      (await scanAs(world.ordinary, { qr: c.qrAt(Date.now()), temperature: 36.5 })).body.data,
    ).toMatchObject({
      color: 'bw',
      decision: 'allow',
    });
    expect(
      (await scanAs(world.ordinary, { qr: c.qrAt(Date.now()), temperature: 37.8 })).body.data,
    ).toMatchObject({
      color: 'bw',
      decision: 'deny',
    });
  });

  it.each([33.9, 43.5])('answers TEMPERATURE_INVALID for %s °C and records nothing', async (temperature) => {
    const c = await citizenWithCode(cloud, `temp-${temperature}`);
    const scanId = newScanId();
    const reply = await scan(world.ordinary.openid, {
      positionId: world.ordinary.id,
      scanId,
      qr: c.qrAt(Date.now()),
      temperature,
    });
    expect(reply.body.error).toMatchObject({ code: 'TEMPERATURE_INVALID', fields: { temperature: 'range' } });
    expect(stored(scanId)).toBeUndefined();
  });

  it('needs exactly one of a code or a no-code person', async () => {
    expect((await scanAs(world.ordinary, { temperature: 36.5 })).body.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { qr: 'required' },
    });
    const both = await scanAs(world.ordinary, {
      temperature: 36.5,
      qr: 'JXM1.x',
      guest: { name: '王建国', category: 'elderly' },
    });
    expect(both.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { guest: 'unknown' } });
  });
});

describe('record: the dynamic code (API.md 2.2)', () => {
  it('answers QR_INVALID for text that is not a code, an unknown code, or a forged mac', async () => {
    const c = await citizenWithCode(cloud, 'qr-invalid');
    const good = c.qrAt(Date.now());
    for (const qr of [
      'hello',
      'JXM1.0000000000000000.1.0000000000000000',
      good.slice(0, -1) + (good.endsWith('0') ? '1' : '0'),
    ]) {
      expect((await scanAs(world.ordinary, { qr, temperature: 36.5 })).body.error?.code).toBe('QR_INVALID');
    }
  });

  it('answers QR_EXPIRED for a code drawn more than two steps ago, and for a seed superseded over 5 minutes before', async () => {
    const c = await citizenWithCode(cloud, 'qr-old');
    expect(
      (await scanAs(world.ordinary, { qr: c.qrAt(Date.now() - 3 * 60_000), temperature: 36.5 })).body.error
        ?.code,
    ).toBe('QR_EXPIRED');
    await call(cloud, 'citizen', { action: 'code' }, 'qr-old'); // a new seed on another device
    expect((await scanAs(world.ordinary, { qr: c.qrAt(Date.now()), temperature: 36.5 })).body.ok).toBe(true);
    cloud.clock.set({ offsetMs: 6 * 60_000 });
    expect(
      (await scanAs(world.ordinary, { qr: c.qrAt(Date.now() + 6 * 60_000), temperature: 36.5 })).body.error
        ?.code,
    ).toBe('QR_EXPIRED');
  });

  it('accepts a scan synced late from the offline queue, checked against its own time', async () => {
    const c = await citizenWithCode(cloud, 'late-sync');
    cloud.clock.set({ offsetMs: 3 * 3600_000 });
    const scannedAt = new Date(Date.now() + 5 * 60_000); // taken offline, 2 h 55 min before the sync
    const reply = await scanAs(world.ordinary, {
      qr: c.qrAt(scannedAt.getTime()),
      temperature: 36.5,
      scannedAt: scannedAt.toISOString(),
    });
    expect(reply.body.data).toMatchObject({ decision: 'allow' });
    expect(stored(reply.body.data!.scanId)!.scannedAt.toISOString()).toBe(scannedAt.toISOString());
  });

  it('refuses a scan time in the future or more than 24 hours back', async () => {
    const c = await citizenWithCode(cloud, 'late-refused');
    for (const offset of [10 * 60_000, -25 * 3600_000]) {
      const at = new Date(Date.now() + offset);
      const reply = await scanAs(world.ordinary, {
        qr: c.qrAt(at.getTime()),
        temperature: 36.5,
        scannedAt: at.toISOString(),
      });
      expect(reply.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { scannedAt: 'range' } });
    }
  });

  it('flags a code shown at two different sites within its window (a passed-around screenshot)', async () => {
    const c = await citizenWithCode(cloud, 'replay');
    const qr = c.qrAt(Date.now());
    const first = await scanAs(world.ordinary, { qr, temperature: 36.5 });
    const second = await scanAs(world.otherSenior, { qr, temperature: 36.5 });
    expect(first.body.data?.replayed).toBeUndefined();
    expect(second.body.data?.replayed).toBe(true);
    expect((cloud.store.get('alerts', second.body.data!.scanId)!.doc as unknown as AlertDoc).kind).toBe(
      'replay',
    );
  });
});

describe('record: duty belongs to the holder, and late readings do not undo later ones', () => {
  it('does not let a new holder scan on the previous holder’s duty session', async () => {
    const fresh = await buildWorld(cloud, INITIATOR, 'handover');
    await onDuty(cloud, fresh.ordinary);
    const successor = await register(cloud, 'handover-successor');
    const replaced = await call<{ inviteCode: string }>(
      cloud,
      'org',
      {
        action: 'replaceHolder',
        actingPositionId: fresh.intermediate.id,
        positionId: fresh.ordinary.id,
        holderName: successor.name,
        holderPhone: successor.phone,
        reason: '换岗',
      },
      fresh.intermediate.openid,
    );
    await call(
      cloud,
      'org',
      { action: 'claim', inviteCode: replaced.body.data!.inviteCode },
      'handover-successor',
    );
    const c = await citizenWithCode(cloud, 'handover-citizen');
    const reply = await scan('handover-successor', {
      positionId: fresh.ordinary.id,
      qr: c.qrAt(Date.now()),
      temperature: 36.5,
    });
    expect(reply.body.error?.code).toBe('NOT_ON_DUTY');
  });

  it('records an older normal reading synced late without turning a newer fever green', async () => {
    const c = await citizenWithCode(cloud, 'late-order');
    // taken offline on duty, minutes before the fever reading that reaches the cloud first
    const takenEarlier = new Date(Date.now() + 60_000);
    cloud.clock.set({ offsetMs: 20 * 60_000 });
    const fever = await scanAs(world.ordinary, {
      qr: c.qrAt(Date.now() + 20 * 60_000),
      temperature: 38.4,
      location: CHANGCHUN,
    });
    expect(fever.body.data?.color).toBe('yellow');
    const late = await scanAs(world.ordinary, {
      qr: c.qrAt(takenEarlier.getTime()),
      temperature: 36.4,
      scannedAt: takenEarlier.toISOString(),
    });
    expect(late.body.error).toBeUndefined();
    expect(stored(late.body.data!.scanId)).toBeDefined();
    expect(person(c.personId)).toMatchObject({ color: 'yellow', colorReason: 'onsite_fever' });
  });

  it('accepts a late sync of a scan taken on duty, after the scanner went on duty elsewhere', async () => {
    const fresh = await buildWorld(cloud, INITIATOR, 'elsewhere');
    await onDuty(cloud, fresh.intermediate);
    const c = await citizenWithCode(cloud, 'elsewhere-citizen');
    const takenAt = new Date(Date.now() + 60_000);
    const qr = c.qrAt(takenAt.getTime());
    // the scanner moves on: duty at the second position ends the first
    await onDuty(cloud, fresh.ordinary);
    cloud.clock.set({ offsetMs: 30 * 60_000 });
    const synced = await scan(fresh.intermediate.openid, {
      positionId: fresh.intermediate.id,
      qr,
      temperature: 36.6,
      scannedAt: takenAt.toISOString(),
    });
    expect(synced.body.data).toMatchObject({ decision: 'allow', duplicate: false });
    const notOnDutyThen = await scan(fresh.ordinary.openid, {
      positionId: fresh.intermediate.id,
      qr,
      temperature: 36.6,
      scannedAt: takenAt.toISOString(),
    });
    expect(notOnDutyThen.body.error?.code).toBe('NOT_ON_DUTY');
  });
});

describe('record: exactly once per scanId', () => {
  it('answers a repeated scanId with the first result and writes nothing, whatever the repeat carries', async () => {
    const c = await citizenWithCode(cloud, 'dup-1');
    const scanId = newScanId();
    const first = await scan(world.ordinary.openid, {
      positionId: world.ordinary.id,
      scanId,
      qr: c.qrAt(Date.now()),
      temperature: 37.9,
    });
    const repeat = await scan(world.ordinary.openid, {
      positionId: world.ordinary.id,
      scanId,
      qr: 'garbage',
      temperature: 36.1,
    });
    expect(repeat.body.data).toEqual({ ...first.body.data, duplicate: true });
    expect(cloud.store.find('scans', { _id: scanId }).docs).toHaveLength(1);
    expect(cloud.store.find('code_events', { personId: c.personId }).docs).toHaveLength(2);
  });

  it('lets one of several racing requests with one scanId write, the others answer duplicate', async () => {
    const c = await citizenWithCode(cloud, 'dup-race');
    const scanId = newScanId();
    const qr = c.qrAt(Date.now());
    const replies = await Promise.all(
      Array.from({ length: 5 }, () =>
        scan(world.ordinary.openid, { positionId: world.ordinary.id, scanId, qr, temperature: 38.2 }),
      ),
    );
    expect(replies.every((r) => r.body.ok)).toBe(true);
    expect(replies.filter((r) => r.body.data!.duplicate === false)).toHaveLength(1);
    expect(new Set(replies.map((r) => `${r.body.data!.color}/${r.body.data!.decision}`))).toEqual(
      new Set(['yellow/deny']),
    );
    expect(cloud.store.find('scans', { _id: scanId }).docs).toHaveLength(1);
    expect(cloud.store.find('alerts', { _id: scanId }).docs).toHaveLength(1);
    expect(
      cloud.store
        .find('code_events', { personId: c.personId })
        .docs.map((e) => e.to)
        .sort(),
    ).toEqual(['green', 'yellow']);
  });

  it('answers CONFLICT when another scanner reuses a scanId', async () => {
    const c = await citizenWithCode(cloud, 'dup-other');
    const scanId = newScanId();
    await scan(world.ordinary.openid, {
      positionId: world.ordinary.id,
      scanId,
      qr: c.qrAt(Date.now()),
      temperature: 36.5,
    });
    const other = await scan(world.intermediate.openid, {
      positionId: world.intermediate.id,
      scanId,
      qr: c.qrAt(Date.now()),
      temperature: 36.5,
    });
    expect(other.body.error?.code).toBe('CONFLICT');
  });
});

describe('record: no-code persons (rule 5)', () => {
  it('registers an elderly person by name with a temperature, sealed, and lets them in when normal', async () => {
    const reply = await scanAs(world.ordinary, {
      temperature: 36.3,
      guest: {
        name: '赵桂芳',
        category: 'elderly',
        idNumber: '11010519491231002X',
        phone: '13912345678',
        document: '老年证 123',
      },
    });
    expect(reply.body.data).toMatchObject({ color: 'bw', decision: 'allow', person: { name: '赵**' } });
    const doc = stored(reply.body.data!.scanId)!;
    expect(doc.masked).toEqual({ name: '赵**', idNumber: '1101**********002X' });
    const raw = JSON.stringify(doc);
    for (const secret of ['赵桂芳', '11010519491231002X', '13912345678', '老年证 123'])
      expect(raw).not.toContain(secret);
  });

  it('refuses entry to a no-code person with a fever, and alerts', async () => {
    const reply = await scanAs(world.ordinary, {
      temperature: 38.0,
      guest: { name: 'John Smith', category: 'foreigner' },
    });
    expect(reply.body.data).toMatchObject({ decision: 'deny', person: { name: 'J*** *****' } });
    expect((cloud.store.get('alerts', reply.body.data!.scanId)!.doc as unknown as AlertDoc).kind).toBe(
      'fever',
    );
  });

  it('answers GUEST_INVALID for a bad name, ID number or phone', async () => {
    const reply = await scanAs(world.ordinary, {
      temperature: 36.5,
      guest: { name: '1', category: 'child', idNumber: '220102199001011230', phone: '123' },
    });
    expect(reply.body.error).toMatchObject({
      code: 'GUEST_INVALID',
      fields: { 'guest.name': 'length', 'guest.idNumber': 'checksum', 'guest.phone': 'format' },
    });
    expect(
      (await scanAs(world.ordinary, { temperature: 36.5, guest: { name: '王建国', category: 'vip' } })).body
        .error,
    ).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { 'guest.category': 'enum' },
    });
  });
});
