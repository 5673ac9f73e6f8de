/**
 * Timer triggers (API.md `cron`), scheduled by config.json. Each trigger is added here together with its entry
 * in config.json, so that no schedule points at code that does not exist.
 */
import { pushDue } from '../../_server/alerts/push';
import { retentionPurge } from '../../_server/health/retention';
import { nationalRecheck, quarantineRelease } from '../../_server/health/timers';
import { silentSweep } from '../../_server/org/org';
import { createFunction } from '../../_server/router';
import { dispatchDue } from '../../_server/sms/outbox';

export const main = createFunction({
  name: 'cron',
  actions: {},
  timers: {
    silentSweep: (_event, ctx) => silentSweep(ctx),
    quarantineRelease: (_event, ctx) => quarantineRelease(ctx),
    smsDispatch: (_event, ctx) => dispatchDue(ctx),
    pushDispatch: (_event, ctx) => pushDue(ctx),
    retentionPurge: (_event, ctx) => retentionPurge(ctx),
    nationalRecheck: (_event, ctx) => nationalRecheck(ctx),
  },
});
