/**
 * scan.refusal (regulation rule 18): someone at the gate would not be scanned (`refused_scan`), or forced their way
 * in (`forced_entry`). No identity is recorded. Exactly once per scanId, like a scan; a forced entry raises an alert
 * for everyone above the gate and the agencies of its region (rule 15).
 */
import type { ScanParams, ScanReplies } from '../../../miniprogram/core/contracts/scan.contract';
import { PROVINCE_REGION } from '../../../miniprogram/core/regions';
import { pushNow } from '../alerts/push';
import { addAlertIn, raiseAlert } from '../alerts/raise';
import type { Tx } from '../cloud';
import type { PositionDoc, RefusalDoc, ScanDoc } from '../db/documents';
import { Repository, isDuplicateKeyError } from '../db/repository';
import { DomainError } from '../envelope';
import { epidemicEnded } from '../health/retention';
import { positionsOf } from '../org/positions';
import type { RequestContext } from '../router';
import { isScannerOf, siteOf } from './duty';
import { positionOnDuty, scanTime } from './record';

function answerDuplicate(
  ctx: RequestContext,
  earlier: RefusalDoc,
  positionId: string,
  position: PositionDoc | null,
): ScanReplies['refusal'] {
  // a scanId is the scanner's own: another position's, or someone else's, is a conflict
  if (!isScannerOf(earlier.positionId, positionId, position, ctx.openid)) throw new DomainError('CONFLICT');
  return { scanId: earlier._id, duplicate: true };
}

export async function refusal(
  params: ScanParams<'refusal'>,
  ctx: RequestContext,
): Promise<ScanReplies['refusal']> {
  const refusals = new Repository<RefusalDoc>(ctx.db, 'refusals');
  // a scanId names one event at the gate: a refusal, or a scan (then this is a conflict)
  const [earlier, scanned, held] = await Promise.all([
    refusals.get(params.scanId),
    new Repository<ScanDoc>(ctx.db, 'scans').get(params.scanId),
    positionsOf(ctx.db).get(params.positionId),
  ]);
  if (earlier) return answerDuplicate(ctx, earlier, params.positionId, held);
  if (scanned) throw new DomainError('CONFLICT');
  if (epidemicEnded(ctx.now)) throw new DomainError('EPIDEMIC_ENDED');

  const { at, late } = scanTime(params.scannedAt, ctx.now);
  const position = await positionOnDuty(ctx, held, at, late);
  const site = await siteOf(ctx, position.siteId);
  const doc: RefusalDoc = {
    _id: params.scanId,
    positionId: position._id,
    scopeAncestors: [...position.ancestors, position._id],
    site: { id: site._id, name: site.name },
    regionCode: site.regionCode ?? PROVINCE_REGION,
    scanner: { positionId: position._id, role: position.role, name: position.holder.masked?.name ?? '' },
    reason: params.reason,
    note: params.note ?? null,
    at,
    receivedAt: ctx.now,
  };
  // a forced entry raises an alert (rule 18), pushed to the agencies of the region after the commit (rule 15)
  const raised =
    params.reason === 'forced_entry'
      ? raiseAlert(
          ctx,
          { _id: doc._id, kind: 'forced_entry', scopeAncestors: doc.scopeAncestors, site: doc.site, at },
          site,
        )
      : null;
  try {
    if (raised) {
      await ctx.db.runTransaction(async (tx: Tx) => {
        await tx.collection('refusals').add({ data: doc });
        await addAlertIn(tx, raised);
      });
    } else {
      await refusals.insert(doc);
    }
  } catch (err) {
    // the same scanId raced in: the first one answers for both
    if (!isDuplicateKeyError(err)) throw err;
    const first = await refusals.get(params.scanId);
    if (!first) throw err;
    return answerDuplicate(ctx, first, params.positionId, held);
  }
  if (raised) await pushNow(ctx, [raised.push]);
  return { scanId: doc._id, duplicate: false };
}
