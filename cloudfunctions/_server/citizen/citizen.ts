/** citizen.profile, checkIn, code and history (regulation rule 1; API.md `citizen`, sections 2 and 2.2). */
import type { CitizenParams, CitizenReplies } from '../../../miniprogram/core/contracts/citizen.contract';
import { shanghaiDate } from '../../../miniprogram/core/calendar';
import {
  LATE_SYNC_MAX_MS,
  SEED_LIFETIME_MS,
  STEP_SECONDS,
  STEP_WINDOW,
  seedValidUntil,
} from '../../../miniprogram/core/dynamic-code';
import {
  PLAUSIBLE_TEMPERATURE_C,
  nationalAnswerEffect,
  nationalAskDue,
  withNationalAnswer,
  withNationalUnanswered,
  type Symptom,
} from '../../../miniprogram/core/health-code.rules';
import type { CheckInDoc, PersonDoc, ScanDoc, StoredSeed } from '../db/documents';
import { pageNewestFirst } from '../db/paging';
import { Repository } from '../db/repository';
import { DomainError } from '../envelope';
import { logEvent } from '../log';
import { isServiceUnavailable, type NationalRecord } from '../ports';
import { changeHealthFacts, factsOf } from '../health/health-facts';
import { epidemicEnded } from '../health/retention';
import { issuePass } from '../privacy/pass';
import { newSeed, seal, unseal } from '../privacy/personal-data';
import type { Tx } from '../cloud';
import type { RequestContext, SystemContext } from '../router';

export async function requireCitizen(ctx: RequestContext): Promise<PersonDoc> {
  const person = await new Repository<PersonDoc>(ctx.db, 'persons').first({ openid: ctx.openid });
  if (!person) throw new DomainError('NOT_REGISTERED');
  return person;
}

/** The person after asking the national platform, and the freshness dates still to be written, if any. */
export interface NationalRefresh {
  person: PersonDoc;
  /** Dotted fields of `national` to set (the answer changed nothing else); null when nothing is left to write. */
  stamp: Record<string, Date> | null;
}

/**
 * Rule 4 kept fresh (API.md 4, v1.1): `code` and `profile` ask the national platform again when its last answer is
 * more than 6 hours old (or the code is bw), at most once a minute per person while it does not answer. A fresh
 * status costs nothing: no call, no read. A new flag changes the facts and the color at once (one transaction, one
 * code event); a first answer lifts bw; the same answer, or a new `normal`, only dates the status (`stamp`, for the
 * caller to write with its own update). While the platform is down the color stays as it is (a verified code does
 * not fall back to bw). `force` asks whatever the dates say (the nationalRecheck timer). After the end of the
 * epidemic period nobody is asked (rule 3).
 */
export async function refreshNational(
  ctx: SystemContext,
  person: PersonDoc,
  force = false,
): Promise<NationalRefresh> {
  // rule 3: once the epidemic period has ended no health data is collected, the platform's included
  if (epidemicEnded(ctx.now)) return { person, stamp: null };
  if (!force && !nationalAskDue(person.national, ctx.now)) return { person, stamp: null };
  let answer: NationalRecord;
  try {
    const idNumber = unseal(ctx.ports.keys(), person.sealed.idNumber);
    answer = await ctx.ports.national.check({ idNumber, idHash: person.idHash });
  } catch (err) {
    if (!isServiceUnavailable(err)) throw err;
    logEvent('national_unavailable', { at: 'refresh' });
    const asked = withNationalUnanswered(factsOf(person), ctx.now).national;
    return { person: { ...person, national: asked }, stamp: { 'national.askedAt': ctx.now } };
  }
  if (nationalAnswerEffect(person.national, answer) === 'none') {
    const answered = withNationalAnswer(factsOf(person), answer, ctx.now).national;
    return {
      person: { ...person, national: answered },
      stamp: { 'national.askedAt': ctx.now, 'national.answeredAt': ctx.now },
    };
  }
  // decided again on the facts as they are inside the transaction: two calls at once make one event
  const { person: updated } = await changeHealthFacts(
    ctx,
    person._id,
    (facts) => withNationalAnswer(facts, answer, ctx.now),
    force ? 'system:nationalRecheck' : 'system:nationalCheck',
  );
  return { person: updated, stamp: null };
}

/** Writes the freshness dates a refresh left (one update of those fields alone). */
async function writeStamp(ctx: SystemContext, refresh: NationalRefresh): Promise<void> {
  if (!refresh.stamp) return;
  await ctx.db.collection('persons').doc(refresh.person._id).update({ data: refresh.stamp });
}

export async function profile(ctx: RequestContext): Promise<CitizenReplies['profile']> {
  const refresh = await refreshNational(ctx, await requireCitizen(ctx));
  await writeStamp(ctx, refresh);
  const { person } = refresh;
  return {
    personId: person._id,
    masked: person.masked,
    color: person.color,
    colorReason: person.colorReason,
    colorSince: person.colorSince.toISOString(),
    checkedInToday: person.latestCheckIn?.date === shanghaiDate(ctx.now),
  };
}

function normaliseSymptoms(symptoms: readonly Symptom[]): Symptom[] {
  const unique = [...new Set(symptoms)];
  if (unique.includes('none') && unique.length > 1) {
    throw new DomainError('BAD_REQUEST', '“无症状”不能与其他症状同时选择', { symptoms: 'format' });
  }
  return unique;
}

