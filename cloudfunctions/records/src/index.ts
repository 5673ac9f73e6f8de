/** Scan data in the actor's scope: scans, stats, alerts, audited reveal (API.md `records`). */
import { createFunction } from '../../_server/router';

export const main = createFunction({
  name: 'records',
  actions: {},
});
