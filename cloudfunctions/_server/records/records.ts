/**
 * Scan data (regulation rule 11): every scanner sees its own scans and everything below it, masked — through one
 * indexed query on `scopeAncestors`, never a walk of the tree. Full values only through `reveal`, with the
 * provincial office's authorisation (a grant) and an audit row for every call.
 */
import type {
  GrantState,
  RecordsParams,
  RecordsReplies,
} from '../../../miniprogram/core/contracts/records.contract';
import { ROLES, SCANNER_ROLES } from '../../../miniprogram/core/org';
import { COLORS, type Color } from '../../../miniprogram/core/health-code.rules';
import { audit, auditRow } from '../audit';
import type { Tx } from '../cloud';
import type { AlertDoc, GrantDoc, PersonDoc, ScanDoc } from '../db/documents';
import { pageNewestFirst } from '../db/paging';
import { Repository } from '../db/repository';
import { DomainError } from '../envelope';
import { actingAs, actingPosition, markActive, settled } from '../org/acting-position';
import { alertInRegion } from './alerts';
import { positionsOf, siteInScope, sitesById, sitesOf } from '../org/positions';
import { randomId, unseal } from '../privacy/personal-data';
import type { RequestContext } from '../router';

/** The longest a reveal grant may run (API.md v1.1). */
export const GRANT_MAX_MS = 30 * 24 * 3600_000;

/** The most sites `stats` lists, busiest first (a province's scope may hold more: the totals count them all). */
const STATS_SITES = 10_000;

function scannedBetween(ctx: RequestContext, from?: Date, to?: Date): Record<string, unknown> {
  const _ = ctx.db.command;
  if (from && to) return { scannedAt: _.gte(from).and(_.lte(to)) };
  if (from) return { scannedAt: _.gte(from) };
  if (to) return { scannedAt: _.lte(to) };
  return {};
}

/**
 * One page of the scans in the actor's scope, in one stage of database round trips: the acting position, the
 * filtered site and the page are read together — the page's query needs only the position's id (the filter's
 * fields are the equality prefix of one index each: collections.ts) — and judged in order: the position
 * (FORBIDDEN, POSITION_DISABLED), the site, then the page (a cursor not issued for this list); a page read for a
 * position that turns out not to be the caller's is dropped unseen. Nothing is written but the activity mark, at
 * most every ten minutes (rule 10).
 */
export async function scans(
  params: RecordsParams<'scans'>,
  ctx: RequestContext,
): Promise<RecordsReplies['scans']> {
  const filter: Record<string, unknown> = {
    scopeAncestors: params.actingPositionId,
    ...scannedBetween(ctx, params.from, params.to),
    ...(params.siteId ? { 'site.id': params.siteId } : {}),
    ...(params.color ? { color: params.color } : {}),
  };
  const [position, site, found] = await Promise.allSettled([
    positionsOf(ctx.db).get(params.actingPositionId),
    params.siteId ? sitesOf(ctx.db).get(params.siteId) : Promise.resolve(null),
    pageNewestFirst<ScanDoc>(ctx, 'records.scans', 'scans', filter, 'scannedAt', params),
  ]);
  // an agency sees no scan lists (API.md v1.1): its alerts only
  const actor = actingAs(ctx, settled(position), SCANNER_ROLES);
  // a site outside the actor's rights is FORBIDDEN, not an empty list (API.md section 2)
  if (params.siteId) {
    const filtered = settled(site);
    if (!filtered || !siteInScope(actor, filtered)) throw new DomainError('FORBIDDEN');
  }
  const page = settled(found);
  await markActive(ctx, actor);
  return {
    items: page.items.map((s) => ({
      scanId: s._id,
      at: s.scannedAt.toISOString(),
      site: s.site,
      scanner: s.scanner,
      person: { name: s.masked.name, idNumber: s.masked.idNumber },
      color: s.color,
      temperature: s.temperature,
      decision: s.decision,
    })),
    next: page.next,
  };
}

