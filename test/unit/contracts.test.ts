/**
 * The contracts of the cloud functions (miniprogram/core/contracts): the schemas every request is checked against
 * before any action runs, and the error codes each action may answer. A valid request of each action passes as it
 * is (no field unknown to the contract, none missing); the bounds API.md sets are enforced at their edges.
 */
import { CITIZEN_ERRORS, citizenParams } from '../../miniprogram/core/contracts/citizen.contract';
import { FUNCTION_NAMES, isFunctionName } from '../../miniprogram/core/contracts/functions';
import {
  HEALTH_ERRORS,
  RISK_LIST_MAX_ROWS,
  healthParams,
} from '../../miniprogram/core/contracts/health.contract';
import { ORG_ERRORS, SITE_RADIUS_M, orgParams } from '../../miniprogram/core/contracts/org.contract';
import { RECORDS_ERRORS, recordsParams } from '../../miniprogram/core/contracts/records.contract';
import {
  GUEST_CATEGORIES,
  REFUSAL_REASONS,
  SCAN_ERRORS,
  scanParams,
} from '../../miniprogram/core/contracts/scan.contract';
import { ERROR_CODES } from '../../miniprogram/core/errors';
import { CURSOR_MAX_LENGTH, validate, type Schema } from '../../miniprogram/core/validation';

const POSITION = 'a1b2c3d4e5f6a1b2c3d4e5f6';
const AT = '2026-11-27T08:00:00+08:00';
const HERE = { latitude: 43.9036, longitude: 125.3184 };

/** One valid request of each action (the `action` field is the router's, not the schema's). */
const EXAMPLES: Record<string, Record<string, Record<string, unknown>>> = {
  citizen: {
    register: { name: '王建国', idNumber: '220102199001011234', phone: '13800000000' },
    profile: {},
    checkIn: { symptoms: ['none'], contact: false, temperature: 36.5, travel: '长春\n吉林' },
    code: {},
    history: { limit: 20 },
    phoneNumber: { code: 'wx-code' },
  },
  scan: {
    roles: {},
    goOnDuty: { positionId: POSITION, location: { ...HERE, accuracy: 30 } },
    record: {
      positionId: POSITION,
      scanId: '123e4567-e89b-42d3-a456-426614174000',
      temperature: 36.5,
      qr: 'JXM1.0123456789abcdef.59000000.0123456789abcdef',
      location: HERE,
      scannedAt: AT,
      offline: { decision: 'deny', reason: 'not_green' },
    },
    refusal: { positionId: POSITION, scanId: 'refusal-0001', reason: 'forced_entry', note: '强行进入' },
    keys: {},
  },
  org: {
    createSite: {
      actingPositionId: POSITION,
      name: '长春站',
      type: 'station',
      address: '吉林省长春市',
      location: HERE,
      radiusM: 500,
      regionCode: '220102',
    },
    createPosition: {
      actingPositionId: POSITION,
      siteId: POSITION,
      role: 'ordinary',
      holderName: '王建国',
      holderPhone: '13800000000',
    },
    claim: { inviteCode: 'ABCDEFGHJK' },
    replaceHolder: {
      actingPositionId: POSITION,
      positionId: POSITION,
      holderName: '王建国',
      holderPhone: '13800000000',
      reason: '调离',
    },
    disable: { actingPositionId: POSITION, positionId: POSITION, cascade: true, reason: '违规' },
    activate: { actingPositionId: POSITION, positionId: POSITION },
    subordinates: { actingPositionId: POSITION, positionId: POSITION, limit: 100 },
    applySenior: {
      unitName: '长春市市场监督管理局',
      uscc: '91220101MA00000026',
      siteType: 'gov',
      address: '长春市',
      location: HERE,
      applicantName: '王建国',
      applicantPhone: '13800000000',
      letter: '特函申请。\n此致',
      regionCode: '220171',
    },
    applications: { actingPositionId: POSITION, status: 'pending' },
    reviewApplication: {
      actingPositionId: POSITION,
      applicationId: POSITION,
      approve: true,
      comment: '同意',
    },
    previewInvite: { inviteCode: 'ABCDEFGHJK' },
    requestActivation: { positionId: POSITION, note: '已返岗' },
    sites: { actingPositionId: POSITION, parentSiteId: POSITION, limit: 10 },
    myApplications: { limit: 10 },
  },
  records: {
    scans: { actingPositionId: POSITION, from: AT, to: AT, color: 'green', limit: 1 },
    stats: { actingPositionId: POSITION, from: AT, to: AT },
    alerts: { actingPositionId: POSITION },
    grantReveal: { actingPositionId: POSITION, granteePositionId: POSITION, reason: '流调', expiresAt: AT },
    reveal: { actingPositionId: POSITION, scanId: 'scan-0001', reason: '流调' },
    flagCredit: {
      actingPositionId: POSITION,
      personId: POSITION,
      kind: 'concealment',
      evidence: '第一行\n第二行',
    },
    creditFlags: { actingPositionId: POSITION },
    grants: { actingPositionId: POSITION, limit: 5 },
  },
  health: {
    importRiskList: {
      actingPositionId: POSITION,
      source: '国家平台',
      rows: [{ idNumber: '220102199001011234', status: 'quarantine', quarantineUntil: AT }],
    },
    setColor: { actingPositionId: POSITION, personId: POSITION, color: 'red', reason: '确诊' },
    findPerson: { actingPositionId: POSITION, idNumber: '220102199001011234', reason: '流调' },
  },
};

