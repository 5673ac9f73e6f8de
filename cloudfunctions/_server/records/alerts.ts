/**
 * Alerts (rule 15): every scanner sees the alerts raised at or below it; an agency (有关部门, API.md v1.1) those of
 * every site its region covers — one indexed query either way (`scopeAncestors` or `regionPrefixes`, with `at`).
 * An agency or the initiator records what was done about one (`handleAlert`, audited), and an agency sees the
 * scans, fevers, non-green codes and refusals of its region per city or district (`regionStats`).
 */
import type { RecordsParams, RecordsReplies } from '../../../miniprogram/core/contracts/records.contract';
import { ROLES } from '../../../miniprogram/core/org';
import {
  PROVINCE_REGION,
  isJilinRegion,
  regionChildren,
  regionCovers,
  regionName,
  regionPrefix,
} from '../../../miniprogram/core/regions';
import { auditRow } from '../audit';
import type { Tx } from '../cloud';
import type { AlertDoc, PositionDoc } from '../db/documents';
import { pageNewestFirst } from '../db/paging';
import { Repository } from '../db/repository';
import { DomainError } from '../envelope';
import { actingAs, actingPosition, markActive, settled } from '../org/acting-position';
import { positionsOf } from '../org/positions';
import type { RequestContext } from '../router';

/** An agency's region prefix (its site's, kept on the position); `22`, the province, if it has none. */
export function agencyPrefix(agency: PositionDoc): string {
  return agency.regionPrefix ?? regionPrefix(PROVINCE_REGION);
}

/** The alert lies in an agency's region (a scanner's alerts are those raised at or below it: `scopeAncestors`). */
export function alertInRegion(agency: PositionDoc, alert: AlertDoc): boolean {
  return (alert.regionPrefixes ?? ['22']).includes(agencyPrefix(agency));
}

/**
 * One page of the alerts in the actor's remit, the filters (status, kind) after the scope or the region in one
 * index each (collections.ts). A scanner's page is read together with the acting position (its query needs only
 * the position's id: one stage of round trips); an agency's region is on its position, so its page follows the
 * position (the scope page read beside it finds nothing: no scan is made at or below an agency, and it is
 * dropped). Nothing is written but the activity mark, at most every ten minutes, beside the agency's page.
 */
export async function alerts(
  params: RecordsParams<'alerts'>,
  ctx: RequestContext,
): Promise<RecordsReplies['alerts']> {
  const pageOf = (remit: Record<string, unknown>) =>
    pageNewestFirst<AlertDoc>(
      ctx,
      'records.alerts',
      'alerts',
      {
        ...remit,
        ...(params.status ? { status: params.status } : {}),
        ...(params.kind ? { kind: params.kind } : {}),
      },
      'at',
      params,
    );
  const [position, inScope] = await Promise.allSettled([
    positionsOf(ctx.db).get(params.actingPositionId),
    pageOf({ scopeAncestors: params.actingPositionId }),
  ]);
  const actor = actingAs(ctx, settled(position), ROLES);
  let page: Awaited<ReturnType<typeof pageOf>>;
  if (actor.role === 'agency') {
    [page] = await Promise.all([pageOf({ regionPrefixes: agencyPrefix(actor) }), markActive(ctx, actor)]);
  } else {
    page = settled(inScope);
    await markActive(ctx, actor);
  }
  return {
    items: page.items.map((a) => ({
      alertId: a._id,
      at: a.at.toISOString(),
      kind: a.kind,
      site: a.site,
      ...(a.scanId ? { scanId: a.scanId } : {}),
      ...(a.person ? { person: a.person } : {}),
      ...(a.color ? { color: a.color } : {}),
      ...(a.temperature !== undefined ? { temperature: a.temperature } : {}),
      status: a.status ?? 'open',
      ...(a.handled
        ? {
            handled: {
              at: a.handled.at.toISOString(),
              outcome: a.handled.outcome,
              note: a.handled.note,
              by: a.handled.by,
            },
          }
        : {}),
    })),
    next: page.next,
  };
}

/**
 * API.md v1.1 `handleAlert`: an agency whose region covers the alert, or the initiator, records the outcome, in one
 * transaction with its audit row; the alert is read again inside it, so that of two at once one wins and the other
 * is CONFLICT.
 */
