/**
 * Health timers of the `cron` function: quarantineRelease (hourly, regulation rule 4) and nationalRecheck
 * (every ten minutes: bw codes ask the national platform again until it answers).
 */
import {
  nationalAnswerEffect,
  quarantineEndOf,
  quarantineReleasable,
  withNationalAnswer,
  withQuarantineReleased,
} from '../../../miniprogram/core/health-code.rules';
import { shanghaiDate } from '../../../miniprogram/core/calendar';
import { refreshNational } from '../citizen/citizen';
import type { PersonDoc } from '../db/documents';
import { Repository } from '../db/repository';
import { logEvent } from '../log';
import { isServiceUnavailable } from '../ports';
import { unseal } from '../privacy/personal-data';
import type { SystemContext } from '../router';
import { changeHealthFacts, factsOf } from './health-facts';
import { epidemicEnded } from './retention';

const PAGE = 100;

/**
 * Rule 4's release, with the check-in that counts: the latest one, and only if it was made on or after the day
 * the quarantine ended (a symptom-free declaration from before the end says nothing about after it).
 */
function releasable(
  facts: Parameters<typeof quarantineReleasable>[0],
  latestCheckIn: PersonDoc['latestCheckIn'],
  now: Date,
): boolean {
  const until = quarantineEndOf(facts);
  if (!until || !latestCheckIn || latestCheckIn.date < shanghaiDate(until)) return false;
  return quarantineReleasable(facts, latestCheckIn.symptoms, now);
}

/** Every person of one color, page by page through the color index (ids ascending). */
async function* personsOfColor(
  ctx: SystemContext,
  filter: Record<string, unknown>,
): AsyncGenerator<PersonDoc> {
  const persons = new Repository<PersonDoc>(ctx.db, 'persons');
  const _ = ctx.db.command;
  let after = '';
  for (;;) {
    const page = await persons.find(
      { ...filter, _id: _.gt(after) },
      { orderBy: [['_id', 'asc']], limit: PAGE },
    );
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]._id;
  }
}

/** A timer's answer once the epidemic period has ended: it did nothing (rule 3). */
function afterTheEpidemic<T extends Record<string, number>>(event: string, nothing: T): T & { ended: true } {
  logEvent(event, { ...nothing, ended: true });
  return { ...nothing, ended: true };
}

/**
 * The orange codes whose quarantine may have ended: the national one (`national.quarantineUntil`) or the list's
 * (`listFlag.quarantineUntil`), each through its own index; a person in both is seen twice, and released once.
 */
async function* endedQuarantines(ctx: SystemContext): AsyncGenerator<PersonDoc> {
  const _ = ctx.db.command;
  const seen = new Set<string>();
  for (const field of ['national.quarantineUntil', 'listFlag.quarantineUntil']) {
    for await (const person of personsOfColor(ctx, { color: 'orange', [field]: _.lte(ctx.now) })) {
      if (seen.has(person._id)) continue;
      seen.add(person._id);
      yield person;
    }
  }
}

export async function quarantineRelease(
  ctx: SystemContext,
): Promise<{ checked: number; released: number; ended?: true }> {
  // rule 3: after the end of the epidemic period the platform is not asked, and no code changes any more
  if (epidemicEnded(ctx.now)) return afterTheEpidemic('quarantine_release', { checked: 0, released: 0 });
  let checked = 0;
  let released = 0;
  for await (const person of endedQuarantines(ctx)) {
    checked++;
    if (!releasable(factsOf(person), person.latestCheckIn, ctx.now)) continue;
    // a clean national check: nothing flagged after the quarantine this code is serving
    let record;
    try {
      const idNumber = unseal(ctx.ports.keys(), person.sealed.idNumber);
      record = await ctx.ports.national.check({ idNumber, idHash: person.idHash });
    } catch (err) {
      if (isServiceUnavailable(err)) {
        logEvent('national_unavailable', { at: 'quarantineRelease' });
        return { checked, released };
      }
      throw err;
    }
    // a clean national check: nothing red, no quarantine still running, nothing newer than this quarantine
    const stillFlagged =
      record.status === 'confirmed' ||
      record.status === 'suspected' ||
      ((record.status === 'close_contact' || record.status === 'quarantine') &&
        (!record.quarantineUntil || record.quarantineUntil.getTime() > ctx.now.getTime()));
    const result = await changeHealthFacts(
      ctx,
      person._id,
      (facts, current) => {
        // the answer counts as any other (a new flag applies at once, the status is fresh from now); a new flag
        // is newer than the quarantine this code is serving: no release
        const answered = withNationalAnswer(facts, record, ctx.now);
        if (stillFlagged || nationalAnswerEffect(facts.national, record) === 'flag') return answered;
        return releasable(answered, current.latestCheckIn, ctx.now)
          ? withQuarantineReleased(answered, ctx.now)
          : answered;
      },
      'system:quarantineRelease',
    );
    if (result.person.color === 'green') released++;
  }
  logEvent('quarantine_release', { checked, released });
  return { checked, released };
}

export async function nationalRecheck(
  ctx: SystemContext,
): Promise<{ checked: number; upgraded: number; ended?: true }> {
  if (epidemicEnded(ctx.now)) return afterTheEpidemic('national_recheck', { checked: 0, upgraded: 0 });
  let checked = 0;
  let upgraded = 0;
  for await (const person of personsOfColor(ctx, { color: 'bw' })) {
    checked++;
    const { person: after } = await refreshNational(ctx, person, true);
    if (after.national.verified) upgraded++;
    else break; // still unreachable: try again at the next run
  }
  logEvent('national_recheck', { checked, upgraded });
  return { checked, upgraded };
}
