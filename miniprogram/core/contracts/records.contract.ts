/** The `records` function (scan data, rule 11; credit flags, rule 17): params, replies, error codes. */
import type { ErrorCode } from '../errors';
import { COLORS, type Color } from '../health-code.rules';
import type { Role } from '../org';
import { listParams, v, type Infer } from '../validation';

const id = v.string({ max: 64 });

export const CREDIT_KINDS = ['concealment', 'false_report'] as const;
export type CreditKind = (typeof CREDIT_KINDS)[number];

export const ALERT_KINDS = ['fever', 'color', 'replay', 'forced_entry', 'stale_pass'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** v1.1: an alert is open until handled. */
export const ALERT_STATUSES = ['open', 'handled'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** v1.1 handleAlert: what the agency did about it. */
export const ALERT_OUTCOMES = ['contacted', 'tested', 'isolated', 'cleared', 'other'] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

export const recordsParams = {
  scans: v.object({
    actingPositionId: id,
    from: v.optional(v.dateTime()),
    to: v.optional(v.dateTime()),
    siteId: v.optional(id),
    color: v.optional(v.oneOf(COLORS)),
    ...listParams,
  }),
  stats: v.object({ actingPositionId: id, from: v.dateTime(), to: v.dateTime() }),
  alerts: v.object({
    actingPositionId: id,
    /** v1.1 */
    status: v.optional(v.oneOf(ALERT_STATUSES)),
    /** v1.1 */
    kind: v.optional(v.oneOf(ALERT_KINDS)),
    ...listParams,
  }),
  /** v1.1: an agency whose region covers the alert, or the initiator, records what was done; audited. */
  handleAlert: v.object({
    actingPositionId: id,
    alertId: v.string({ max: 64 }),
    outcome: v.oneOf(ALERT_OUTCOMES),
    note: v.optional(v.freeText(200)),
  }),
  /**
   * Extension (rule 15): scans, fevers, non-green codes and refusals per city or district for a period — the
   * initiator over the province, an agency over its region. `regionCode` narrows to one region inside the actor's.
   */
  regionStats: v.object({
    actingPositionId: id,
    from: v.dateTime(),
    to: v.dateTime(),
    regionCode: v.optional(v.string({ min: 6, max: 6, pattern: /^22\d{4}$/ })),
  }),
  grantReveal: v.object({
    actingPositionId: id,
    granteePositionId: id,
    reason: v.freeText(200),
    expiresAt: v.dateTime(),
  }),
  reveal: v.object({ actingPositionId: id, scanId: v.string({ max: 64 }), reason: v.freeText(200) }),
  flagCredit: v.object({
    actingPositionId: id,
    personId: v.optional(id),
    positionId: v.optional(id),
    kind: v.oneOf(CREDIT_KINDS),
    evidence: v.freeText(2000, { lines: true }),
  }),
  creditFlags: v.object({ actingPositionId: id, ...listParams }),
  /** Extension: the reveal grants the provincial office has given, newest first (initiator only). */
  grants: v.object({ actingPositionId: id, ...listParams }),
};

/**
 * Whether a grant still lets its grantee reveal: `in_force`; `expired`; `holder_changed` (the position has had
 * another holder since — or the same person claimed it again —, which ends a grant).
 */
export const GRANT_STATES = ['in_force', 'expired', 'holder_changed'] as const;
export type GrantState = (typeof GRANT_STATES)[number];

export interface ScanItem {
  scanId: string;
  at: string;
  site: { id: string; name: string };
  scanner: { positionId: string; role: Role; name: string };
  person: { name: string; idNumber: string };
  color: Color;
  temperature: number;
  decision: 'allow' | 'deny';
}

export interface RecordsReplies {
  scans: { items: ScanItem[]; next: string | null };
  stats: {
    total: number;
    byColor: Partial<Record<Color, number>>;
    fever: number;
    bySite: Array<{ siteId: string; name: string; total: number }>;
    /** Rule 18: refusals and forced entries at the gates in scope (not scans: not in `total`). */
    refusals: number;
  };
  alerts: {
    items: Array<{
      alertId: string;
      at: string;
      kind: AlertKind;
      site: { id: string; name: string };
      /** The scan that raised it; absent for a forced entry (no scan was made). */
      scanId?: string;
      /** Absent for a forced entry: nobody was identified. */
      person?: { name: string };
      color?: Color;
      temperature?: number;
      /** v1.1 */
      status: AlertStatus;
      /** v1.1: present once handled. */
      handled?: {
        at: string;
        outcome: AlertOutcome;
        note: string | null;
        by: { positionId: string; name: string };
      };
    }>;
    next: string | null;
  };
  handleAlert: { status: 'handled' };
  regionStats: {
    /** The region the figures are for, and its rows: one per city (province) or per district (a city). */
    regionCode: string;
    rows: Array<{
      regionCode: string;
      name: string;
      scans: number;
      fever: number;
      /** Scans whose code was not green (yellow, orange, red; bw is not a colour of risk). */
      nonGreen: number;
      refusals: number;
    }>;
  };
  grantReveal: { grantId: string };
  reveal: { name: string; idNumber: string; phone: string };
  flagCredit: { flagId: string };
  creditFlags: {
    items: Array<{
      flagId: string;
      at: string;
      kind: CreditKind;
      subject: { type: 'person' | 'scanner'; id: string; name: string };
      evidence: string;
      by: string;
    }>;
    next: string | null;
  };
  grants: {
    items: Array<{
      grantId: string;
      /** The position and the holder it was given to (masked); `site` null if the position is gone. */
      grantee: { positionId: string; role: Role; name: string; site: { id: string; name: string } | null };
      reason: string;
      expiresAt: string;
      createdAt: string;
      state: GrantState;
    }>;
    next: string | null;
  };
}

export type RecordsAction = keyof typeof recordsParams;
export type RecordsParams<A extends RecordsAction> = Infer<(typeof recordsParams)[A]>;

const ACTING = ['BAD_REQUEST', 'FORBIDDEN', 'POSITION_DISABLED'] as const;

export const RECORDS_ERRORS: Record<RecordsAction, readonly ErrorCode[]> = {
  scans: [...ACTING],
  stats: [...ACTING],
  alerts: [...ACTING],
  handleAlert: [...ACTING, 'NOT_FOUND', 'CONFLICT'],
  regionStats: [...ACTING],
  grantReveal: [...ACTING, 'CONFLICT'],
  reveal: [...ACTING, 'NO_GRANT', 'NOT_FOUND'],
  flagCredit: [...ACTING, 'NOT_FOUND'],
  creditFlags: [...ACTING],
  grants: [...ACTING],
};
