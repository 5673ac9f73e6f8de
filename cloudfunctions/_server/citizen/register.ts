/**
 * citizen.register (regulation rules 1–3): real-name registration of one code per WeChat account and per ID
 * number. The identity is checked for real (GB 11643, names, mainland mobiles), verified with the real-name
 * service, sealed at rest with a blind index for the ID number, and the first color comes from the national
 * platform and the province's risk list — `bw` while the platform cannot be reached.
 */
import type { CitizenParams, CitizenReplies } from '../../../miniprogram/core/contracts/citizen.contract';
import { shanghaiDate } from '../../../miniprogram/core/calendar';
import type { FieldErrors } from '../../../miniprogram/core/errors';
import {
  UNVERIFIED,
  colorOf,
  withListRow,
  withNationalAnswer,
  withNationalUnanswered,
  type HealthFacts,
} from '../../../miniprogram/core/health-code.rules';
import {
  checkIdNumber,
  checkName,
  checkPhone,
  maskIdNumber,
  maskName,
  maskPhone,
} from '../../../miniprogram/core/identity';
import type { PersonDoc, RiskFlagDoc } from '../db/documents';
import { Repository, isDuplicateKeyError } from '../db/repository';
import { DomainError } from '../envelope';
import { logEvent } from '../log';
import { isServiceUnavailable } from '../ports';
import { blindIndex, randomId, seal } from '../privacy/personal-data';
import type { Tx } from '../cloud';
import type { RequestContext, SystemContext } from '../router';
import { codeEvent } from '../health/health-facts';
import { epidemicEnded } from '../health/retention';

/** Checks name, ID number and phone; every problem is named, the first decides the code. */
export function checkIdentity(
  params: { name: string; idNumber: string; phone: string },
  today: string,
): { name: string; idNumber: string; phone: string } {
  const name = checkName(params.name);
  const id = checkIdNumber(params.idNumber, today);
  const phone = checkPhone(params.phone);
  const fields: FieldErrors = {};
  if (!name.ok) fields.name = name.problem;
  if (!id.ok) fields.idNumber = id.problem;
  if (!phone.ok) fields.phone = phone.problem;
  if (!name.ok) throw new DomainError('NAME_INVALID', undefined, fields);
  if (!id.ok) throw new DomainError('ID_INVALID', undefined, fields);
  if (!phone.ok) throw new DomainError('PHONE_INVALID', undefined, fields);
  return { name: name.value, idNumber: id.value, phone: phone.value };
}

/**
 * A new person's first facts: the platform's answer (fresh from now) and, apart from it, the province's own risk
 * flag for that ID number (imported before the person registered). Unreachable platform and no flag of the list:
 * unverified (bw); a `cleared` row is no flag and does not stand in for the national check. After the end of the
 * epidemic period neither is asked (rule 3: no health data is collected): unverified.
 */
export async function nationalFactsFor(
  ctx: SystemContext,
  identity: { idNumber: string; idHash: string },
  facts: HealthFacts,
  /** The province's list's flag for the ID number, already read (null: none). */
  flag: RiskFlagDoc | null,
): Promise<HealthFacts> {
  if (epidemicEnded(ctx.now)) return facts;
  let next = facts;
  try {
    next = withNationalAnswer(next, await ctx.ports.national.check(identity), ctx.now);
  } catch (err) {
    if (!isServiceUnavailable(err)) throw err;
    logEvent('national_unavailable', { at: 'check' });
    next = withNationalUnanswered(next, ctx.now);
  }
  return flag ? withListRow(next, flag, flag.flaggedAt) : next;
}

/** Which unique index refused the insert: the account already has a code, or the ID number does. */
function duplicateCode(err: unknown): 'ALREADY_REGISTERED' | 'ID_TAKEN' | null {
  if (!isDuplicateKeyError(err)) return null;
  const message = String((err as { message?: unknown }).message ?? '');
  if (/index:\s*openid/.test(message)) return 'ALREADY_REGISTERED';
  if (/index:\s*idHash/.test(message)) return 'ID_TAKEN';
  return null;
}

export async function register(
  params: CitizenParams<'register'>,
  ctx: RequestContext,
): Promise<CitizenReplies['register']> {
  const identity = checkIdentity(params, shanghaiDate(ctx.now));
  const keys = ctx.ports.keys();
  const idHash = blindIndex(keys, 'id', identity.idNumber);
  const persons = new Repository<PersonDoc>(ctx.db, 'persons');
  // the reads sent together; what they say is told in the order below
  const [mine, holder, flag] = await Promise.all([
    persons.first({ openid: ctx.openid }),
    persons.first({ idHash }),
    new Repository<RiskFlagDoc>(ctx.db, 'risk_flags').get(idHash),
  ]);
  if (mine) throw new DomainError('ALREADY_REGISTERED');

  // the name must belong to the ID number before anyone learns whether that ID number has a code
  let verdict: 'match' | 'mismatch';
  try {
    verdict = await ctx.ports.realname.verify({ name: identity.name, idNumber: identity.idNumber });
  } catch (err) {
    if (isServiceUnavailable(err)) throw new DomainError('REALNAME_UNAVAILABLE');
    throw err;
  }
  if (verdict !== 'match') throw new DomainError('REALNAME_MISMATCH');
  if (holder) throw new DomainError('ID_TAKEN');

  const facts = await nationalFactsFor(
    ctx,
    { idNumber: identity.idNumber, idHash },
    { national: UNVERIFIED, listFlag: null, fever: null, provincial: null },
    flag,
  );
  const decision = colorOf(facts);
  const masked = {
    name: maskName(identity.name),
    idNumber: maskIdNumber(identity.idNumber),
    phone: maskPhone(identity.phone),
  };
  const person: PersonDoc = {
    _id: randomId(12),
    openid: ctx.openid,
    idHash,
    codeId: randomId(8),
    sealed: {
      name: seal(keys, identity.name),
      idNumber: seal(keys, identity.idNumber),
      phone: seal(keys, identity.phone),
    },
    masked,
    ...facts,
    color: decision.color,
    colorReason: decision.reason,
    colorSince: ctx.now,
    seeds: [],
    latestCheckIn: null,
    registeredAt: ctx.now,
    updatedAt: ctx.now,
  };
  try {
    await ctx.db.runTransaction(async (tx: Tx) => {
      await tx.collection('persons').add({ data: person });
      await tx.collection('code_events').add({
        data: codeEvent(person._id, null, decision, 'system:register', ctx.now),
      });
    });
  } catch (err) {
    // two registrations racing: the unique indexes let exactly one through
    const code = duplicateCode(err);
    if (code) throw new DomainError(code);
    throw err;
  }
  logEvent('citizen_registered', { color: decision.color });
  return { personId: person._id, masked, color: decision.color };
}
