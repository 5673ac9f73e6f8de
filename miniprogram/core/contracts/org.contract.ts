/** The `org` function (scanner hierarchy): params, replies, and the error codes each action can answer. */
import type { ErrorCode } from '../errors';
import { ROLES, SITE_TYPES, type DisableReason, type PositionStatus, type Role, type SiteType } from '../org';
import { listParams, v, type Infer } from '../validation';

const id = v.string({ max: 64 });
const name = v.string({ max: 60 });
const phone = v.string({ max: 20 });

/** Geofence radius bounds, metres. */
export const SITE_RADIUS_M = { min: 50, max: 50_000 };

export const orgParams = {
  createSite: v.object({
    actingPositionId: id,
    name: v.siteName(),
    type: v.oneOf(SITE_TYPES),
    address: v.freeText(120),
    location: v.coordinates(),
    radiusM: v.optional(v.number({ min: SITE_RADIUS_M.min, max: SITE_RADIUS_M.max })),
    parentSiteId: v.optional(id),
    uscc: v.optional(v.string({ max: 30 })),
    /** v1.1: six digits (GB/T 2260, Jilin's `22…`); default the parent site's. */
    regionCode: v.optional(v.string({ min: 6, max: 6, pattern: /^22\d{4}$/ })),
  }),
  createPosition: v.object({
    actingPositionId: id,
    siteId: id,
    role: v.oneOf(ROLES),
    holderName: name,
    holderPhone: phone,
  }),
  claim: v.object({ inviteCode: v.string({ max: 40 }) }),
  /** Extension: the role and site an invite code is for, shown before the claim (the invited person only). */
  previewInvite: v.object({ inviteCode: v.string({ max: 40 }) }),
  replaceHolder: v.object({
    actingPositionId: id,
    positionId: id,
    holderName: name,
    holderPhone: phone,
    reason: v.freeText(200),
  }),
  disable: v.object({
    actingPositionId: id,
    positionId: id,
    cascade: v.boolean(),
    reason: v.freeText(200),
  }),
  activate: v.object({ actingPositionId: id, positionId: id }),
  subordinates: v.object({ actingPositionId: id, positionId: v.optional(id), ...listParams }),
  applySenior: v.object({
    unitName: v.siteName(),
    uscc: v.string({ max: 30 }),
    siteType: v.oneOf(SITE_TYPES),
    address: v.freeText(120),
    location: v.coordinates(),
    applicantName: name,
    applicantPhone: phone,
    letter: v.optional(v.freeText(2000, { lines: true })),
    replacesPositionId: v.optional(id),
    /** v1.1: the six-digit region (GB/T 2260) the unit lies in, one of Jilin's; none means 220000. */
    regionCode: v.optional(v.string({ min: 6, max: 6, pattern: /^22\d{4}$/ })),
  }),
  applications: v.object({
    actingPositionId: id,
    status: v.optional(v.oneOf(['pending', 'forwarded', 'approved', 'rejected'] as const)),
    ...listParams,
  }),
  reviewApplication: v.object({
    actingPositionId: id,
    applicationId: id,
    approve: v.boolean(),
    comment: v.optional(v.freeText(200)),
  }),
  /** v1.1, rule 14: the city bureau's senior forwards a pending application of its city to the province, or rejects it. */
  forwardApplication: v.object({
    actingPositionId: id,
    applicationId: id,
    approve: v.boolean(),
    comment: v.optional(v.freeText(200)),
  }),
  /** v1.1, rule 10: the holder of a disabled position asks its superior to activate it (no actingPositionId). */
  requestActivation: v.object({ positionId: id, note: v.optional(v.freeText(200)) }),
  /** v1.1: the sites in the actor's site subtree, or one site's children. */
  sites: v.object({ actingPositionId: id, parentSiteId: v.optional(id), ...listParams }),
  /** v1.1: the caller's own senior applications (no actingPositionId). */
  myApplications: v.object({ ...listParams }),
};

export interface SiteRef {
  id: string;
  name: string;
}

