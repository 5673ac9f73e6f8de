/**
 * Hostile payloads across every action of every function: wrong types, missing and extra fields, huge strings,
 * operator objects such as {"$gt": ""}, prototype keys, deep nesting — and near-valid requests with one field
 * spoiled, so that the use cases themselves are reached. Every reply must be an envelope with a listed error code
 * (never INTERNAL) or a success, and the local cloud must still answer afterwards.
 */
import { citizenParams } from '../../miniprogram/core/contracts/citizen.contract';
import { healthParams } from '../../miniprogram/core/contracts/health.contract';
import { orgParams } from '../../miniprogram/core/contracts/org.contract';
import { recordsParams } from '../../miniprogram/core/contracts/records.contract';
import { scanParams } from '../../miniprogram/core/contracts/scan.contract';
import { ERROR_CODES } from '../../miniprogram/core/errors';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { call, openLocalCloud } from '../helpers/local-cloud';
import { report } from '../helpers/report';
import { buildWorld, citizenWithCode, onDuty, type World } from '../helpers/world';

const PAYLOADS = Number(process.env.JXM_FUZZ_PAYLOADS ?? 10_000);

/** A small deterministic PRNG (mulberry32), so that a failure can be replayed with the same seed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.JXM_FUZZ_SEED ?? 20261127);
const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

function deep(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = random() < 0.5 ? [value] : { a: value };
  return value;
}

function hostileValue(): unknown {
  return pick<() => unknown>([
    () => ({ $gt: '' }),
    () => ({ $ne: null }),
    () => ({ $where: 'sleep(1000)' }),
    () => ({ $regex: '.*' }),
    () => ['$in', 'x'],
    () => null,
    () => true,
    () => -1,
    () => 1e308,
    () => -0,
    () => 3.14159,
    () => '',
    () => ' ',
    () => 'x'.repeat(100_000),
    () => '😀'.repeat(50),
    () => '\u0000\u202e<script>',
    () => '1 OR 1=1',
    () => '../../etc/passwd',
    () => '2026-13-45T99:99:99Z',
    () => 'NaN',
    () => [],
    () => [1, 2, 3],
    () => ({}),
    () => ({ __proto__: { admin: true } }),
    () => JSON.parse('{"__proto__": {"polluted": true}}'),
    () => ({ constructor: { prototype: { polluted: true } } }),
    () => deep(200),
    () => ({ latitude: 'north', longitude: {} }),
    () => ({ latitude: 91, longitude: 181 }),
    () => Array.from({ length: 2000 }, () => ({ idNumber: '1', status: 'confirmed' })),
  ])();
}

const CONTRACTS: Record<string, Record<string, unknown>> = {
  citizen: citizenParams,
  scan: scanParams,
  org: orgParams,
  records: recordsParams,
  health: healthParams,
};

let cloud: LocalCloud;
let world: World;
const templates: Record<string, Record<string, Record<string, unknown>>> = {};
const callers: string[] = [];

beforeAll(async () => {
  cloud = await openLocalCloud({ bootstrapOpenid: 'fuzz-initiator' });
  world = await buildWorld(cloud, 'fuzz-initiator', 'fuzz');
  await onDuty(cloud, world.ordinary);
  const c = await citizenWithCode(cloud, 'fuzz-citizen');
  const later = new Date(Date.now() + 3600_000).toISOString();
  const now = new Date().toISOString();
  const somebody = personOf(7777);
  templates.citizen = {
    register: { ...somebody },
    profile: {},
    checkIn: { symptoms: ['none'], contact: false, temperature: 36.5, travel: '长春' },
    code: {},
    history: { limit: 5 },
  };
  templates.scan = {
    roles: {},
    goOnDuty: { positionId: world.ordinary.id, location: { latitude: 43.9036, longitude: 125.3184 } },
    record: {
      positionId: world.ordinary.id,
      scanId: 'fuzz-scan-00000001',
      temperature: 36.5,
      qr: c.qrAt(Date.now()),
    },
  };
  templates.org = {
    createSite: {
      actingPositionId: world.initiator.id,
      name: '站点',
      type: 'gov',
      address: '长春',
      location: { latitude: 43.9, longitude: 125.3 },
    },
    createPosition: {
      actingPositionId: world.senior.id,
      siteId: world.siteId,
      role: 'ordinary',
      holderName: '王建国',
      holderPhone: '13800000000',
    },
    claim: { inviteCode: 'ABCDEFGHJK' },
    replaceHolder: {
      actingPositionId: world.intermediate.id,
      positionId: world.ordinary.id,
      holderName: '王建国',
      holderPhone: '13800000000',
      reason: 'x',
    },
    disable: {
      actingPositionId: world.senior.id,
      positionId: world.ordinary.id,
      cascade: false,
      reason: 'x',
    },
    activate: { actingPositionId: world.intermediate.id, positionId: world.ordinary.id },
    subordinates: { actingPositionId: world.senior.id },
    applySenior: {
      unitName: '单位',
      uscc: '91350100M000100Y43',
      siteType: 'gov',
      address: '长春',
      location: { latitude: 43.9, longitude: 125.3 },
      applicantName: '王建国',
      applicantPhone: '13800000000',
    },
    applications: { actingPositionId: world.initiator.id },
    reviewApplication: { actingPositionId: world.initiator.id, applicationId: 'nope', approve: true },
  };
  templates.records = {
    scans: { actingPositionId: world.senior.id, from: now, to: later },
    stats: { actingPositionId: world.senior.id, from: now, to: later },
    alerts: { actingPositionId: world.senior.id },
    grantReveal: {
      actingPositionId: world.initiator.id,
      granteePositionId: world.senior.id,
      reason: 'x',
      expiresAt: later,
    },
    reveal: { actingPositionId: world.senior.id, scanId: 'fuzz-scan-00000001', reason: 'x' },
    flagCredit: {
      actingPositionId: world.initiator.id,
      personId: c.personId,
      kind: 'concealment',
      evidence: 'x',
    },
    creditFlags: { actingPositionId: world.initiator.id },
  };
  templates.health = {
    importRiskList: {
      actingPositionId: world.initiator.id,
      source: 'x',
      rows: [{ idNumber: c.idNumber, status: 'cleared' }],
    },
    setColor: { actingPositionId: world.initiator.id, personId: c.personId, color: 'green', reason: 'x' },
  };
  callers.push(
    'fuzz-initiator',
    world.senior.openid,
    world.intermediate.openid,
    world.ordinary.openid,
    'fuzz-citizen',
    'fuzz-stranger',
  );
}, 60_000);

afterAll(async () => {
  await cloud.close();
});

function payload(fn: string): { body: unknown; label: string } {
  const actions = Object.keys(CONTRACTS[fn]);
  const action = random() < 0.97 ? pick(actions) : pick(['nope', '', '__proto__', 'constructor', 'toString']);
  const template = templates[fn][action] ?? {};
  const shape = random();
  if (shape < 0.05) return { body: hostileValue(), label: `${fn}: a non-object body` };
  if (shape < 0.1) return { body: { action: hostileValue() }, label: `${fn}: a hostile action` };
  const body: Record<string, unknown> = { action, ...template };
  const fields = Object.keys(template);
  const spoil = random();
  if (spoil < 0.45 && fields.length) body[pick(fields)] = hostileValue();
  else if (spoil < 0.6 && fields.length) delete body[pick(fields)];
  else if (spoil < 0.75)
    body[pick(['$where', 'extra', '__proto__', 'openid', '_id', 'userInfo'])] = hostileValue();
  else if (spoil < 0.85 && fields.length) {
    // nested spoil: a field of a field
    const key = pick(fields);
    body[key] =
      typeof body[key] === 'object' && body[key] !== null
        ? { ...(body[key] as object), [pick(['$gt', 'a', 'latitude'])]: hostileValue() }
        : hostileValue();
  }
  return { body, label: `${fn}.${action}` };
}

it(`should answer ${PAYLOADS} hostile payloads with envelopes and listed codes, never INTERNAL`, async () => {
  const functions = Object.keys(CONTRACTS).concat('cron');
  const problems: string[] = [];
  const codes = new Map<string, number>();
  const started = Date.now();
  for (let i = 0; i < PAYLOADS; i++) {
    const fn = pick(functions);
    const { body, label } =
      fn === 'cron'
        ? { body: { Type: 'Timer', TriggerName: 'silentSweep', action: hostileValue() }, label: 'cron' }
        : payload(fn === 'cron' ? 'citizen' : fn);
    const openid = pick(callers);
    // most go straight to the function host; every tenth through HTTP, as a client would send it
    let reply: { ok?: unknown; error?: { code?: unknown; message?: unknown } };
    if (i % 10 === 0) {
      const res = await call(cloud, fn, JSON.stringify(body) ?? 'null', openid);
      reply = res.body as typeof reply;
    } else {
      reply = (await cloud.functions.invoke(fn, body, { openid })) as typeof reply;
    }
    const code = reply?.ok === true ? 'ok' : String(reply?.error?.code);
    codes.set(code, (codes.get(code) ?? 0) + 1);
    const listed = reply?.ok === true || (ERROR_CODES as readonly string[]).includes(code);
    if (!listed || code === 'INTERNAL' || typeof reply?.ok !== 'boolean') {
      if (problems.length < 20)
        problems.push(
          `#${i} ${label} as ${openid} → ${JSON.stringify(reply).slice(0, 200)} for ${JSON.stringify(body)?.slice(0, 300)}`,
        );
    }
  }
  report(
    `fuzz: ${PAYLOADS} payloads in ${Date.now() - started} ms (seed ${SEED}); replies ${JSON.stringify(Object.fromEntries(codes))}`,
  );
  expect(problems).toEqual([]);
  const health = await call(cloud, 'citizen', { action: 'profile' }, 'fuzz-citizen');
  expect(health.body.ok).toBe(true);
}, 600_000);
