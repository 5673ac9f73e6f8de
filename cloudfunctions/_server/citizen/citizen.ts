/** citizen.profile, checkIn, code and history (regulation rule 1; API.md `citizen`, sections 2 and 2.2). */
import type { CitizenParams, CitizenReplies } from '../../../miniprogram/core/contracts/citizen.contract';
import { shanghaiDate } from '../../../miniprogram/core/calendar';
import {
  LATE_SYNC_MAX_MS,
  STEP_SECONDS,
  STEP_WINDOW,
  seedValidUntil,
} from '../../../miniprogram/core/dynamic-code';
import { PLAUSIBLE_TEMPERATURE_C, type Symptom } from '../../../miniprogram/core/health-code.rules';
import type { CheckInDoc, PersonDoc, ScanDoc, StoredSeed } from '../db/documents';
import { pageNewestFirst } from '../db/paging';
import { Repository } from '../db/repository';
import { DomainError } from '../envelope';
import { isServiceUnavailable } from '../ports';
import { changeHealthFacts, factsOf } from '../health/health-facts';
import { newSeed, seal, unseal } from '../privacy/personal-data';
import type { Tx } from '../cloud';
import type { RequestContext, SystemContext } from '../router';
import { nationalFactsFor } from './register';

export async function requireCitizen(ctx: RequestContext): Promise<PersonDoc> {
  const person = await new Repository<PersonDoc>(ctx.db, 'persons').first({ openid: ctx.openid });
  if (!person) throw new DomainError('NOT_REGISTERED');
  return person;
}

/**
 * A bw code asks the national platform again; once it answers, the code gets its real color (API.md
 * `register`). Called on every profile and code request, and by the `nationalRecheck` timer.
 */
/** When each bw person last asked the platform from this function instance: at most once a minute each. */
const lastAsked = new Map<string, number>();
const ASK_EVERY_MS = 60_000;

export async function upgradeIfUnverified(
  ctx: SystemContext,
  person: PersonDoc,
  throttled = true,
): Promise<PersonDoc> {
  if (person.national.verified) return person;
  // while the platform is down, a citizen opening the code page must not wait on it twice a visit
  const asked = lastAsked.get(person._id);
  if (throttled && asked !== undefined && ctx.now.getTime() - asked < ASK_EVERY_MS) return person;
  lastAsked.set(person._id, ctx.now.getTime());
  if (lastAsked.size > 10_000) lastAsked.clear();
  const idNumber = unseal(ctx.ports.keys(), person.sealed.idNumber);
  const found = await nationalFactsFor(ctx, { idNumber, idHash: person.idHash }, factsOf(person));
  if (!found.national.verified) return person;
  const { person: updated } = await changeHealthFacts(
    ctx,
    person._id,
    (facts) => (facts.national.verified ? null : { ...facts, national: found.national }),
    'system:nationalRecheck',
  );
  return updated;
}

export async function profile(ctx: RequestContext): Promise<CitizenReplies['profile']> {
  const person = await upgradeIfUnverified(ctx, await requireCitizen(ctx));
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
  const person = await upgradeIfUnverified(ctx, await requireCitizen(ctx));
  const keys = ctx.ports.keys();
  const seed = newSeed();
  await ctx.db.runTransaction(async (tx: Tx) => {
    const persons = tx.collection('persons');
    const { data } = await persons.doc(person._id).get();
    const current = data as unknown as PersonDoc;
    // the previous seed stays valid for 5 more minutes; a seed is issued for 7 days
    const seeds = keptSeeds(
      current.seeds.map((s) => (s.supersededAt ? s : { ...s, supersededAt: ctx.now })),
      ctx.now,
    );
    seeds.push({ seed: seal(keys, seed), issuedAt: ctx.now, supersededAt: null });
    await persons.doc(person._id).update({ data: { seeds: ctx.db.command.set(seeds), updatedAt: ctx.now } });
  });
  return {
    codeId: person.codeId,
    seed,
    stepSeconds: STEP_SECONDS,
    window: STEP_WINDOW,
    color: person.color,
    colorReason: person.colorReason,
    issuedAt: ctx.now.toISOString(),
  };
}

export async function history(
  params: CitizenParams<'history'>,
  ctx: RequestContext,
): Promise<CitizenReplies['history']> {
  const person = await requireCitizen(ctx);
  const page = await pageNewestFirst<ScanDoc>(ctx.db, 'scans', { personId: person._id }, 'scannedAt', params);
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
