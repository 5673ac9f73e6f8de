/** The `scan` function (码上行动 scan mode): params, replies, and the error codes each action can answer. */
import type { ErrorCode } from '../errors';
import type { Color } from '../health-code.rules';
import type { PositionStatus, Role, SiteType } from '../org';
import { OFFLINE_REASONS, QR_MAX_LENGTH, type PassKey } from '../signed-pass';
import { v, type Infer } from '../validation';

/** Who registers at a gate without a code (rule 5). */
export const GUEST_CATEGORIES = ['elderly', 'child', 'disabled', 'foreigner', 'other'] as const;
export type GuestCategory = (typeof GUEST_CATEGORIES)[number];

const id = v.string({ max: 64 });
/** The client's id of one event at the gate (a UUID fits): what makes a retry count once. */
const scanId = v.string({ min: 8, max: 64, pattern: /^[A-Za-z0-9-]+$/ });

/** Rule 18: someone would not be scanned, or forced their way in. */
export const REFUSAL_REASONS = ['refused_scan', 'forced_entry'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** The phone's location with its accuracy in metres, as wx.getLocation / onLocationChange give it (API.md 2). */
const fix = () =>
  v.object({
    latitude: v.number({ min: -90, max: 90 }),
    longitude: v.number({ min: -180, max: 180 }),
    accuracy: v.optional(v.number({ min: 0, max: 100_000 })),
  });

export const scanParams = {
  roles: v.object({}),
  goOnDuty: v.object({ positionId: id, location: fix() }),
  record: v.object({
    positionId: id,
    scanId,
    temperature: v.number(),
    /** JXM1, or v1.1 JXM2 with the signed pass (API.md 2.2, 2.3). */
    qr: v.optional(v.string({ max: QR_MAX_LENGTH })),
    guest: v.optional(
      v.object({
        name: v.string({ max: 60 }),
        category: v.oneOf(GUEST_CATEGORIES),
        idNumber: v.optional(v.string({ max: 30 })),
        phone: v.optional(v.string({ max: 20 })),
        document: v.optional(v.freeText(40)),
      }),
    ),
    location: v.optional(fix()),
    scannedAt: v.optional(v.dateTime()),
    /** v1.1: what the scanner's phone decided with no network (API.md 2.3), stored with the scan. */
    offline: v.optional(
      v.object({
        decision: v.oneOf(['allow', 'deny'] as const),
        reason: v.optional(v.oneOf(OFFLINE_REASONS)),
      }),
    ),
  }),
  refusal: v.object({
    positionId: id,
    scanId,
    reason: v.oneOf(REFUSAL_REASONS),
    note: v.optional(v.freeText(200)),
    /** Extension: as for `record`, for a refusal kept on the phone while the network was down. */
    scannedAt: v.optional(v.dateTime()),
  }),
  /** v1.1: the province's pass-signing public keys (API.md 2.3); any caller. */
  keys: v.object({}),
};

export interface SiteView {
  id: string;
  name: string;
  type: SiteType;
}

export interface ScanReplies {
  roles: {
    items: Array<{ positionId: string; role: Role; status: PositionStatus; site: SiteView }>;
  };
  goOnDuty: { positionId: string; role: Role; site: SiteView; since: string };
  record: {
    scanId: string;
    duplicate: boolean;
    person: { name: string };
    color: Color;
    decision: 'allow' | 'deny';
    /** Extension: the same QR was shown at another site within its window (a replayed screenshot). */
    replayed?: boolean;
  };
  refusal: { scanId: string; duplicate: boolean };
  /** Current first, then the previous one while passes it signed may still be valid. */
  keys: { keys: PassKey[] };
}

export type ScanAction = keyof typeof scanParams;
export type ScanParams<A extends ScanAction> = Infer<(typeof scanParams)[A]>;

export const SCAN_ERRORS: Record<ScanAction, readonly ErrorCode[]> = {
  roles: ['BAD_REQUEST'],
  goOnDuty: [
    'BAD_REQUEST',
    'NOT_HOLDER',
    'POSITION_DISABLED',
    'ROLE_CANNOT_SCAN',
    'NOT_REGISTERED',
    'SCANNER_CODE_NOT_GREEN',
    'LOCATION_DEVIATION',
  ],
  record: [
    'BAD_REQUEST',
    'NOT_HOLDER',
    'POSITION_DISABLED',
    'NOT_ON_DUTY',
    'TEMPERATURE_INVALID',
    'QR_INVALID',
    'QR_EXPIRED',
    'GUEST_INVALID',
    'CONFLICT',
    'FORBIDDEN',
    'SCANNER_CODE_NOT_GREEN',
    'LOCATION_DEVIATION',
    'LOCATION_REQUIRED',
    'EPIDEMIC_ENDED',
  ],
  refusal: [
    'BAD_REQUEST',
    'NOT_HOLDER',
    'POSITION_DISABLED',
    'NOT_ON_DUTY',
    'SCANNER_CODE_NOT_GREEN',
    'CONFLICT',
    'EPIDEMIC_ENDED',
  ],
  keys: ['BAD_REQUEST'],
};
