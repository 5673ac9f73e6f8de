/** Scan data in the actor's scope: scans, stats, alerts, audited reveal, credit flags (API.md `records`). */
import { recordsParams } from '../../../miniprogram/core/contracts/records.contract';
import { creditFlags, flagCredit } from '../../_server/records/credit';
import { alerts, handleAlert, regionStats } from '../../_server/records/alerts';
import { grantReveal, grants, reveal, scans, stats } from '../../_server/records/records';
import { createFunction, defineAction } from '../../_server/router';

export const main = createFunction({
  name: 'records',
  actions: {
    scans: defineAction(recordsParams.scans, scans),
    stats: defineAction(recordsParams.stats, stats),
    alerts: defineAction(recordsParams.alerts, alerts),
    handleAlert: defineAction(recordsParams.handleAlert, handleAlert),
    regionStats: defineAction(recordsParams.regionStats, regionStats),
    grantReveal: defineAction(recordsParams.grantReveal, grantReveal),
    reveal: defineAction(recordsParams.reveal, reveal),
    flagCredit: defineAction(recordsParams.flagCredit, flagCredit),
    creditFlags: defineAction(recordsParams.creditFlags, creditFlags),
    grants: defineAction(recordsParams.grants, grants),
  },
});