const PARAMS: Record<string, Record<string, Schema<unknown>>> = {
  citizen: citizenParams,
  scan: scanParams,
  org: orgParams,
  records: recordsParams,
  health: healthParams,
};
const ERRORS: Record<string, Record<string, readonly string[]>> = {
  citizen: CITIZEN_ERRORS,
  scan: SCAN_ERRORS,
  org: ORG_ERRORS,
  records: RECORDS_ERRORS,
  health: HEALTH_ERRORS,
};

const fieldsOf = (fn: string, action: string, params: Record<string, unknown>) => {
  const result = validate(PARAMS[fn][action], params);
  return result.ok ? null : result.fields;
};
const valid = (fn: string, action: string, change: Record<string, unknown> = {}) => ({
  ...EXAMPLES[fn][action],
  ...change,
});

describe('a valid request of every action', () => {
  for (const [fn, examples] of Object.entries(EXAMPLES)) {
    for (const [action, example] of Object.entries(examples)) {
      it(`${fn}.${action} passes as it is, and refuses a field it does not know`, () => {
        expect(fieldsOf(fn, action, example)).toBeNull();
        expect(fieldsOf(fn, action, { ...example, extra: 1 })).toEqual({ extra: 'unknown' });
        // every field of the example is one the contract knows: dropping a required one is named
        for (const key of Object.keys(example)) {
          const { [key]: _dropped, ...rest } = example;
          const fields = fieldsOf(fn, action, rest);
          if (fields) expect(fields).toEqual({ [key]: 'required' });
        }
      });
    }
  }
});

