/**
 * scan.record — the hot path, with a queue at the gate waiting on it (regulation rules 4, 5, 11, 15, 18).
 *
 * Exactly once per scanId: the scan's _id is the client's scanId, so a retried or racing request finds the first
 * one (duplicate:true) and writes nothing. The dynamic code is checked against the seeds valid at the scan time
 * (late offline syncs too); the temperature applies rule 4 (≥ 37.3 °C turns green yellow, a normal one turns
 * yellow green) in the same transaction as the scan; a refusal is recorded like an admission (rule 18); a
 * non-green, fever or replayed scan raises an alert for everyone above the scanner (rule 15).
 */
import type { ScanParams, ScanReplies } from '../../../miniprogram/core/contracts/scan.contract';
import { shanghaiDate } from '../../../miniprogram/core/calendar';
import {
  LATE_SYNC_MAX_MS,
  STEP_SECONDS,
  STEP_WINDOW,
  checkCode,
  parseCode,
} from '../../../miniprogram/core/dynamic-code';
import type { FieldErrors } from '../../../miniprogram/core/errors';
import {
  FEVER_THRESHOLD_C,
  PLAUSIBLE_TEMPERATURE_C,
  gateDecision,
  withTemperature,
  type Color,
} from '../../../miniprogram/core/health-code.rules';
import {
  checkIdNumber,
  checkName,
  checkPhone,
  maskIdNumber,
  maskName,
} from '../../../miniprogram/core/identity';
import type { AlertDoc, PersonDoc, ScanDoc, SiteDoc } from '../db/documents';
import { Repository, isDuplicateKeyError } from '../db/repository';
import { DomainError } from '../envelope';
import type { Tx } from '../cloud';
import { changeHealthFacts, factsOf } from '../health/health-facts';
import { positionsOf, sitesOf } from '../org/positions';
import { hmacSha256Hex, seal, unseal } from '../privacy/personal-data';
import type { RequestContext } from '../router';
import { heldPosition, onDutyNow, wasOnDuty } from './duty';

/** A clock on a phone may run a little ahead of the server's. */
const CLOCK_SKEW_MS = 2 * 60_000;
/** Activity is recorded at most this often per position (rule 10), not on every scan. */
const ACTIVITY_EVERY_MS = 10 * 60_000;

/** Site names change rarely: each function instance keeps them for a minute. */
const siteCache = new Map<string, { site: SiteDoc; until: number }>();

async function siteOf(ctx: RequestContext, siteId: string): Promise<SiteDoc> {
  const cached = siteCache.get(siteId);
  if (cached && cached.until > Date.now()) return cached.site;
  const site = (await sitesOf(ctx.db).get(siteId))!;
  siteCache.set(siteId, { site, until: Date.now() + 60_000 });
  return site;
}

function replyOf(scan: ScanDoc, duplicate: boolean): ScanReplies['record'] {
  return {
    scanId: scan._id,
    duplicate,
    person: { name: scan.masked.name },
    color: scan.color,
    decision: scan.decision,
    ...(scan.replayed ? { replayed: true } : {}),
  };
}

function alertOf(scan: ScanDoc): AlertDoc | null {
  const kind = scan.replayed
    ? 'replay'
    : scan.fever
      ? 'fever'
      : ['yellow', 'orange', 'red'].includes(scan.color)
        ? 'color'
        : null;
  if (!kind) return null;
  return {
    _id: scan._id,
    scanId: scan._id,
    kind,
    scopeAncestors: scan.scopeAncestors,
    site: scan.site,
    person: { name: scan.masked.name },
    color: scan.color,
    temperature: scan.temperature,
    at: scan.scannedAt,
  };
}

/** The scan and its alert (rule 15) in one write: either both are there, or neither. */
async function insertScanIn(tx: Tx, scan: ScanDoc): Promise<void> {
  await tx.collection('scans').add({ data: scan });
  const alert = alertOf(scan);
  if (alert) await tx.collection('alerts').add({ data: alert });
}

async function insertScan(ctx: RequestContext, scan: ScanDoc): Promise<void> {
  // the common case — no alert — is one plain insert
  if (!alertOf(scan)) await new Repository<ScanDoc>(ctx.db, 'scans').insert(scan);
  else await ctx.db.runTransaction((tx: Tx) => insertScanIn(tx, scan));
}