export async function checkIn(
  params: CitizenParams<'checkIn'>,
  ctx: RequestContext,
): Promise<CitizenReplies['checkIn']> {
  // rule 3: health data is collected for this epidemic period only
  if (epidemicEnded(ctx.now)) throw new DomainError('EPIDEMIC_ENDED');
  const person = await requireCitizen(ctx);
  const symptoms = normaliseSymptoms(params.symptoms);
  const temperature = params.temperature ?? null;
  if (
    temperature !== null &&
    (temperature < PLAUSIBLE_TEMPERATURE_C.min || temperature > PLAUSIBLE_TEMPERATURE_C.max)
  ) {
    throw new DomainError('TEMPERATURE_INVALID', undefined, { temperature: 'range' });
  }
  const date = shanghaiDate(ctx.now);
  const record: CheckInDoc = {
    _id: `${person._id}_${date}`,
    personId: person._id,
    date,
    symptoms,
    temperature,
    contact: params.contact,
    travel: params.travel ? seal(ctx.ports.keys(), params.travel) : null,
    at: ctx.now,
  };
  const { _id, ...content } = record;
  await ctx.db.runTransaction(async (tx: Tx) => {
    // the same day's earlier check-in is replaced (rule 1: one declaration a day)
    await tx.collection('checkins').doc(_id).set({ data: content });
    await tx
      .collection('persons')
      .doc(person._id)
      .update({ data: { latestCheckIn: ctx.db.command.set({ date, symptoms }), updatedAt: ctx.now } });
  });
  return { date, color: person.color };
}

/** Seeds still worth keeping: valid at some moment of the last 24 hours (late offline syncs, API.md 2.2). */
function keptSeeds(seeds: StoredSeed[], now: Date): StoredSeed[] {
  // at most the newest MAX_SEEDS: a client asking for codes in a loop cannot grow the person or slow its scans
  return seeds.filter((s) => seedValidUntil(s) >= now.getTime() - LATE_SYNC_MAX_MS).slice(-MAX_SEEDS + 1);
}

const MAX_SEEDS = 20;

export async function code(ctx: RequestContext): Promise<CitizenReplies['code']> {
  if (epidemicEnded(ctx.now)) throw new DomainError('EPIDEMIC_ENDED');
  const keys = ctx.ports.keys();
  const seed = newSeed();
  const person = await withNewSeed(
    ctx,
    await refreshNational(ctx, await requireCitizen(ctx)),
    seal(keys, seed),
  );
  return {
    codeId: person.codeId,
    seed,
    stepSeconds: STEP_SECONDS,
    window: STEP_WINDOW,
    color: person.color,
    colorReason: person.colorReason,
    issuedAt: ctx.now.toISOString(),
    // API.md 2.3: one signature per code fetch, of the color as it stands after the national check above
    pass: issuePass(
      ctx.ports.passKeys(),
      { codeId: person.codeId, color: person.color, maskedName: person.masked.name },
      ctx.now,
      ctx.now.getTime() + SEED_LIFETIME_MS,
    ),
  };
}

/** Attempts at writing a seed while others change the person at the same moment. */
const SEED_ATTEMPTS = 4;

/**
 * The new seed (and the national status's new dates, if the platform was asked) in one conditional update: it
 * applies only while the person is as read (same `updatedAt`), so that two fetches at once never drop a seed; else
 * the person is read again. The previous seed stays valid for 5 more minutes; a seed is issued for 7 days.
 */
async function withNewSeed(
  ctx: RequestContext,
  refresh: NationalRefresh,
  sealed: string,
): Promise<PersonDoc> {
  const _ = ctx.db.command;
  const persons = new Repository<PersonDoc>(ctx.db, 'persons');
  let { person } = refresh;
  for (let attempt = 1; ; attempt++) {
    const seeds = keptSeeds(
      person.seeds.map((s) => (s.supersededAt ? s : { ...s, supersededAt: ctx.now })),
      ctx.now,
    );
    seeds.push({ seed: sealed, issuedAt: ctx.now, supersededAt: null });
    // updatedAt is the version the update is conditioned on, so it must move on every write: two fetches in the
    // same millisecond would otherwise leave the same value, and a third, conditioned on it, overwrite a seed
    const read = person.updatedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    const written = await persons.updateWhere(
      { _id: person._id, updatedAt: person.updatedAt ?? _.exists(false) },
      { seeds: _.set(seeds), updatedAt: new Date(Math.max(ctx.now.getTime(), read + 1)), ...refresh.stamp },
    );
    if (written === 1) return person;
    if (attempt === SEED_ATTEMPTS) throw new DomainError('CONFLICT');
    person = await requireCitizen(ctx);
  }
}

export async function history(
  params: CitizenParams<'history'>,
  ctx: RequestContext,
): Promise<CitizenReplies['history']> {
  const person = await requireCitizen(ctx);
  const page = await pageNewestFirst<ScanDoc>(
    ctx,
    'citizen.history',
    'scans',
    { personId: person._id },
    'scannedAt',
    params,
  );
  return {
    items: page.items.map((scan) => ({
      scanId: scan._id,
      at: scan.scannedAt.toISOString(),
      siteName: scan.site.name,
      color: scan.color,
      temperature: scan.temperature,
      decision: scan.decision,
    })),
    next: page.next,
  };
}

/** Extension: the caller's own mobile from WeChat (getPhoneNumber), to fill the registration form. */
export async function phoneNumber(
  params: CitizenParams<'phoneNumber'>,
  ctx: RequestContext,
): Promise<CitizenReplies['phoneNumber']> {
  try {
    const phone = await ctx.ports.phoneNumbers.fromCode(params.code);
    if (phone === null)
      throw new DomainError('BAD_REQUEST', '手机号授权已失效，请重试或手动填写', { code: 'format' });
    return { phone };
  } catch (err) {
    if (isServiceUnavailable(err)) return { phone: null };
    throw err;
  }
}