describe('the error codes of every action', () => {
  it('are listed for exactly the actions of each function, with BAD_REQUEST first, and all in API.md 5', () => {
    for (const fn of Object.keys(PARAMS)) {
      expect(Object.keys(ERRORS[fn]).sort()).toEqual(Object.keys(PARAMS[fn]).sort());
      for (const [action, codes] of Object.entries(ERRORS[fn])) {
        expect({ action: `${fn}.${action}`, first: codes[0] }).toEqual({
          action: `${fn}.${action}`,
          first: 'BAD_REQUEST',
        });
        for (const code of codes) expect(ERROR_CODES).toContain(code);
      }
    }
  });

  it('name what each action can refuse', () => {
    expect(CITIZEN_ERRORS.register).toEqual(
      expect.arrayContaining([
        'NAME_INVALID',
        'ID_INVALID',
        'PHONE_INVALID',
        'ALREADY_REGISTERED',
        'ID_TAKEN',
      ]),
    );
    expect(CITIZEN_ERRORS.checkIn).toEqual(expect.arrayContaining(['NOT_REGISTERED', 'TEMPERATURE_INVALID']));
    expect(CITIZEN_ERRORS.code).toContain('NOT_REGISTERED');
    expect(CITIZEN_ERRORS.profile).toContain('NOT_REGISTERED');
    expect(CITIZEN_ERRORS.history).toContain('NOT_REGISTERED');
    expect(SCAN_ERRORS.goOnDuty).toEqual(
      expect.arrayContaining([
        'NOT_HOLDER',
        'POSITION_DISABLED',
        'ROLE_CANNOT_SCAN',
        'SCANNER_CODE_NOT_GREEN',
        'LOCATION_DEVIATION',
      ]),
    );
    expect(SCAN_ERRORS.record).toEqual(
      expect.arrayContaining([
        'NOT_ON_DUTY',
        'TEMPERATURE_INVALID',
        'QR_INVALID',
        'QR_EXPIRED',
        'GUEST_INVALID',
        'CONFLICT',
        'LOCATION_DEVIATION',
        'LOCATION_REQUIRED',
      ]),
    );
    expect(SCAN_ERRORS.refusal).toEqual(expect.arrayContaining(['NOT_ON_DUTY', 'CONFLICT']));
    expect(ORG_ERRORS.createSite).toEqual(
      expect.arrayContaining(['FORBIDDEN', 'POSITION_DISABLED', 'USCC_INVALID']),
    );
    expect(ORG_ERRORS.createPosition).toEqual(
      expect.arrayContaining(['FORBIDDEN', 'NAME_INVALID', 'PHONE_INVALID']),
    );
    expect(ORG_ERRORS.claim).toEqual(
      expect.arrayContaining(['NOT_REGISTERED', 'INVITE_INVALID', 'INVITE_EXPIRED']),
    );
    expect(ORG_ERRORS.replaceHolder).toEqual(expect.arrayContaining(['FORBIDDEN', 'NAME_INVALID']));
    expect(ORG_ERRORS.disable).toEqual(expect.arrayContaining(['FORBIDDEN', 'CONFLICT']));
    expect(ORG_ERRORS.activate).toEqual(expect.arrayContaining(['FORBIDDEN', 'CONFLICT']));
    expect(ORG_ERRORS.subordinates).toContain('FORBIDDEN');
    expect(ORG_ERRORS.applySenior).toEqual(expect.arrayContaining(['NOT_REGISTERED', 'USCC_INVALID']));
    expect(ORG_ERRORS.applications).toContain('FORBIDDEN');
    expect(ORG_ERRORS.reviewApplication).toEqual(
      expect.arrayContaining(['FORBIDDEN', 'NOT_FOUND', 'CONFLICT']),
    );
    for (const action of Object.keys(RECORDS_ERRORS) as Array<keyof typeof RECORDS_ERRORS>)
      expect(RECORDS_ERRORS[action]).toEqual(expect.arrayContaining(['FORBIDDEN', 'POSITION_DISABLED']));
    expect(RECORDS_ERRORS.grantReveal).toContain('CONFLICT');
    expect(RECORDS_ERRORS.reveal).toEqual(expect.arrayContaining(['NO_GRANT', 'NOT_FOUND']));
    expect(RECORDS_ERRORS.flagCredit).toContain('NOT_FOUND');
    expect(HEALTH_ERRORS.importRiskList).toEqual(expect.arrayContaining(['FORBIDDEN', 'POSITION_DISABLED']));
    expect(HEALTH_ERRORS.setColor).toEqual(expect.arrayContaining(['FORBIDDEN', 'NOT_FOUND']));
  });
});

