/** The scanner hierarchy: sites, positions, invitations, applications (API.md `org`). */
import { createFunction } from '../../_server/router';
import { bootstrapInitiator } from '../../_server/org/bootstrap';
import { DomainError } from '../../_server/envelope';

export const main = createFunction({
  name: 'org',
  actions: {},
  system: {
    // API.md 2.1: run by the local cloud at start, or once from the cloud console's test panel in production
    bootstrap: async (event, ctx) => {
      const openid = event.openid;
      if (typeof openid !== 'string' || openid.length === 0 || openid.length > 128) {
        throw new DomainError('BAD_REQUEST', undefined, { openid: 'required' });
      }
      return bootstrapInitiator(ctx, openid);
    },
  },
});
