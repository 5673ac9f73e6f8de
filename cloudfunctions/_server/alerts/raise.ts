/**
 * Raising an alert (rule 15): the alert, with the region prefixes an agency finds it by, and its push to the
 * agencies of that region, are written together in the transaction of the scan or refusal that raised them —
 * either all of it is stored, or none. The push is sent after the commit (push.ts).
 */
import { regionPrefixes } from '../../../miniprogram/core/regions';
import type { Tx } from '../cloud';
import type { AlertDoc, PushOutboxDoc, SiteDoc } from '../db/documents';
import type { SystemContext } from '../router';
import { alertPushData } from './message';

export interface RaisedAlert {
  alert: AlertDoc;
  push: PushOutboxDoc;
}

/** The alert as stored (open, with its site's region prefixes) and its push row. */
export function raiseAlert(
  ctx: SystemContext,
  alert: Omit<AlertDoc, 'regionPrefixes' | 'status' | 'handled'>,
  site: Pick<SiteDoc, 'regionCode'>,
): RaisedAlert {
  const prefixes = regionPrefixes(site.regionCode ?? '220000');
  const stored: AlertDoc = { ...alert, regionPrefixes: prefixes, status: 'open', handled: null };
  return {
    alert: stored,
    push: {
      _id: alert._id,
      alertId: alert._id,
      regionPrefixes: prefixes,
      data: alertPushData(alert.site.name, alert.kind, alert.at),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: ctx.now,
      createdAt: ctx.now,
      recipients: null,
    },
  };
}

/** Adds the alert and its push inside the caller's transaction. */
export async function addAlertIn(tx: Tx, raised: RaisedAlert): Promise<void> {
  await tx.collection('alerts').add({ data: raised.alert });
  await tx.collection('push_outbox').add({ data: raised.push });
}
