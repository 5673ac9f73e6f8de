/**
 * scan.record — the hot path, with a queue at the gate waiting on it (regulation rules 4, 5, 11, 15, 18).
 *
 * Exactly once per scanId: the scan's _id is the client's scanId, so a retried or racing request finds the first
 * one (duplicate:true) and writes nothing. The dynamic code is checked against the seeds valid at the scan time
 * (late offline syncs too); the temperature applies rule 4 (≥ 37.3 °C turns green yellow, a normal one turns
 * yellow green) in the same transaction as the scan; a refusal is recorded like an admission (rule 18); a
 * non-green, fever or replayed scan raises an alert for everyone above the scanner (rule 15). v1.1: a JXM2 code's
 * signed pass must verify under a published key and name the code's codeId (API.md 2.3); the scanner's offline
 * decision is stored, and a scan allowed offline while the person was neither green nor bw raises `stale_pass`.
 */
import type { ScanParams, ScanReplies } from '../../../miniprogram/core/contracts/scan.contract';
import { shanghaiDate } from '../../../miniprogram/core/calendar';
import {
  LATE_SYNC_MAX_MS,
  STEP_SECONDS,
  STEP_WINDOW,
  checkCode,
} from '../../../miniprogram/core/dynamic-code';
import {
  FEVER_THRESHOLD_C,
  PLAUSIBLE_TEMPERATURE_C,
  gateDecision,
  withTemperature,
  type Color,
} from '../../../miniprogram/core/health-code.rules';
import { checkGuestIdentity } from '../../../miniprogram/core/guest';
import { maskIdNumber, maskName } from '../../../miniprogram/core/identity';
import { deviatesFrom, type Fix } from '../../../miniprogram/core/geo';
import { PROVINCE_REGION } from '../../../miniprogram/core/regions';
import { checkPass, isStalePass, parseScannedCode } from '../../../miniprogram/core/signed-pass';
import {
  coordinatesOf,
  type CodeEventDoc,
  type PersonDoc,
  type PositionDoc,
  type ScanDoc,
  type SiteDoc,
} from '../db/documents';
import { Repository, isDuplicateKeyError } from '../db/repository';
import { DomainError } from '../envelope';
import type { Tx } from '../cloud';
import { pushNow } from '../alerts/push';
import { logFailure } from '../log';
import { addAlertIn, raiseAlert, type RaisedAlert } from '../alerts/raise';
import { changeHealthFacts, factsOf } from '../health/health-facts';
import { epidemicEnded } from '../health/retention';
import { ACTIVITY_MARK_EVERY_MS } from '../org/acting-position';
import { positionsOf } from '../org/positions';
import { sm2VerifyRemembered, verificationKeys } from '../privacy/pass';
import { hmacSha256Hex, seal, unseal } from '../privacy/personal-data';
import type { RequestContext, SystemContext } from '../router';
import { disableForDeviation, geoPointOf, heldBy, isScannerOf, onDutyNow, siteOf, wasOnDuty } from './duty';

/** A clock on a phone may run a little ahead of the server's; a scan older than this is a late sync. */
export const CLOCK_SKEW_MS = 2 * 60_000;
/** A scan without a location is accepted while the position's last fix is at most this old (rule 7). */
export const FIX_FRESH_MS = 10 * 60_000;
/** The located scans of the last 10 minutes read for a scan without a location, the newest first. */
const LOCATED_SCANS_READ = 50;

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

/**
 * The alert a scan raises (rule 15), if any: by precedence a replay, a pass that let someone through offline who
 * was not green or bw then (API.md 2.3), a fever, a code that is not green.
 */
function alertOf(ctx: SystemContext, scan: ScanDoc): RaisedAlert | null {
  const kind = scan.replayed
    ? 'replay'
    : scan.stalePass
      ? 'stale_pass'
      : scan.fever
        ? 'fever'
        : ['yellow', 'orange', 'red'].includes(scan.color)
          ? 'color'
          : null;
  if (!kind) return null;
  return raiseAlert(
    ctx,
    {
      _id: scan._id,
      scanId: scan._id,
      kind,
      scopeAncestors: scan.scopeAncestors,
      site: scan.site,
      person: { name: scan.masked.name },
      // a stale pass is about the color the person had when they were let through
      color: kind === 'stale_pass' ? scan.stalePass!.color : scan.color,
      temperature: scan.temperature,
      at: scan.scannedAt,
    },
    { regionCode: scan.regionCode },
  );
}