export async function stats(
  params: RecordsParams<'stats'>,
  ctx: RequestContext,
): Promise<RecordsReplies['stats']> {
  const actor = await actingPosition(ctx, params.actingPositionId, SCANNER_ROLES);
  if (params.from.getTime() > params.to.getTime())
    throw new DomainError('BAD_REQUEST', undefined, { to: 'range' });
  const $ = ctx.db.command.aggregate;
  const match = { scopeAncestors: actor._id, ...scannedBetween(ctx, params.from, params.to) };
  const _ = ctx.db.command;
  // the scans and the refusals (rule 18) of the same scope, asked together: the totals by colour (five rows at
  // most: exact however many sites the scope holds), the sites busiest first, and the refusals
  const [colored, sited, refused] = await Promise.all([
    ctx.db
      .collection('scans')
      .aggregate()
      .match(match)
      .group({ _id: '$color', total: $.sum(1), fever: $.sum($.cond({ if: '$fever', then: 1, else: 0 })) })
      // WeChat Cloud returns 20 aggregation results unless told otherwise
      .limit(COLORS.length)
      .end(),
    ctx.db
      .collection('scans')
      .aggregate()
      .match(match)
      .group({ _id: '$site.id', name: $.first('$site.name'), total: $.sum(1) })
      .sort({ total: -1, _id: 1 })
      .limit(STATS_SITES)
      .end(),
    ctx.db
      .collection('refusals')
      .where({ scopeAncestors: actor._id, at: _.gte(params.from).and(_.lte(params.to)) })
      .count(),
  ]);
  const byColor: Partial<Record<Color, number>> = {};
  let total = 0;
  let fever = 0;
  for (const row of colored.list as Array<{ _id: Color; total: number; fever: number }>) {
    total += row.total;
    fever += row.fever;
    byColor[row._id] = row.total;
  }
  const bySite = (sited.list as Array<{ _id: string; name: string; total: number }>).map((row) => ({
    siteId: row._id,
    name: row.name,
    total: row.total,
  }));
  return { total, byColor, fever, bySite, refusals: refused.total };
}

export async function grantReveal(
  params: RecordsParams<'grantReveal'>,
  ctx: RequestContext,
): Promise<RecordsReplies['grantReveal']> {
  const actor = await actingPosition(ctx, params.actingPositionId, ['initiator']);
  if (params.expiresAt.getTime() <= ctx.now.getTime()) {
    throw new DomainError('BAD_REQUEST', '授权截止时间须晚于当前时间', { expiresAt: 'range' });
  }
  if (params.expiresAt.getTime() > ctx.now.getTime() + GRANT_MAX_MS) {
    throw new DomainError('BAD_REQUEST', '授权最长30天，请缩短截止时间', { expiresAt: 'range' });
  }
  const grantee = await positionsOf(ctx.db).get(params.granteePositionId);
  if (!grantee) throw new DomainError('FORBIDDEN');
  // the provincial office authorises a person in a post: nobody holds a position before it is claimed
  if (!grantee.holder.openid) throw new DomainError('CONFLICT', '该账号尚未认领，不能授权');
  const grant: GrantDoc = {
    _id: randomId(12),
    granteePositionId: grantee._id,
    holderOpenid: grantee.holder.openid,
    holderName: grantee.holder.masked?.name ?? '',
    grantedBy: actor._id,
    reason: params.reason,
    expiresAt: params.expiresAt,
    createdAt: ctx.now,
  };
  const row = auditRow(ctx, {
    action: 'records.grantReveal',
    actorPositionId: actor._id,
    actorOpenid: ctx.openid,
    target: grantee._id,
    reason: params.reason,
    details: { grantId: grant._id, expiresAt: params.expiresAt.toISOString() },
  });
  await ctx.db.runTransaction(async (tx: Tx) => {
    await tx.collection('grants').add({ data: grant });
    await tx.collection('audit').add({ data: row });
  });
  return { grantId: grant._id };
}

/**
 * records.grants (an extension): the grants the provincial office has given, newest first, each with whether it is
 * still in force — not expired, and its position still held by the holder it was given to (any change of holder
 * ends it, as `reveal` checks). The filter does not depend on the time of the call (signed cursors): ended grants
 * are listed and marked, not left out.
 */
