/** The scanner hierarchy: sites, positions, invitations, applications (API.md `org`). */
import { orgParams } from '../../../miniprogram/core/contracts/org.contract';
import { DomainError } from '../../_server/envelope';
import {
  applications,
  applySenior,
  forwardApplication,
  myApplications,
  reviewApplication,
} from '../../_server/org/applications';
import { bootstrapInitiator } from '../../_server/org/bootstrap';
import {
  activate,
  claim,
  createPosition,
  createSite,
  disable,
  previewInvite,
  replaceHolder,
  requestActivation,
  sites,
  subordinates,
} from '../../_server/org/org';
import { createFunction, defineAction } from '../../_server/router';

export const main = createFunction({
  name: 'org',
  actions: {
    createSite: defineAction(orgParams.createSite, createSite),
    createPosition: defineAction(orgParams.createPosition, createPosition),
    claim: defineAction(orgParams.claim, claim),
    previewInvite: defineAction(orgParams.previewInvite, previewInvite),
    replaceHolder: defineAction(orgParams.replaceHolder, replaceHolder),
    disable: defineAction(orgParams.disable, disable),
    activate: defineAction(orgParams.activate, activate),
    subordinates: defineAction(orgParams.subordinates, subordinates),
    applySenior: defineAction(orgParams.applySenior, applySenior),
    applications: defineAction(orgParams.applications, applications),
    reviewApplication: defineAction(orgParams.reviewApplication, reviewApplication),
    forwardApplication: defineAction(orgParams.forwardApplication, forwardApplication),
    requestActivation: defineAction(orgParams.requestActivation, requestActivation),
    sites: defineAction(orgParams.sites, sites),
    myApplications: defineAction(orgParams.myApplications, myApplications),
  },
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