/** The scan, its alert and the alert's push (rule 15) in one write: either all are there, or none. */
async function insertScanIn(ctx: SystemContext, tx: Tx, scan: ScanDoc): Promise<void> {
  await tx.collection('scans').add({ data: scan });
  const raised = alertOf(ctx, scan);
  if (raised) await addAlertIn(tx, raised);
}

async function insertScan(ctx: RequestContext, scan: ScanDoc): Promise<void> {
  // the common case — no alert — is one plain insert
  if (!alertOf(ctx, scan)) await new Repository<ScanDoc>(ctx.db, 'scans').insert(scan);
  else await ctx.db.runTransaction((tx: Tx) => insertScanIn(ctx, tx, scan));
}

/**
 * The reply to a retried scanId: the first scan's, to its own scanner only. A scanId is the scanner's own: someone
 * else's, or another position's, is a conflict, not a result.
 */
function answerDuplicate(
  ctx: RequestContext,
  earlier: ScanDoc,
  positionId: string,
  position: PositionDoc | null,
): ScanReplies['record'] {
  if (!isScannerOf(earlier.positionId, positionId, position, ctx.openid)) throw new DomainError('CONFLICT');
  return replyOf(earlier, true);
}

function checkGuest(guest: NonNullable<ScanParams<'record'>['guest']>, today: string) {
  const checked = checkGuestIdentity(guest, today);
  if (!checked.ok) throw new DomainError('GUEST_INVALID', undefined, checked.fields);
  return {
    name: checked.name,
    idNumber: checked.idNumber,
    phone: checked.phone,
    document: guest.document ?? null,
  };
}

/** How far apart two scans of the same code step can be: the step's window on either side. */
const STEP_SPAN_MS = (STEP_WINDOW * 2 + 1) * STEP_SECONDS * 1000;

/**
 * The scans of this QR (this code, this step) around `at` (one indexed read, sent with the position's and the
 * person's): the same QR at another site is a screenshot passed around (rule 15), and a retried scanId taken at
 * the same instant is among them. A retry that is not (sent without `scannedAt`, later than the span) is looked
 * up by its scanId when anything stops it (record). The code's other steps are left out: a regular scanned at the
 * same gate every minute brings back nothing but this QR's scans.
 */
function scansAround(
  ctx: RequestContext,
  code: { codeId: string; step: number },
  at: Date,
): Promise<ScanDoc[]> {
  const _ = ctx.db.command;
  return new Repository<ScanDoc>(ctx.db, 'scans').find(
    {
      'qr.codeId': code.codeId,
      'qr.step': code.step,
      scannedAt: _.gte(new Date(at.getTime() - STEP_SPAN_MS)).and(
        _.lte(new Date(at.getTime() + STEP_SPAN_MS)),
      ),
    },
    { orderBy: [['scannedAt', 'desc']], limit: 20 },
  );
}

type FirstReads = Awaited<ReturnType<typeof readTogether>>;

/**
 * The first stage of every scan, its reads sent together: the position, and for a code the person and the scans of
 * the code around the scan's time; for a no-code person the scanId itself.
 */
async function readTogether(ctx: RequestContext, params: ScanParams<'record'>) {
  const code = params.qr !== undefined ? parseScannedCode(params.qr) : null;
  const around = params.scannedAt ?? ctx.now;
  const [position, person, scans] = await Promise.all([
    positionsOf(ctx.db).get(params.positionId),
    code ? new Repository<PersonDoc>(ctx.db, 'persons').first({ codeId: code.codeId }) : null,
    code
      ? scansAround(ctx, code, around)
      : new Repository<ScanDoc>(ctx.db, 'scans').get(params.scanId).then((s) => (s ? [s] : [])),
  ]);
  return { code, position, person, recent: scans, earlier: scans.find((s) => s._id === params.scanId) };
}

