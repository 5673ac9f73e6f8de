/**
 * `actingPositionId` (API.md `org`): it only selects one of the caller's own positions. Someone else's position,
 * or one that does not exist, is FORBIDDEN (so that ids cannot be probed); a disabled one is POSITION_DISABLED.
 * Every action taken in a position counts as its holder's activity (rule 10, the silent sweep); the mark is written
 * when the last one is ten minutes old or more, so that a desk at work does not write its position on every call.
 */
import type { Role } from '../../../miniprogram/core/org';
import { DomainError } from '../envelope';
import type { PositionDoc } from '../db/documents';
import { Repository } from '../db/repository';
import type { RequestContext } from '../router';

export async function actingPosition(
  ctx: RequestContext,
  positionId: string,
  allowedRoles: readonly Role[],
): Promise<PositionDoc> {
  const positions = new Repository<PositionDoc>(ctx.db, 'positions');
  const position = actingAs(ctx, await positions.get(positionId), allowedRoles);
  await markActive(ctx, position);
  return position;
}

/**
 * The checks of `actingPosition` on a position already read (null: there is none), for a use case that reads it
 * together with its other reads; it writes nothing (see `markActive`).
 */
export function actingAs(
  ctx: RequestContext,
  position: PositionDoc | null,
  allowedRoles: readonly Role[],
): PositionDoc {
  if (!position || position.holder.openid !== ctx.openid) throw new DomainError('FORBIDDEN');
  if (position.status !== 'active') throw new DomainError('POSITION_DISABLED');
  if (!allowedRoles.includes(position.role)) throw new DomainError('FORBIDDEN');
  return position;
}

/**
 * How stale a position's activity mark may be before a read writes it again: a list paged through writes once,
 * not once a page. The silent sweep (rule 10: 15 days) allows for it: it waits these ten minutes longer.
 */
export const ACTIVITY_MARK_EVERY_MS = 10 * 60_000;

/** Rule 10, reads count as activity: marks the position active unless it was marked in the last ten minutes. */
export async function markActive(ctx: RequestContext, position: PositionDoc): Promise<void> {
  const last = position.lastActiveAt instanceof Date ? position.lastActiveAt.getTime() : 0;
  if (ctx.now.getTime() - last < ACTIVITY_MARK_EVERY_MS) return;
  await new Repository<PositionDoc>(ctx.db, 'positions').update(position._id, { lastActiveAt: ctx.now });
}

/**
 * The value of a settled promise, or its rejection thrown: reads sent together with the acting position
 * (`Promise.allSettled`), judged in the order the use case chooses — the position first, so that nothing read
 * beside it answers for a caller who may not act in it.
 */
export function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
