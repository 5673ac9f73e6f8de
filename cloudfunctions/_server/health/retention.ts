/**
 * Retention (regulation rule 3: "所获取的个人健康数据仅限此次防疫期间使用"). Once the epidemic period has ended
 * (JXM_EPIDEMIC_END, ISO-8601), the daily retentionPurge deletes health data older than the retention
 * (JXM_RETENTION_DAYS, default 30 days): check-ins, scans, alerts, color events, the province's risk flags, open
 * on-site fevers, and the facts kept on each person (latest check-in and reading, the national platform's status,
 * the list's flag, provincial decision, quarantine dates) with the color they decided.
 * Identities, positions and the audit log are kept. Before the end, nothing is deleted.
 */
import { UNVERIFIED, colorOf, type HealthFacts } from '../../../miniprogram/core/health-code.rules';
import { logEvent } from '../log';
import type { PersonDoc } from '../db/documents';
import { Repository } from '../db/repository';
import type { SystemContext } from '../router';
import { changeHealthFacts } from './health-facts';

export const DEFAULT_RETENTION_DAYS = 30;

/** A person's facts once purged: none, not even the national platform's (unverified). */
const NOTHING_KNOWN: HealthFacts = { national: UNVERIFIED, listFlag: null, fever: null, provincial: null };
const UNKNOWN_COLOR = colorOf(NOTHING_KNOWN);

/** The dated health collections and the field that dates each document. */
const HEALTH_DATA = [
  ['checkins', 'at'],
  ['scans', 'scannedAt'],
  ['alerts', 'at'],
  ['refusals', 'at'],
  ['push_outbox', 'createdAt'],
  ['code_events', 'at'],
  ['risk_flags', 'flaggedAt'],
] as const;

export function retentionSettings(env: NodeJS.ProcessEnv = process.env): { end: Date | null; days: number } {
  const end = env.JXM_EPIDEMIC_END ? new Date(env.JXM_EPIDEMIC_END) : null;
  // unset or empty is the default: an empty setting must not mean "keep nothing"
  const raw = env.JXM_RETENTION_DAYS?.trim() || undefined;
  const days = Number(raw ?? DEFAULT_RETENTION_DAYS);
  return {
    end: end && !Number.isNaN(end.getTime()) ? end : null,
    days: Number.isFinite(days) && days >= 0 ? days : DEFAULT_RETENTION_DAYS,
  };
}

/** Rule 3: after the end of the epidemic period no health data is collected (API.md v1.1: EPIDEMIC_ENDED). */
export function epidemicEnded(now: Date, env: NodeJS.ProcessEnv = process.env): boolean {
  const { end } = retentionSettings(env);
  return end !== null && now.getTime() >= end.getTime();
}

export async function retentionPurge(ctx: SystemContext): Promise<Record<string, number | boolean | string>> {
  const { end, days } = retentionSettings();
  if (!end || ctx.now.getTime() < end.getTime()) {
    return { purged: false, reason: end ? 'epidemic period not over' : 'JXM_EPIDEMIC_END not set' };
  }
  const cutoff = new Date(ctx.now.getTime() - days * 24 * 3600_000);
  const _ = ctx.db.command;
  const removed: Record<string, number> = {};
  for (const [collection, field] of HEALTH_DATA) {
    removed[collection] = await new Repository<{ _id: string }>(ctx.db, collection).removeWhere({
      [field]: _.lt(cutoff),
    });
  }
  const persons = new Repository<PersonDoc>(ctx.db, 'persons');
  // the health facts kept on the persons themselves — the latest check-in and reading, the national platform's
  // status and dates, the list's flag, the province's decision, a fever — and the color they decided: nothing is
  // known of a person any more, and the color says so (bw, unverified). Before the open fevers are closed below,
  // which dates those persons now; dated now themselves, they are not cleared again tomorrow.
  const cleared = await persons.updateWhere(
    { updatedAt: _.lt(cutoff) },
    {
      national: _.set(NOTHING_KNOWN.national),
      listFlag: null,
      fever: null,
      provincial: null,
      latestCheckIn: null,
      lastReadingAt: null,
      color: UNKNOWN_COLOR.color,
      colorReason: UNKNOWN_COLOR.reason,
      colorSince: ctx.now,
      updatedAt: ctx.now,
    },
  );
  let fevers = 0;
  for (;;) {
    const open = await persons.find({ 'fever.openedAt': _.lt(cutoff) }, { limit: 100 });
    if (open.length === 0) break;
    for (const person of open) {
      await changeHealthFacts(
        ctx,
        person._id,
        (facts) => ({ ...facts, fever: null }),
        'system:retentionPurge',
      );
      fevers++;
    }
  }
  logEvent('retention_purge', { ...removed, fevers, cleared });
  return { purged: true, cutoff: cutoff.toISOString(), ...removed, fevers, personsCleared: cleared };
}