export async function record(
  params: ScanParams<'record'>,
  ctx: RequestContext,
): Promise<ScanReplies['record']> {
  const read = await readTogether(ctx, params);
  if (read.earlier) return answerDuplicate(ctx, read.earlier, params.positionId, read.position);
  // API.md v1.1: a repeated scanId answers before any other check. The first stage finds a code's retry among the
  // scans of its QR around its time; one sent later without `scannedAt` is looked up by its scanId (one more read,
  // only then) when a check refuses it, before a deviation disables the position, and when the scan's unique _id
  // stops its insert
  let lookedUp: Promise<ScanDoc | null> | undefined;
  const recorded = () => (lookedUp ??= new Repository<ScanDoc>(ctx.db, 'scans').get(params.scanId));
  try {
    return await recordNew(params, ctx, read, recorded);
  } catch (err) {
    if (!(err instanceof DomainError) && !isDuplicateKeyError(err)) throw err;
    const first = await recorded();
    if (!first) throw err;
    return answerDuplicate(ctx, first, params.positionId, read.position);
  }
}

/** A scan whose scanId the first stage did not find recorded. */
async function recordNew(
  params: ScanParams<'record'>,
  ctx: RequestContext,
  read: FirstReads,
  recorded: () => Promise<ScanDoc | null>,
): Promise<ScanReplies['record']> {
  // rule 3: the data is collected for this epidemic period only
  if (epidemicEnded(ctx.now)) throw new DomainError('EPIDEMIC_ENDED');

  if (params.temperature < PLAUSIBLE_TEMPERATURE_C.min || params.temperature > PLAUSIBLE_TEMPERATURE_C.max) {
    throw new DomainError('TEMPERATURE_INVALID', undefined, { temperature: 'range' });
  }
  if ((params.qr === undefined) === (params.guest === undefined)) {
    throw new DomainError('BAD_REQUEST', '请扫描吉祥码或登记无码人员信息（二选一）', {
      [params.qr === undefined ? 'qr' : 'guest']: params.qr === undefined ? 'required' : 'unknown',
    });
  }
  const { at, late } = scanTime(params.scannedAt, ctx.now);
  const position = await positionOnDuty(ctx, read.position, at, late);
  const site = await siteOf(ctx, position.siteId);
  if (!late && (await checkLocation(ctx, position, site, params.location)) === 'deviates') {
    const first = await recorded();
    if (first) return answerDuplicate(ctx, first, params.positionId, read.position);
    await disableForDeviation(ctx, position, site);
  }
  const fever = params.temperature >= FEVER_THRESHOLD_C;
  const base = {
    _id: params.scanId,
    positionId: position._id,
    scopeAncestors: [...position.ancestors, position._id],
    site: { id: site._id, name: site.name },
    regionCode: site.regionCode ?? PROVINCE_REGION,
    scanner: { positionId: position._id, role: position.role, name: position.holder.masked?.name ?? '' },
    temperature: params.temperature,
    fever,
    location: params.location ? geoPointOf(params.location) : null,
    scannedAt: at,
    receivedAt: ctx.now,
    ...(params.offline
      ? { offline: { decision: params.offline.decision, reason: params.offline.reason ?? null } }
      : {}),
  };
  // the activity mark (rule 10) is due at most every 10 minutes; it goes with the scan's own write, and a failure
  // of the mark alone does not fail the scan (the next one marks it)
  const activity = late
    ? null
    : noteActivity(ctx, position, params.location).catch((err: unknown) =>
        logFailure('activity_mark_failed', err, { at: 'scan.record' }),
      );

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
      scan = await scanCode(ctx, read, at, base);
    }
  } finally {
    await activity;
  }

  // the alert's push goes out after the commit (rule 15); what WeChat does not take, pushDispatch retries
  const raised = alertOf(ctx, scan);
  if (raised) await pushNow(ctx, [raised.push]);
  return replyOf(scan, false);
}

/**
 * When the scan was taken, and whether it is a late sync: API.md 2.2 bounds `scannedAt` to the last 24 hours and to
 * no later than the server's time. A phone's clock up to CLOCK_SKEW_MS ahead is not refused: its scan is taken
 * now, so that its reading never dates itself after the readings that follow it.
 */
