/** 码上行动 scan mode: roles, going on duty, scanning with temperature, refusals, pass keys (API.md `scan`). */
import { scanParams } from '../../../miniprogram/core/contracts/scan.contract';
import { publishedKeys } from '../../_server/privacy/pass';
import { createFunction, defineAction } from '../../_server/router';
import { goOnDuty } from '../../_server/scan/duty';
import { record } from '../../_server/scan/record';
import { refusal } from '../../_server/scan/refusal';
import { roles } from '../../_server/scan/roles';

export const main = createFunction({
  name: 'scan',
  actions: {
    roles: defineAction(scanParams.roles, (_params, ctx) => roles(ctx)),
    goOnDuty: defineAction(scanParams.goOnDuty, goOnDuty),
    record: defineAction(scanParams.record, record),
    refusal: defineAction(scanParams.refusal, refusal),
    // API.md 2.3: the public keys a scanner checks passes with offline; any caller, no registration needed
    keys: defineAction(scanParams.keys, async (_params, ctx) => ({
      keys: publishedKeys(ctx.ports.passKeys(), ctx.now),
    })),
  },
});