describe('the functions', () => {
  it('are the six of API.md 3', () => {
    expect(FUNCTION_NAMES).toEqual(['citizen', 'scan', 'org', 'records', 'health', 'cron']);
    for (const name of FUNCTION_NAMES) expect(isFunctionName(name)).toBe(true);
    for (const other of ['', 'Citizen', 'admin', 'constructor', 'toString', 1, null, undefined, {}, ['scan']])
      expect(isFunctionName(other)).toBe(false);
  });
});

describe('bounds at their edges', () => {
  it('scanId: 8–64 letters, digits and dashes (a UUID fits)', () => {
    expect(fieldsOf('scan', 'record', valid('scan', 'record', { scanId: 'abcdefgh' }))).toBeNull();
    expect(fieldsOf('scan', 'record', valid('scan', 'record', { scanId: 'A'.repeat(64) }))).toBeNull();
    expect(fieldsOf('scan', 'record', valid('scan', 'record', { scanId: 'abcdefg' }))).toEqual({
      scanId: 'tooShort',
    });
    expect(fieldsOf('scan', 'record', valid('scan', 'record', { scanId: 'A'.repeat(65) }))).toEqual({
      scanId: 'tooLong',
    });
    for (const bad of [
      'scan_0001',
      'scan 0001x',
      'scan.0001',
      'scan/0001',
      '扫码扫码扫码扫码',
      'x'.repeat(7) + '\u0000',
    ])
      expect(fieldsOf('scan', 'record', valid('scan', 'record', { scanId: bad }))).toEqual({
        scanId: 'format',
      });
    expect(fieldsOf('scan', 'refusal', valid('scan', 'refusal', { scanId: 'refusal_1' }))).toEqual({
      scanId: 'format',
    });
  });

  it('a scanned QR: up to 512 characters (a JXM2 code with its signed pass, API.md v1.1)', () => {
    const qr = (text: string) => fieldsOf('scan', 'record', valid('scan', 'record', { qr: text }));
    expect(qr('J'.repeat(512))).toBeNull();
    expect(qr('J'.repeat(513))).toEqual({ qr: 'tooLong' });
  });

  it('an offline decision: allow or deny, and a reason of API.md 2.3', () => {
    const offline = (value: unknown) =>
      fieldsOf('scan', 'record', valid('scan', 'record', { offline: value }));
    expect(offline({ decision: 'allow' })).toBeNull();
    for (const reason of ['expired', 'stale_step', 'not_green', 'fever', 'unknown_key', 'forged', 'no_pass'])
      expect(offline({ decision: 'deny', reason })).toBeNull();
    expect(offline({ decision: 'maybe' })).toEqual({ 'offline.decision': 'enum' });
    expect(offline({ decision: 'deny', reason: 'tired' })).toEqual({ 'offline.reason': 'enum' });
    expect(offline({ reason: 'fever' })).toEqual({ 'offline.decision': 'required' });
    expect(offline({ decision: 'allow', color: 'green' })).toEqual({ 'offline.color': 'unknown' });
  });

  it('a location: latitude ±90, longitude ±180, accuracy 0–100,000 m', () => {
    const at = (location: Record<string, unknown>) =>
      fieldsOf('scan', 'goOnDuty', valid('scan', 'goOnDuty', { location }));
    expect(at({ latitude: -90, longitude: -180 })).toBeNull();
    expect(at({ latitude: 90, longitude: 180, accuracy: 0 })).toBeNull();
    expect(at({ latitude: 0, longitude: 0, accuracy: 100_000 })).toBeNull();
    expect(at({ latitude: 90.0001, longitude: 0 })).toEqual({ 'location.latitude': 'range' });
    expect(at({ latitude: -90.0001, longitude: 0 })).toEqual({ 'location.latitude': 'range' });
    expect(at({ latitude: 0, longitude: 180.0001 })).toEqual({ 'location.longitude': 'range' });
    expect(at({ latitude: 0, longitude: -180.0001 })).toEqual({ 'location.longitude': 'range' });
    expect(at({ latitude: 0, longitude: 0, accuracy: -1 })).toEqual({ 'location.accuracy': 'range' });
    expect(at({ latitude: 0, longitude: 0, accuracy: 100_001 })).toEqual({ 'location.accuracy': 'range' });
    expect(at({ latitude: 0, longitude: 0, altitude: 3 })).toEqual({ 'location.altitude': 'unknown' });
    expect(
      fieldsOf(
        'org',
        'createSite',
        valid('org', 'createSite', { location: { latitude: 0, longitude: 181 } }),
      ),
    ).toEqual({
      'location.longitude': 'range',
    });
    expect(
      fieldsOf(
        'org',
        'createSite',
        valid('org', 'createSite', { location: { latitude: -91, longitude: 0 } }),
      ),
    ).toEqual({
      'location.latitude': 'range',
    });
  });

  it('a region: six digits of Jilin (22…)', () => {
    for (const [fn, action] of [
      ['org', 'createSite'],
      ['org', 'applySenior'],
    ]) {
      const region = (regionCode: string) => fieldsOf(fn, action, valid(fn, action, { regionCode }));
      expect(region('220000')).toBeNull();
      expect(region('220171')).toBeNull();
      expect(region('110101')).toEqual({ regionCode: 'format' });
      expect(region('22010a')).toEqual({ regionCode: 'format' });
      expect(region('2201')).toEqual({ regionCode: 'tooShort' });
      expect(region('2201020')).toEqual({ regionCode: 'tooLong' });
    }
  });

  it('a site radius: 50–50,000 m', () => {
    expect(SITE_RADIUS_M).toEqual({ min: 50, max: 50_000 });
    const radius = (radiusM: number) =>
      fieldsOf('org', 'createSite', valid('org', 'createSite', { radiusM }));
    expect(radius(50)).toBeNull();
    expect(radius(50_000)).toBeNull();
    expect(radius(49.9)).toEqual({ radiusM: 'range' });
    expect(radius(50_001)).toEqual({ radiusM: 'range' });
  });

  it('lists: limit 1–100, whole; a cursor of bounded length', () => {
    const list = (change: Record<string, unknown>) =>
      fieldsOf('records', 'alerts', valid('records', 'alerts', change));
    expect(list({ limit: 1 })).toBeNull();
    expect(list({ limit: 100 })).toBeNull();
    expect(list({ limit: 0 })).toEqual({ limit: 'range' });
    expect(list({ limit: 101 })).toEqual({ limit: 'range' });
    expect(list({ limit: 1.5 })).toEqual({ limit: 'integer' });
    expect(list({ cursor: 'c'.repeat(CURSOR_MAX_LENGTH) })).toBeNull();
    expect(list({ cursor: 'c'.repeat(CURSOR_MAX_LENGTH + 1) })).toEqual({ cursor: 'tooLong' });
    expect(fieldsOf('citizen', 'history', { limit: 0 })).toEqual({ limit: 'range' });
    expect(fieldsOf('org', 'subordinates', valid('org', 'subordinates', { limit: 101 }))).toEqual({
      limit: 'range',
    });
    expect(fieldsOf('records', 'creditFlags', valid('records', 'creditFlags', { limit: 0 }))).toEqual({
      limit: 'range',
    });
    expect(fieldsOf('org', 'applications', valid('org', 'applications', { limit: 0 }))).toEqual({
      limit: 'range',
    });
    expect(fieldsOf('records', 'scans', valid('records', 'scans', { limit: 0 }))).toEqual({ limit: 'range' });
  });

  it('texts written in a text area keep their line breaks; reasons and names do not take any', () => {
    expect(fieldsOf('citizen', 'checkIn', valid('citizen', 'checkIn', { travel: '' }))).toBeNull();
    expect(fieldsOf('citizen', 'checkIn', valid('citizen', 'checkIn', { travel: 'a\r\nb' }))).toBeNull();
    expect(fieldsOf('org', 'applySenior', valid('org', 'applySenior', { letter: '一\n二' }))).toBeNull();
    expect(
      fieldsOf('records', 'flagCredit', valid('records', 'flagCredit', { evidence: '一\n二' })),
    ).toBeNull();
    expect(fieldsOf('org', 'disable', valid('org', 'disable', { reason: '一\n二' }))).toEqual({
      reason: 'format',
    });
    expect(fieldsOf('org', 'createSite', valid('org', 'createSite', { name: '长春\n站' }))).toEqual({
      name: 'format',
    });
    expect(fieldsOf('org', 'applySenior', valid('org', 'applySenior', { unitName: '单位"' }))).toEqual({
      unitName: 'format',
    });
    expect(fieldsOf('scan', 'refusal', valid('scan', 'refusal', { note: '一\n二' }))).toEqual({
      note: 'format',
    });
    expect(fieldsOf('records', 'grantReveal', valid('records', 'grantReveal', { reason: '' }))).toEqual({
      reason: 'empty',
    });
    expect(fieldsOf('records', 'reveal', valid('records', 'reveal', { reason: 'x'.repeat(201) }))).toEqual({
      reason: 'tooLong',
    });
    expect(fieldsOf('health', 'setColor', valid('health', 'setColor', { reason: '\u202e' }))).toEqual({
      reason: 'format',
    });
    expect(
      fieldsOf('org', 'reviewApplication', valid('org', 'reviewApplication', { comment: 'x'.repeat(201) })),
    ).toEqual({
      comment: 'tooLong',
    });
    expect(
      fieldsOf('org', 'replaceHolder', valid('org', 'replaceHolder', { reason: 'x'.repeat(201) })),
    ).toEqual({
      reason: 'tooLong',
    });
    expect(fieldsOf('org', 'createSite', valid('org', 'createSite', { address: 'x'.repeat(121) }))).toEqual({
      address: 'tooLong',
    });
  });

  it('choices: roles, site types, colours, symptoms, guest categories, refusal reasons, statuses', () => {
    expect(fieldsOf('org', 'createPosition', valid('org', 'createPosition', { role: 'admin' }))).toEqual({
      role: 'enum',
    });
    expect(fieldsOf('org', 'createSite', valid('org', 'createSite', { type: 'castle' }))).toEqual({
      type: 'enum',
    });
    expect(fieldsOf('health', 'setColor', valid('health', 'setColor', { color: 'bw' }))).toEqual({
      color: 'enum',
    });
    expect(fieldsOf('records', 'scans', valid('records', 'scans', { color: 'purple' }))).toEqual({
      color: 'enum',
    });
    expect(fieldsOf('citizen', 'checkIn', valid('citizen', 'checkIn', { symptoms: [] }))).toEqual({
      symptoms: 'tooFew',
    });
    expect(fieldsOf('citizen', 'checkIn', valid('citizen', 'checkIn', { symptoms: ['sneeze'] }))).toEqual({
      'symptoms.0': 'enum',
    });
    expect(GUEST_CATEGORIES).toEqual(['elderly', 'child', 'disabled', 'foreigner', 'other']);
    expect(REFUSAL_REASONS).toEqual(['refused_scan', 'forced_entry']);
    const guest = (g: Record<string, unknown>) =>
      fieldsOf('scan', 'record', { ...valid('scan', 'record'), qr: undefined, guest: g });
    expect(guest({ name: '王建国', category: 'foreigner', document: 'E12345678' })).toBeNull();
    expect(guest({ name: '王建国', category: 'tourist' })).toEqual({ 'guest.category': 'enum' });
    expect(guest({ name: '王建国', category: 'other', document: 'x'.repeat(41) })).toEqual({
      'guest.document': 'tooLong',
    });
    expect(fieldsOf('scan', 'refusal', valid('scan', 'refusal', { reason: 'ran' }))).toEqual({
      reason: 'enum',
    });
    expect(fieldsOf('org', 'applications', valid('org', 'applications', { status: 'closed' }))).toEqual({
      status: 'enum',
    });
  });

  it('a risk list: 1 row at least, at most RISK_LIST_MAX_ROWS, each with a real date', () => {
    const rows = (list: unknown[]) =>
      fieldsOf('health', 'importRiskList', valid('health', 'importRiskList', { rows: list }));
    const row = { idNumber: '220102199001011234', status: 'confirmed' };
    expect(rows([])).toEqual({ rows: 'tooFew' });
    expect(rows(Array.from({ length: RISK_LIST_MAX_ROWS }, () => row))).toBeNull();
    expect(rows(Array.from({ length: RISK_LIST_MAX_ROWS + 1 }, () => row))).toEqual({ rows: 'tooMany' });
    expect(rows([row, { ...row, quarantineUntil: '2026-02-30T00:00:00Z' }])).toEqual({
      'rows.1.quarantineUntil': 'format',
    });
    expect(rows([{ ...row, status: 'normal' }])).toEqual({ 'rows.0.status': 'enum' });
  });

  it('dates: a real instant with an offset, 1970–2100', () => {
    const stats = (from: string) => fieldsOf('records', 'stats', valid('records', 'stats', { from }));
    expect(stats('1970-01-01T00:00:00Z')).toBeNull();
    expect(stats('2100-12-31T23:59:59Z')).toBeNull();
    expect(stats('2026-02-30T00:00:00Z')).toEqual({ from: 'format' });
    expect(stats('2101-01-01T00:00:00Z')).toEqual({ from: 'range' });
    expect(stats('2026-11-27')).toEqual({ from: 'format' });
    expect(
      fieldsOf('scan', 'record', valid('scan', 'record', { scannedAt: '2026-01-01T24:00:00Z' })),
    ).toEqual({
      scannedAt: 'format',
    });
    expect(
      fieldsOf(
        'records',
        'grantReveal',
        valid('records', 'grantReveal', { expiresAt: '0000-01-01T00:00:00Z' }),
      ),
    ).toEqual({
      expiresAt: 'range',
    });
  });

  it('ids and codes of bounded length', () => {
    expect(fieldsOf('org', 'activate', valid('org', 'activate', { positionId: 'p'.repeat(65) }))).toEqual({
      positionId: 'tooLong',
    });
    expect(fieldsOf('org', 'claim', { inviteCode: 'x'.repeat(41) })).toEqual({ inviteCode: 'tooLong' });
    expect(fieldsOf('records', 'reveal', valid('records', 'reveal', { scanId: 's'.repeat(65) }))).toEqual({
      scanId: 'tooLong',
    });
    expect(fieldsOf('citizen', 'register', valid('citizen', 'register', { name: 'x'.repeat(61) }))).toEqual({
      name: 'tooLong',
    });
    expect(
      fieldsOf('citizen', 'register', valid('citizen', 'register', { idNumber: '1'.repeat(31) })),
    ).toEqual({
      idNumber: 'tooLong',
    });
    expect(fieldsOf('citizen', 'register', valid('citizen', 'register', { phone: '1'.repeat(21) }))).toEqual({
      phone: 'tooLong',
    });
    expect(fieldsOf('citizen', 'phoneNumber', { code: 'x'.repeat(201) })).toEqual({ code: 'tooLong' });
    expect(
      fieldsOf('org', 'createPosition', valid('org', 'createPosition', { holderPhone: '1'.repeat(21) })),
    ).toEqual({
      holderPhone: 'tooLong',
    });
    expect(fieldsOf('scan', 'record', valid('scan', 'record', { temperature: '36.5' }))).toEqual({
      temperature: 'type',
    });
  });
});
