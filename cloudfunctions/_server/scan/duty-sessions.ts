/**
 * Duty sessions (regulation rule 7): a scanner scans only while on duty at a position — holding it, active, at the
 * site. A session lasts a working day unless it ends first: the holder goes on duty elsewhere (rule 12: one chosen
 * role at a time), their own code stops being green, or the position changes holder or status. A session that
 * ended keeps its end, so that a scan synced late is judged by the duty as it was when the scan was taken.
 */
import type { Tx } from '../cloud';
import type { DutySession, PositionDoc } from '../db/documents';
import type { SystemContext } from '../router';

/** A duty session lasts a working day; after that the scanner goes on duty again. */
export const DUTY_LIFETIME_MS = 12 * 3600_000;

/** Duty sessions kept for late offline syncs (a day's worth at most). */
export const DUTY_LOG_LENGTH = 10;

/** When the session ends (or ended): its lifetime, or earlier if something ended it. */
export function sessionEnd(session: DutySession): number {
  const lifetime = session.since.getTime() + DUTY_LIFETIME_MS;
  return session.endedAt ? Math.min(session.endedAt.getTime(), lifetime) : lifetime;
}

/** The session is this caller's, and `at` falls within it: from its start up to (not including) its end. */
export function covers(session: DutySession, openid: string, at: Date): boolean {
  return (
    session.openid === openid && at.getTime() >= session.since.getTime() && at.getTime() < sessionEnd(session)
  );
}

/** The log with every session still running at `at` ended there; null when none was running (nothing to write). */
export function endedAt(log: DutySession[] | undefined, at: Date): DutySession[] | null {
  const sessions = log ?? [];
  const running = (s: DutySession) => sessionEnd(s) > at.getTime();
  if (!sessions.some(running)) return null;
  return sessions.map((s) => (running(s) ? { ...s, endedAt: at } : s));
}

/** Ends the holder's duty session at a position (if it is still theirs), keeping its end for late syncs. */
export async function endDutyIn(
  tx: Tx,
  ctx: SystemContext,
  positionId: string,
  openid: string,
): Promise<void> {
  const _ = ctx.db.command;
  const { data } = await tx.collection('positions').doc(positionId).get();
  const position = data as unknown as PositionDoc | null;
  if (!position || position.onDuty?.openid !== openid) return;
  const log = endedAt(position.dutyLog, ctx.now);
  await tx
    .collection('positions')
    .doc(positionId)
    .update({ data: { onDuty: null, ...(log ? { dutyLog: _.set(log) } : {}) } });
}
