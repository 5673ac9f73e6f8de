/**
 * scan.roles (regulation rule 12): every position the caller holds, so that they pick the identity they go on
 * duty as. Opening scan mode is a login: it counts as activity of each active position (rule 10).
 */
import type { ScanReplies } from '../../../miniprogram/core/contracts/scan.contract';
import { positionsOf, sitesById } from '../org/positions';
import type { RequestContext } from '../router';

export async function roles(ctx: RequestContext): Promise<ScanReplies['roles']> {
  const _ = ctx.db.command;
  const held = await positionsOf(ctx.db).find({ 'holder.openid': ctx.openid }, { limit: 100 });
  const sites = await sitesById(
    ctx.db,
    held.map((p) => p.siteId),
  );
  const active = held.filter((p) => p.status === 'active').map((p) => p._id);
  if (active.length) {
    await positionsOf(ctx.db).updateWhere({ _id: _.in(active), status: 'active' }, { lastActiveAt: ctx.now });
  }
  return {
    items: held.map((p) => {
      const site = sites.get(p.siteId);
      return {
        positionId: p._id,
        role: p.role,
        status: p.status,
        site: { id: p.siteId, name: site?.name ?? '', type: site?.type ?? 'other' },
      };
    }),
  };
}
