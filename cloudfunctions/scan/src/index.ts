/** 码上行动 scan mode: roles, going on duty, scanning with temperature (API.md `scan`). */
import { scanParams } from '../../../miniprogram/core/contracts/scan.contract';
import { createFunction, defineAction } from '../../_server/router';
import { roles } from '../../_server/scan/roles';

export const main = createFunction({
  name: 'scan',
  actions: {
    roles: defineAction(scanParams.roles, (_params, ctx) => roles(ctx)),
  },
});