export interface OrgReplies {
  createSite: { siteId: string };
  createPosition: { positionId: string; inviteCode: string };
  claim: { positionId: string; role: Role; site: SiteRef & { type: SiteType } };
  previewInvite: { role: Role; site: SiteRef & { type: SiteType }; expiresAt: string };
  replaceHolder: { inviteCode: string };
  disable: { disabled: string[] };
  activate: Record<string, never>;
  subordinates: {
    items: Array<{
      positionId: string;
      parentId: string | null;
      role: Role;
      status: PositionStatus;
      disabledReason?: DisableReason;
      holder: { name: string; phone: string };
      site: SiteRef;
      lastActiveAt: string;
      /** v1.1: the holder asked for activation (requestActivation); gone once the position is activated. */
      activationRequested?: { at: string; note: string | null };
    }>;
    next: string | null;
  };
  applySenior: { applicationId: string };
  applications: {
    items: Array<{
      applicationId: string;
      status: 'pending' | 'forwarded' | 'approved' | 'rejected';
      unitName: string;
      uscc: string;
      siteType: SiteType;
      applicant: { name: string; phone: string };
      letter?: string;
      replacesPositionId?: string;
      /** v1.1 */
      regionCode: string;
      /** v1.1: the city bureau passed it on (rule 14). */
      forwarded?: { at: string; by: string; comment: string | null };
      createdAt: string;
    }>;
    next: string | null;
  };
  reviewApplication: { siteId?: string; positionId?: string; inviteCode?: string };
  forwardApplication: { status: 'forwarded' | 'rejected' };
  requestActivation: Record<string, never>;
  sites: {
    items: Array<{
      siteId: string;
      name: string;
      type: SiteType;
      address: string;
      location: { latitude: number; longitude: number };
      radiusM: number;
      regionCode: string;
      parentSiteId: string | null;
    }>;
    next: string | null;
  };
  myApplications: {
    items: Array<{
      applicationId: string;
      status: 'pending' | 'forwarded' | 'approved' | 'rejected';
      unitName: string;
      createdAt: string;
      forwarded?: { at: string; comment: string | null };
      reviewed?: { at: string; approve: boolean; comment: string | null };
    }>;
    next: string | null;
  };
}

export type OrgAction = keyof typeof orgParams;
export type OrgParams<A extends OrgAction> = Infer<(typeof orgParams)[A]>;

const ACTING = ['BAD_REQUEST', 'FORBIDDEN', 'POSITION_DISABLED'] as const;

export const ORG_ERRORS: Record<OrgAction, readonly ErrorCode[]> = {
  createSite: [...ACTING, 'USCC_INVALID'],
  // CONFLICT: a senior at a site that has one (API.md v1.1)
  createPosition: [...ACTING, 'NAME_INVALID', 'PHONE_INVALID', 'CONFLICT'],
  claim: ['BAD_REQUEST', 'NOT_REGISTERED', 'INVITE_INVALID', 'INVITE_EXPIRED', 'CONFLICT'],
  previewInvite: ['BAD_REQUEST', 'NOT_REGISTERED', 'INVITE_INVALID', 'INVITE_EXPIRED'],
  replaceHolder: [...ACTING, 'NAME_INVALID', 'PHONE_INVALID'],
  disable: [...ACTING, 'CONFLICT'],
  activate: [...ACTING, 'CONFLICT'],
  subordinates: [...ACTING],
  applySenior: [
    'BAD_REQUEST',
    'NOT_REGISTERED',
    'USCC_INVALID',
    'NAME_INVALID',
    'PHONE_INVALID',
    'FORBIDDEN',
    'CONFLICT',
  ],
  applications: [...ACTING],
  reviewApplication: [...ACTING, 'NOT_FOUND', 'CONFLICT'],
  forwardApplication: [...ACTING, 'NOT_FOUND', 'CONFLICT'],
  requestActivation: ['BAD_REQUEST', 'NOT_HOLDER', 'CONFLICT'],
  sites: [...ACTING],
  myApplications: ['BAD_REQUEST', 'NOT_REGISTERED'],
};
