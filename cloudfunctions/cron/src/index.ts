/**
 * Timer triggers (API.md `cron`), scheduled by config.json. Each trigger is added here together with its entry
 * in config.json, so that no schedule points at code that does not exist.
 */
import { nationalRecheck, quarantineRelease } from '../../_server/health/timers';
import { createFunction } from '../../_server/router';

export const main = createFunction({
  name: 'cron',
  actions: {},
  timers: {
    quarantineRelease: (_event, ctx) => quarantineRelease(ctx),
    nationalRecheck: (_event, ctx) => nationalRecheck(ctx),
  },
});
