/**
 * scan.goOnDuty (regulation rule 7): the holder goes on duty at one of their positions — active, not the
 * initiator, with their own code green, at the site. A location far from the site disables the position
 * (`geofence`) with its SMS. Going on duty at one position ends the holder's duty anywhere else (rule 12: one
 * chosen role at a time).
 */
import type { ScanParams, ScanReplies } from '../../../miniprogram/core/contracts/scan.contract';
import { deviatesFrom, type Coordinates } from '../../../miniprogram/core/geo';
import type { Tx } from '../cloud';
import {
  coordinatesOf,
  type DutySession,
  type GeoPoint,
  type PersonDoc,
  type PositionDoc,
  type SiteDoc,
} from '../db/documents';
import { Repository } from '../db/repository';
import { DomainError } from '../envelope';
import { disableOne } from '../org/org';
import { positionsOf, sitesOf } from '../org/positions';
import type { RequestContext } from '../router';
import { dispatchNow } from '../sms/outbox';
import { DUTY_LOG_LENGTH, covers, endDutyIn, endedAt } from './duty-sessions';

/** The caller's own position, or NOT_HOLDER (also for an id that does not exist: ids cannot be probed). */
export async function heldPosition(ctx: RequestContext, positionId: string): Promise<PositionDoc> {
  const position = await positionsOf(ctx.db).get(positionId);
  heldBy(position, ctx.openid);
  return position;
}

/** The position as read is the caller's and active, or NOT_HOLDER / POSITION_DISABLED. */
export function heldBy(position: PositionDoc | null, openid: string): asserts position is PositionDoc {
  if (!position || position.holder.openid !== openid) throw new DomainError('NOT_HOLDER');
  if (position.status !== 'active') throw new DomainError('POSITION_DISABLED');
}

export function siteView(site: SiteDoc) {
  return { id: site._id, name: site.name, type: site.type };
}

export async function goOnDuty(
  params: ScanParams<'goOnDuty'>,
  ctx: RequestContext,
): Promise<ScanReplies['goOnDuty']> {
  const position = await heldPosition(ctx, params.positionId);
  // the initiator and the agencies (有关部门) do not scan (API.md v1.1)
  if (position.role === 'initiator' || position.role === 'agency') throw new DomainError('ROLE_CANNOT_SCAN');
  const person = await new Repository<PersonDoc>(ctx.db, 'persons').first({ openid: ctx.openid });
  if (!person) throw new DomainError('NOT_REGISTERED');
  if (person.color !== 'green') throw new DomainError('SCANNER_CODE_NOT_GREEN');

  const site = await siteOf(ctx, position.siteId);
  if (deviatesFrom({ center: coordinatesOf(site.location), radiusM: site.radiusM }, params.location)) {
    await disableForDeviation(ctx, position, site);
  }

  const _ = ctx.db.command;
  const location = geoPointOf(params.location);
  const session: DutySession = { openid: ctx.openid, since: ctx.now, location };
  // the holder's color, the position and the duty they leave elsewhere, decided together: a code that turns
  // yellow meanwhile, or a position disabled meanwhile, stops this duty from starting
  await ctx.db.runTransaction(async (tx: Tx) => {
    const { data: me } = await tx.collection('persons').doc(person._id).get();
    if ((me as unknown as PersonDoc).color !== 'green') throw new DomainError('SCANNER_CODE_NOT_GREEN');
    const { data } = await tx.collection('positions').doc(position._id).get();
    const current = data as unknown as PositionDoc;
    if (current.holder.openid !== ctx.openid) throw new DomainError('NOT_HOLDER');
    if (current.status !== 'active') throw new DomainError('POSITION_DISABLED');
    // one chosen role at a time (rule 12): the duty elsewhere ends here, and a late sync sees where it ended
    const elsewhere = (me as unknown as PersonDoc).onDutyAt;
    if (elsewhere && elsewhere !== position._id) await endDutyIn(tx, ctx, elsewhere, ctx.openid);
    await tx
      .collection('positions')
      .doc(position._id)
      .update({
        data: {
          onDuty: _.set(session),
          // a session still running here (going on duty again) ends where the new one starts
          dutyLog: _.set(
            [session, ...(endedAt(current.dutyLog, ctx.now) ?? current.dutyLog ?? [])].slice(
              0,
              DUTY_LOG_LENGTH,
            ),
          ),
          lastFix: _.set({ at: ctx.now, location }),
          lastActiveAt: ctx.now,
        },
      });
    await tx
      .collection('persons')
      .doc(person._id)
      .update({ data: { onDutyAt: position._id } });
  });
  return {
    positionId: position._id,
    role: position.role,
    site: siteView(site),
    since: ctx.now.toISOString(),
  };
}

/** Rule 7: a scanner far from the site loses the account at once (`geofence`, with its SMS). Always throws. */
export async function disableForDeviation(
  ctx: RequestContext,
  position: PositionDoc,
  site: SiteDoc,
): Promise<never> {
  const outbox: Parameters<typeof dispatchNow>[1] = [];
  await disableOne(ctx, position, 'geofence', new Map([[site._id, site.name]]), outbox);
  await dispatchNow(ctx, outbox);
  throw new DomainError('LOCATION_DEVIATION', undefined, { location: 'range' });
}

export function geoPointOf(location: Coordinates): GeoPoint {
  return { type: 'Point', coordinates: [location.longitude, location.latitude] };
}

/** Site names and places change rarely: each function instance keeps them for a minute. */
const siteCache = new Map<string, { site: SiteDoc; until: number }>();

export async function siteOf(ctx: RequestContext, siteId: string): Promise<SiteDoc> {
  const cached = siteCache.get(siteId);
  if (cached && cached.until > Date.now()) return cached.site;
  const site = (await sitesOf(ctx.db).get(siteId))!;
  siteCache.set(siteId, { site, until: Date.now() + 60_000 });
  return site;
}

/**
 * A retried scanId is answered to its own scanner only: the event's position is the request's (`position`, as read
 * for the request), held by the caller or held by them in one of its recent duty sessions.
 */
export function isScannerOf(
  eventPositionId: string,
  positionId: string,
  position: PositionDoc | null,
  openid: string,
): boolean {
  if (eventPositionId !== positionId || !position) return false;
  return position.holder.openid === openid || (position.dutyLog ?? []).some((d) => d.openid === openid);
}

/** The caller is on duty at this position now (rule 7): their own session, not one left from an earlier holder. */
export function onDutyNow(position: PositionDoc, openid: string, now: Date): boolean {
  return Boolean(position.onDuty && covers(position.onDuty, openid, now));
}

/**
 * A scan taken offline at `at` counts if the caller was on duty at this position then. Any change of holder or
 * status ends the session at that instant (changePosition), so on duty then means held by the caller and active.
 */
export function wasOnDuty(position: PositionDoc, openid: string, at: Date): boolean {
  return (position.dutyLog ?? []).some((session) => covers(session, openid, at));
}