export async function handleAlert(
  params: RecordsParams<'handleAlert'>,
  ctx: RequestContext,
): Promise<RecordsReplies['handleAlert']> {
  const actor = await actingPosition(ctx, params.actingPositionId, ['initiator', 'agency']);
  const alert = await new Repository<AlertDoc>(ctx.db, 'alerts').get(params.alertId);
  if (!alert) throw new DomainError('NOT_FOUND');
  if (actor.role === 'agency' && !alertInRegion(actor, alert)) throw new DomainError('FORBIDDEN');
  if (alert.status === 'handled') throw new DomainError('CONFLICT', '该异常已处置');
  const handled = {
    at: ctx.now,
    outcome: params.outcome,
    note: params.note ?? null,
    by: { positionId: actor._id, name: actor.holder.masked?.name ?? '' },
  };
  const row = auditRow(ctx, {
    action: 'records.handleAlert',
    actorPositionId: actor._id,
    actorOpenid: ctx.openid,
    target: alert._id,
    reason: params.note ?? null,
    details: { outcome: params.outcome, kind: alert.kind },
  });
  await ctx.db.runTransaction(async (tx: Tx) => {
    const { data } = await tx.collection('alerts').doc(alert._id).get();
    if ((data as unknown as AlertDoc).status === 'handled') throw new DomainError('CONFLICT', '该异常已处置');
    await tx
      .collection('alerts')
      .doc(alert._id)
      .update({ data: { status: 'handled', handled: ctx.db.command.set(handled) } });
    await tx.collection('audit').add({ data: row });
  });
  return { status: 'handled' };
}

/** Region × (site region) groups of one query: far more than Jilin has districts. */
const REGION_GROUPS = 1_000;

/**
 * regionStats (an extension, rule 15): the figures of a period per city (for the province) or per district (for a
 * city), over the scans and refusals of the sites in the region. Through the same index as `stats`
 * (`scopeAncestors` + time, with the root position, which every scan and refusal carries), grouped by region.
 */
export async function regionStats(
  params: RecordsParams<'regionStats'>,
  ctx: RequestContext,
): Promise<RecordsReplies['regionStats']> {
  const actor = await actingPosition(ctx, params.actingPositionId, ['initiator', 'agency']);
  if (params.from.getTime() > params.to.getTime())
    throw new DomainError('BAD_REQUEST', undefined, { to: 'range' });
  const own = actor.role === 'agency' ? agencyPrefix(actor).padEnd(6, '0') : PROVINCE_REGION;
  const region = params.regionCode ?? own;
  if (!isJilinRegion(region))
    throw new DomainError('BAD_REQUEST', '地区代码不是吉林省的行政区划代码', { regionCode: 'format' });
  if (!regionCovers(own, region)) throw new DomainError('FORBIDDEN');
  const root = actor.ancestors[0] ?? actor._id;
  const prefix = regionPrefix(region);
  const _ = ctx.db.command;
  const $ = _.aggregate;
  // the sites of the region: their codes begin with its prefix
  const inRegion = ctx.db.RegExp({ regexp: `^${prefix}` });
  const [scans, refusals] = await Promise.all([
    ctx.db
      .collection('scans')
      .aggregate()
      .match({
        scopeAncestors: root,
        scannedAt: _.gte(params.from).and(_.lte(params.to)),
        regionCode: inRegion,
      })
      .group({
        _id: '$regionCode',
        scans: $.sum(1),
        fever: $.sum($.cond({ if: '$fever', then: 1, else: 0 })),
        nonGreen: $.sum($.cond({ if: $.in(['$color', ['yellow', 'orange', 'red']]), then: 1, else: 0 })),
      })
      .limit(REGION_GROUPS)
      .end(),
    ctx.db
      .collection('refusals')
      .aggregate()
      .match({
        scopeAncestors: root,
        at: _.gte(params.from).and(_.lte(params.to)),
        regionCode: inRegion,
      })
      .group({ _id: '$regionCode', refusals: $.sum(1) })
      .limit(REGION_GROUPS)
      .end(),
  ]);
  // one row per region directly below, and one for sites registered at the region itself (市本级)
  const children = regionChildren(region);
  const rows = new Map<string, RecordsReplies['regionStats']['rows'][number]>();
  const rowOf = (code: string) => {
    const child = children.find((c) => code.startsWith(regionPrefix(c.code)));
    const key = child?.code ?? region;
    let row = rows.get(key);
    if (!row) {
      row = {
        regionCode: key,
        name: child ? child.name : `${regionName(region)}（本级）`,
        scans: 0,
        fever: 0,
        nonGreen: 0,
        refusals: 0,
      };
      rows.set(key, row);
    }
    return row;
  };
  for (const g of scans.list as Array<{ _id: string; scans: number; fever: number; nonGreen: number }>) {
    const row = rowOf(g._id);
    row.scans += g.scans;
    row.fever += g.fever;
    row.nonGreen += g.nonGreen;
  }
  for (const g of refusals.list as Array<{ _id: string; refusals: number }>)
    rowOf(g._id).refusals += g.refusals;
  return {
    regionCode: region,
    rows: [...rows.values()].sort((a, b) => b.scans - a.scans || a.regionCode.localeCompare(b.regionCode)),
  };
}