export function scanTime(scannedAt: Date | undefined, now: Date): { at: Date; late: boolean } {
  if (
    scannedAt &&
    (scannedAt.getTime() > now.getTime() + CLOCK_SKEW_MS ||
      scannedAt.getTime() < now.getTime() - LATE_SYNC_MAX_MS)
  ) {
    throw new DomainError('BAD_REQUEST', '扫码时间超出允许范围', { scannedAt: 'range' });
  }
  const at = scannedAt && scannedAt.getTime() < now.getTime() ? scannedAt : now;
  return { at, late: now.getTime() - at.getTime() > CLOCK_SKEW_MS };
}

/** A stored scan that was synced late: its location was stored, not checked (API.md 2.2). */
function wasLateSync(scan: ScanDoc): boolean {
  return scan.receivedAt.getTime() - scan.scannedAt.getTime() > CLOCK_SKEW_MS;
}

/**
 * The position the caller scans at (rule 7). A scan taken offline and synced late counts if its scanner was on
 * duty here when it was taken; duty ends with any change of the position and with the holder's code leaving
 * green, so on duty then means the position was theirs, active, and their code green. A scan now needs the holder
 * on duty now; a holder whose own code is not green hears that first, then that they are off duty.
 */
export async function positionOnDuty(
  ctx: RequestContext,
  position: PositionDoc | null,
  at: Date,
  late: boolean,
): Promise<PositionDoc> {
  if (late) {
    if (!position || !wasOnDuty(position, ctx.openid, at)) throw new DomainError('NOT_ON_DUTY');
    return position;
  }
  heldBy(position, ctx.openid);
  if (onDutyNow(position, ctx.openid, ctx.now)) return position;
  const holder = await new Repository<PersonDoc>(ctx.db, 'persons').first({ openid: ctx.openid });
  if (holder && holder.color !== 'green') throw new DomainError('SCANNER_CODE_NOT_GREEN');
  throw new DomainError('NOT_ON_DUTY');
}

/**
 * Rule 7 on every scan that is not a late sync: a location far from the site `deviates` (the caller disables the
 * position: `geofence`, its SMS, nothing recorded); without a location, the position's last fix must be fresh. The
 * fix is kept on the position when its activity is marked (every 10 minutes) and with every scan: when the
 * position's is older, a scan of the position taken online with a location in the last 10 minutes answers (one
 * more read, only then; a late sync's location was never checked, so it does not count).
 */
export async function checkLocation(
  ctx: RequestContext,
  position: PositionDoc,
  site: SiteDoc,
  location: Fix | undefined,
): Promise<'ok' | 'deviates'> {
  if (location) {
    return deviatesFrom({ center: coordinatesOf(site.location), radiusM: site.radiusM }, location)
      ? 'deviates'
      : 'ok';
  }
  const freshSince = ctx.now.getTime() - FIX_FRESH_MS;
  if (position.lastFix && position.lastFix.at.getTime() >= freshSince) return 'ok';
  const _ = ctx.db.command;
  const located = await new Repository<ScanDoc>(ctx.db, 'scans').find(
    {
      scopeAncestors: position._id,
      positionId: position._id,
      location: _.neq(null),
      scannedAt: _.gte(new Date(freshSince)),
    },
    { orderBy: [['scannedAt', 'desc']], limit: LOCATED_SCANS_READ },
  );
  if (!located.some((scan) => !wasLateSync(scan)))
    throw new DomainError('LOCATION_REQUIRED', undefined, { location: 'required' });
  return 'ok';
}

/**
 * The position's activity (rule 10), with its last fix, written at most every 10 minutes: most scans write
 * nothing here. Sent alongside the scan's own write.
 */
export async function noteActivity(ctx: RequestContext, position: PositionDoc, location: Fix | undefined) {
  if (ctx.now.getTime() - position.lastActiveAt.getTime() < ACTIVITY_MARK_EVERY_MS) return;
  const _ = ctx.db.command;
  await positionsOf(ctx.db).update(position._id, {
    lastActiveAt: ctx.now,
    ...(location ? { lastFix: _.set({ at: ctx.now, location: geoPointOf(location) }) } : {}),
  });
}

