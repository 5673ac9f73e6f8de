/**
 * `actingPositionId` (API.md `org`): it only selects one of the caller's own positions. Someone else's position,
 * or one that does not exist, is FORBIDDEN (so that ids cannot be probed); a disabled one is POSITION_DISABLED.
 * Every action taken in a position counts as its holder's activity (rule 10, the silent sweep).
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
  const position = await positions.get(positionId);
  if (!position || position.holder.openid !== ctx.openid) throw new DomainError('FORBIDDEN');
  if (position.status !== 'active') throw new DomainError('POSITION_DISABLED');
  if (!allowedRoles.includes(position.role)) throw new DomainError('FORBIDDEN');
  await positions.update(position._id, { lastActiveAt: ctx.now });
  return position;
}
