/** 吉事办: real-name registration, profile, daily check-in, the dynamic code, own history (API.md `citizen`). */
import { createFunction } from '../../_server/router';

export const main = createFunction({
  name: 'citizen',
  actions: {},
});