export async function grants(
  params: RecordsParams<'grants'>,
  ctx: RequestContext,
): Promise<RecordsReplies['grants']> {
  await actingPosition(ctx, params.actingPositionId, ['initiator']);
  const page = await pageNewestFirst<GrantDoc>(ctx, 'records.grants', 'grants', {}, 'createdAt', params);
  const ids = [...new Set(page.items.map((g) => g.granteePositionId))];
  const found =
    ids.length > 0
      ? await positionsOf(ctx.db).find({ _id: ctx.db.command.in(ids) }, { limit: ids.length })
      : [];
  const positions = new Map(found.map((p) => [p._id, p]));
  const sites = await sitesById(
    ctx.db,
    found.map((p) => p.siteId),
  );
  return {
    items: page.items.map((g) => {
      const position = positions.get(g.granteePositionId);
      const sameHolder =
        Boolean(position?.holder.openid) &&
        position!.holder.openid === g.holderOpenid &&
        (position!.holder.claimedAt ?? new Date(0)).getTime() <= g.createdAt.getTime();
      const state: GrantState = !sameHolder
        ? 'holder_changed'
        : g.expiresAt.getTime() <= ctx.now.getTime()
          ? 'expired'
          : 'in_force';
      const site = position ? sites.get(position.siteId) : undefined;
      return {
        grantId: g._id,
        grantee: {
          positionId: g.granteePositionId,
          role: position?.role ?? 'ordinary',
          name: g.holderName ?? (sameHolder ? (position?.holder.masked?.name ?? '') : ''),
          site: site ? { id: site._id, name: site.name } : null,
        },
        reason: g.reason,
        expiresAt: g.expiresAt.toISOString(),
        createdAt: g.createdAt.toISOString(),
        state,
      };
    }),
    next: page.next,
  };
}

export async function reveal(
  params: RecordsParams<'reveal'>,
  ctx: RequestContext,
): Promise<RecordsReplies['reveal']> {
  const attempt = {
    action: 'records.reveal',
    actorPositionId: params.actingPositionId,
    actorOpenid: ctx.openid,
    target: params.scanId,
    reason: params.reason,
  };
  // every call is audited, refused ones too: under someone else's position, a disabled one, a role that reveals
  // nothing
  const actor = await actingPosition(ctx, params.actingPositionId, ROLES).catch(async (err: unknown) => {
    if (err instanceof DomainError)
      await audit(ctx, { ...attempt, details: { outcome: 'refused', code: err.code } });
    throw err;
  });
  const _ = ctx.db.command;
  // a grant is the holder's at the time it was given: any change of holder since (a replacement, even back to the
  // same person) ends it
  const grant = await new Repository<GrantDoc>(ctx.db, 'grants').first(
    {
      granteePositionId: actor._id,
      holderOpenid: ctx.openid,
      createdAt: _.gte(actor.holder.claimedAt ?? new Date(0)),
      expiresAt: _.gt(ctx.now),
    },
    [['expiresAt', 'desc']],
  );
  if (!grant) {
    await audit(ctx, { ...attempt, details: { outcome: 'no_grant' } });
    throw new DomainError('NO_GRANT');
  }
  // a scanner reveals the scans made at or below it; an agency the scan behind an alert of its region (rule 11: 联络)
  const [scan, alert] = await Promise.all([
    new Repository<ScanDoc>(ctx.db, 'scans').get(params.scanId),
    actor.role === 'agency'
      ? new Repository<AlertDoc>(ctx.db, 'alerts').get(params.scanId) // a scan's alert has the scan's id
      : Promise.resolve(null),
  ]);
  const inScope =
    actor.role === 'agency'
      ? alert !== null && alertInRegion(actor, alert)
      : Boolean(scan?.scopeAncestors.includes(actor._id));
  if (!scan || !inScope) {
    await audit(ctx, { ...attempt, details: { outcome: 'forbidden', grantId: grant._id } });
    throw new DomainError('FORBIDDEN');
  }
  const keys = ctx.ports.keys();
  let revealed: RecordsReplies['reveal'];
  if (scan.guest) {
    revealed = {
      name: unseal(keys, scan.guest.name),
      idNumber: scan.guest.idNumber ? unseal(keys, scan.guest.idNumber) : '',
      phone: scan.guest.phone ? unseal(keys, scan.guest.phone) : '',
    };
  } else {
    const person = await new Repository<PersonDoc>(ctx.db, 'persons').get(scan.personId!);
    if (!person) {
      await audit(ctx, { ...attempt, details: { outcome: 'not_found', grantId: grant._id } });
      throw new DomainError('NOT_FOUND');
    }
    revealed = {
      name: unseal(keys, person.sealed.name),
      idNumber: unseal(keys, person.sealed.idNumber),
      phone: unseal(keys, person.sealed.phone),
    };
  }
  await audit(ctx, { ...attempt, details: { outcome: 'revealed', grantId: grant._id } });
  return revealed;
}
