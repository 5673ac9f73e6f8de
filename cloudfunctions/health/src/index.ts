/** Provincial health data: risk-list import and the provincial color rule (API.md `health`). */
import { createFunction } from '../../_server/router';

export const main = createFunction({
  name: 'health',
  actions: {},
});
