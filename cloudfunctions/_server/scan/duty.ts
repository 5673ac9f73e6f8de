/**
 * scan.goOnDuty (regulation rule 7): the holder goes on duty at one of their positions — active, not the
 * initiator, with their own code green, at the site. A location far from the site disables the position
 * (`geofence`) with its SMS. Going on duty at one position ends the holder's duty anywhere else (rule 12: one
 * chosen role at a time).
 */
import type { ScanParams, ScanReplies } from '../../../miniprogram/core/contracts/scan.contract';
import { greatCircleMeters } from '../../../miniprogram/core/geo';
import {
  coordinatesOf,
  type DutySession,
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

/** A duty session lasts a working day; after that the scanner goes on duty again. */
export const DUTY_LIFETIME_MS = 12 * 3600_000;

/** The caller's own position, or NOT_HOLDER (also for an id that does not exist: ids cannot be probed). */
export async function heldPosition(ctx: RequestContext, positionId: string): Promise<PositionDoc> {
  const position = await positionsOf(ctx.db).get(positionId);
  if (!position || position.holder.openid !== ctx.openid) throw new DomainError('NOT_HOLDER');
  if (position.status !== 'active') throw new DomainError('POSITION_DISABLED');
  return position;
}

export function siteView(site: SiteDoc) {
  return { id: site._id, name: site.name, type: site.type };
}

export async function goOnDuty(
  params: ScanParams<'goOnDuty'>,
  ctx: RequestContext,
): Promise<ScanReplies['goOnDuty']> {
  const position = await heldPosition(ctx, params.positionId);
  if (position.role === 'initiator') throw new DomainError('ROLE_CANNOT_SCAN');
  const person = await new Repository<PersonDoc>(ctx.db, 'persons').first({ openid: ctx.openid });
  if (!person) throw new DomainError('NOT_REGISTERED');
  if (person.color !== 'green') throw new DomainError('SCANNER_CODE_NOT_GREEN');

  const site = (await sitesOf(ctx.db).get(position.siteId))!;
  const distance = greatCircleMeters(coordinatesOf(site.location), params.location);
  if (distance > site.radiusM) {
    const outbox: Parameters<typeof dispatchNow>[1] = [];
    await disableOne(ctx, position, 'geofence', new Map([[site._id, site.name]]), outbox);
    await dispatchNow(ctx, outbox);
    throw new DomainError('LOCATION_DEVIATION', undefined, { location: 'range' });
  }

  const _ = ctx.db.command;
  const positions = positionsOf(ctx.db);
  // one chosen role at a time: any other duty of this holder ends here
  await positions.updateWhere({ 'holder.openid': ctx.openid, _id: _.neq(position._id) }, { onDuty: null });
  const session: DutySession = {
    openid: ctx.openid,
    since: ctx.now,
    location: { type: 'Point', coordinates: [params.location.longitude, params.location.latitude] },
  };
  await positions.update(position._id, {
    onDuty: _.set(session),
    dutyLog: _.set([session, ...(position.dutyLog ?? [])].slice(0, DUTY_LOG_LENGTH)),
    lastActiveAt: ctx.now,
  });
  return {
    positionId: position._id,
    role: position.role,
    site: siteView(site),
    since: ctx.now.toISOString(),
  };
}

/** Duty sessions kept for late offline syncs (a day's worth at most). */
const DUTY_LOG_LENGTH = 10;

const covers = (session: DutySession, openid: string, at: Date) =>
  session.openid === openid &&
  at.getTime() >= session.since.getTime() &&
  at.getTime() <= session.since.getTime() + DUTY_LIFETIME_MS;

/** The caller is on duty at this position now (rule 7): their own session, not one left from an earlier holder. */
export function onDutyNow(position: PositionDoc, openid: string, now: Date): boolean {
  return Boolean(position.onDuty && covers(position.onDuty, openid, now));
}

/** A scan taken offline at `at` counts if the caller was on duty at this position then. */
export function wasOnDuty(position: PositionDoc, openid: string, at: Date): boolean {
  return (position.dutyLog ?? []).some((session) => covers(session, openid, at));
}