async function answerDuplicate(
  ctx: RequestContext,
  earlier: ScanDoc,
  positionId: string,
): Promise<ScanReplies['record']> {
  // a scanId is the scanner's own: someone else's, or another position's, is a conflict, not a result
  const position = await positionsOf(ctx.db).get(earlier.positionId);
  const scanner =
    position?.holder.openid === ctx.openid || (position?.dutyLog ?? []).some((d) => d.openid === ctx.openid);
  if (earlier.positionId !== positionId || !scanner) throw new DomainError('CONFLICT');
  return replyOf(earlier, true);
}

function checkGuest(guest: NonNullable<ScanParams<'record'>['guest']>, today: string) {
  const fields: FieldErrors = {};
  const name = checkName(guest.name);
  if (!name.ok) fields['guest.name'] = name.problem;
  const id = guest.idNumber !== undefined ? checkIdNumber(guest.idNumber, today) : null;
  if (id && !id.ok) fields['guest.idNumber'] = id.problem;
  const phone = guest.phone !== undefined ? checkPhone(guest.phone) : null;
  if (phone && !phone.ok) fields['guest.phone'] = phone.problem;
  if (Object.keys(fields).length > 0 || !name.ok) throw new DomainError('GUEST_INVALID', undefined, fields);
  return {
    name: name.value,
    idNumber: id && id.ok ? id.value : null,
    phone: phone && phone.ok ? phone.value : null,
    document: guest.document ?? null,
  };
}

/** The same QR (same code, same step) at another site within its window: a screenshot passed around. */
async function seenElsewhere(
  ctx: RequestContext,
  personId: string,
  step: number,
  siteId: string,
  at: Date,
): Promise<boolean> {
  const _ = ctx.db.command;
  const windowMs = (STEP_WINDOW * 2 + 1) * STEP_SECONDS * 1000;
  const recent = await new Repository<ScanDoc>(ctx.db, 'scans').find(
    { personId, scannedAt: _.gte(new Date(at.getTime() - windowMs)) },
    { orderBy: [['scannedAt', 'desc']], limit: 20 },
  );
  return recent.some((s) => s.qr?.step === step && s.site.id !== siteId);
}

export async function record(
  params: ScanParams<'record'>,
  ctx: RequestContext,
): Promise<ScanReplies['record']> {
  const scans = new Repository<ScanDoc>(ctx.db, 'scans');
  const earlier = await scans.get(params.scanId);
  if (earlier) return answerDuplicate(ctx, earlier, params.positionId);

  if (params.temperature < PLAUSIBLE_TEMPERATURE_C.min || params.temperature > PLAUSIBLE_TEMPERATURE_C.max) {
    throw new DomainError('TEMPERATURE_INVALID', undefined, { temperature: 'range' });
  }
  if ((params.qr === undefined) === (params.guest === undefined)) {
    throw new DomainError('BAD_REQUEST', '请扫描吉祥码或登记无码人员信息（二选一）', {
      [params.qr === undefined ? 'qr' : 'guest']: params.qr === undefined ? 'required' : 'unknown',
    });
  }
  const at = params.scannedAt ?? ctx.now;
  if (
    at.getTime() > ctx.now.getTime() + CLOCK_SKEW_MS ||
    at.getTime() < ctx.now.getTime() - LATE_SYNC_MAX_MS
  ) {
    throw new DomainError('BAD_REQUEST', '扫码时间超出允许范围', { scannedAt: 'range' });
  }
  // a scan taken offline and synced late counts if its scanner was on duty here when it was taken (rule 7),
  // whatever has happened to the position since; a scan now needs the holder on duty now
  const late = ctx.now.getTime() - at.getTime() > CLOCK_SKEW_MS;
  const position = late
    ? await positionsOf(ctx.db).get(params.positionId)
    : await heldPosition(ctx, params.positionId);
  const onDuty =
    position && (late ? wasOnDuty(position, ctx.openid, at) : onDutyNow(position, ctx.openid, ctx.now));
  if (!position || !onDuty) throw new DomainError('NOT_ON_DUTY');

  const site = await siteOf(ctx, position.siteId);
  const fever = params.temperature >= FEVER_THRESHOLD_C;
  const base = {
    _id: params.scanId,
    positionId: position._id,
    scopeAncestors: [...position.ancestors, position._id],
    site: { id: site._id, name: site.name },
    scanner: { positionId: position._id, role: position.role, name: position.holder.masked?.name ?? '' },
    temperature: params.temperature,
    fever,
    scannedAt: at,
    receivedAt: ctx.now,
  };

  let scan: ScanDoc;
  try {
    if (params.guest !== undefined) {
      const guest = checkGuest(params.guest, shanghaiDate(ctx.now));
      const keys = ctx.ports.keys();
      const color: Color = 'bw';
      scan = {
        ...base,
        personId: null,
        guest: {
          category: params.guest.category,
          name: seal(keys, guest.name),
          idNumber: guest.idNumber ? seal(keys, guest.idNumber) : null,
          phone: guest.phone ? seal(keys, guest.phone) : null,
          document: guest.document ? seal(keys, guest.document) : null,
        },
        masked: { name: maskName(guest.name), idNumber: guest.idNumber ? maskIdNumber(guest.idNumber) : '' },
        color,
        decision: gateDecision(color, params.temperature),
        qr: null,
        replayed: false,
      };
      await insertScan(ctx, scan);
    } else {
      scan = await scanCode(ctx, params.qr!, at, base, late);
    }
  } catch (err) {
    // the same scanId raced in: the first one answers for both
    if (!isDuplicateKeyError(err)) throw err;
    const first = await scans.get(params.scanId);
    if (!first) throw err;
    return answerDuplicate(ctx, first, params.positionId);
  }

  if (!late && ctx.now.getTime() - position.lastActiveAt.getTime() > ACTIVITY_EVERY_MS) {
    await positionsOf(ctx.db).update(position._id, { lastActiveAt: ctx.now });
  }
  return replyOf(scan, false);
}

