/** 码上行动 scan mode: roles, going on duty, scanning with temperature (API.md `scan`). */
import { createFunction } from '../../_server/router';

export const main = createFunction({
  name: 'scan',
  actions: {},
});