type ScanBase = Omit<
  ScanDoc,
  'personId' | 'guest' | 'masked' | 'color' | 'decision' | 'qr' | 'replayed' | 'stalePass'
>;

/**
 * The person's color at `at` (API.md 2.3, `stale_pass`): the present one unless it changed since — then the
 * latest code event at or before `at` (one indexed read, only for a scan allowed offline that is not fresh).
 */
export async function colorAt(ctx: RequestContext, person: PersonDoc, at: Date): Promise<Color> {
  if (person.colorSince.getTime() <= at.getTime()) return person.color;
  const _ = ctx.db.command;
  const event = await new Repository<CodeEventDoc>(ctx.db, 'code_events').first(
    { personId: person._id, at: _.lte(at) },
    [['at', 'desc']],
  );
  return event ? event.to : person.color;
}

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

async function scanCode(ctx: RequestContext, read: FirstReads, at: Date, base: ScanBase): Promise<ScanDoc> {
  const { code, person } = read;
  if (!code) throw new DomainError('QR_INVALID');
  // API.md 2.3: a pass that does not verify under a published key, or names another code, makes the QR invalid
  if (
    code.version === 2 &&
    checkPass(code, verificationKeys(ctx.ports.passKeys(), at), sm2VerifyRemembered) !== 'ok'
  )
    throw new DomainError('QR_INVALID');
  if (!person) throw new DomainError('QR_INVALID');
  // a code is read by another scanner (rule 4), and a scanner must be green to scan (rule 7): scanning one's own
  // code would let a scanner clear their own yellow code
  if (person.openid === ctx.openid)
    throw new DomainError('FORBIDDEN', '不能扫描本人的吉祥码，请由其他扫码员扫码');
  const keys = ctx.ports.keys();
  const seeds = person.seeds.map((s) => ({ ...s, seed: unseal(keys, s.seed) }));
  const checked = checkCode(hmacSha256Hex, code, seeds, at);
  if (!checked.ok) throw new DomainError(checked.reason === 'expired' ? 'QR_EXPIRED' : 'QR_INVALID');

  // the same QR (same code, same step) at another site: a screenshot passed around (rule 15)
  const replayed = read.recent.some((s) => s.site.id !== base.site.id);
  // the online decision is the server's, whatever the pass says; a pass that let someone through offline while
  // they were neither green nor bw then is an alert of its own (late sync or not)
  const onPass = code.version === 2;
  const allowedOnPass = onPass && base.offline?.decision === 'allow';
  const then = allowedOnPass ? await colorAt(ctx, person, at) : person.color;
  const stale = isStalePass(base.offline, onPass, then);
  const build = (current: Pick<PersonDoc, 'color' | 'masked'>): ScanDoc => ({
    ...base,
    personId: person._id,
    guest: null,
    masked: { name: current.masked.name, idNumber: current.masked.idNumber },
    color: current.color,
    decision: gateDecision(current.color, base.temperature),
    qr: {
      codeId: code.codeId,
      step: code.step,
      ...(onPass
        ? {
            pass: {
              kid: code.pass.claims.kid,
              color: code.pass.claims.color,
              iat: new Date(code.pass.claims.iat * 1000),
              exp: new Date(code.pass.claims.exp * 1000),
            },
          }
        : {}),
    },
    replayed,
    ...(stale ? { stalePass: { color: then } } : {}),
  });

  const facts = factsOf(person);
  const next = withTemperature(facts, base.temperature, at);
  const changes = Boolean(next.fever) !== Boolean(facts.fever);
  // a reading taken before now (kept offline, synced late or not) is recorded but does not change the code when a
  // later reading of the person is already known: that one decided it (one more read, only for such a change)
  const counts = changes && !(at.getTime() < ctx.now.getTime() && (await laterReadingKnown(ctx, person, at)));
  if (!counts) {
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
      await insertScanIn(ctx, tx, scan);
    },
    { lastReadingAt: at },
  );
  return scan!;
}