type ScanBase = Omit<ScanDoc, 'personId' | 'guest' | 'masked' | 'color' | 'decision' | 'qr' | 'replayed'>;

/** A reading taken at `at` counts for the code unless a later reading of the person is already known (rule 4). */
async function laterReadingKnown(ctx: RequestContext, person: PersonDoc, at: Date): Promise<boolean> {
  if (person.lastReadingAt && person.lastReadingAt.getTime() > at.getTime()) return true;
  const _ = ctx.db.command;
  const later = await new Repository<ScanDoc>(ctx.db, 'scans').first(
    { personId: person._id, scannedAt: _.gt(at) },
    [['scannedAt', 'desc']],
  );
  return later !== null;
}

async function scanCode(
  ctx: RequestContext,
  qr: string,
  at: Date,
  base: ScanBase,
  late: boolean,
): Promise<ScanDoc> {
  const code = parseCode(qr);
  if (!code) throw new DomainError('QR_INVALID');
  const person = await new Repository<PersonDoc>(ctx.db, 'persons').first({ codeId: code.codeId });
  if (!person) throw new DomainError('QR_INVALID');
  const keys = ctx.ports.keys();
  const seeds = person.seeds.map((s) => ({ ...s, seed: unseal(keys, s.seed) }));
  const checked = checkCode(hmacSha256Hex, code, seeds, at);
  if (!checked.ok) throw new DomainError(checked.reason === 'expired' ? 'QR_EXPIRED' : 'QR_INVALID');

  const replayed = await seenElsewhere(ctx, person._id, code.step, base.site.id, at);
  const build = (current: Pick<PersonDoc, 'color' | 'masked'>): ScanDoc => ({
    ...base,
    personId: person._id,
    guest: null,
    masked: { name: current.masked.name, idNumber: current.masked.idNumber },
    color: current.color,
    decision: gateDecision(current.color, base.temperature),
    qr: { codeId: code.codeId, step: code.step },
    replayed,
  });

  const facts = factsOf(person);
  const next = withTemperature(facts, base.temperature, at);
  // an older reading synced late is recorded, but does not change the code: a later one already decided it
  const counts = !late || !(await laterReadingKnown(ctx, person, at));
  if (!counts || Boolean(next.fever) === Boolean(facts.fever)) {
    // the common case — a green code, a normal temperature: one write
    const scan = build(person);
    await insertScan(ctx, scan);
    return scan;
  }
  // the temperature changes the code (rule 4): the person, the color event, the scan and its alert in one transaction
  let scan: ScanDoc | null = null;
  await changeHealthFacts(
    ctx,
    person._id,
    (current, stored) => {
      if (stored.lastReadingAt && stored.lastReadingAt.getTime() > at.getTime()) return null;
      const changed = withTemperature(current, base.temperature, at);
      return Boolean(changed.fever) === Boolean(current.fever) ? null : changed;
    },
    `position:${base.positionId}`,
    async (tx, after) => {
      scan = build(after);
      await insertScanIn(tx, scan);
    },
    { lastReadingAt: at },
  );
  return scan!;
}
