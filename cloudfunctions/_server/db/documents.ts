/**
 * The shapes of the stored documents (DESIGN.md section 2). Each issue adds the fields its rules need; dates are
 * stored as dates, coordinates as GeoJSON points (what db.Geo.Point serialises to).
 */
import type {
  Color,
  ColorReason,
  FeverFact,
  NationalFacts,
  ProvincialDecision,
  RiskStatus,
  Symptom,
} from '../../../miniprogram/core/health-code.rules';
import type { DisableReason, PositionStatus, Role, SiteType } from '../../../miniprogram/core/org';
import type { SmsParams, SmsTemplate } from '../../../miniprogram/core/sms';
import type { GuestCategory } from '../../../miniprogram/core/contracts/scan.contract';
import type { Identified } from './repository';

/**
 * A point as written (GeoJSON, what db.Geo.Point serialises to) or as read back through the SDK, which turns
 * stored GeoJSON into its own Point ({ longitude, latitude }). Read it with coordinatesOf().
 */
export type GeoPoint =
  { type: 'Point'; coordinates: [number, number] } | { longitude: number; latitude: number };

export function coordinatesOf(point: GeoPoint): { latitude: number; longitude: number } {
  if ('coordinates' in point) return { longitude: point.coordinates[0], latitude: point.coordinates[1] };
  return { longitude: point.longitude, latitude: point.latitude };
}

export interface SiteDoc extends Identified {
  name: string;
  type: SiteType;
  address: string;
  location: GeoPoint;
  radiusM: number;
  parentSiteId: string | null;
  /** Every site above this one, root first: "everything below me" is one indexed query. */
  ancestors: string[];
  /** The unit's unified social credit code (GB 32100), when the site is a unit. */
  uscc: string | null;
  createdAt: Date;
  /** The position that created it; null for the root created at bootstrap. */
  createdBy: string | null;
}

/** Who holds a position — or is invited to: name and phone on record (sealed), for the SMS and the lists. */
export interface PositionHolder {
  /** null until the invite is claimed. */
  openid: string | null;
  personId: string | null;
  /** Sealed; null for the bootstrap initiator, whose holder is known only by the openid. */
  name: string | null;
  phone: string | null;
  masked: { name: string; phone: string } | null;
}

export interface PositionDoc extends Identified {
  role: Role;
  siteId: string;
  parentId: string | null;
  /** Every position above this one, root first. */
  ancestors: string[];
  holder: PositionHolder;
  status: PositionStatus;
  disabledReason: DisableReason | null;
  /** The only invite that may still claim this position (a replacement voids the earlier ones). */
  currentInviteId: string | null;
  /** The current duty session (rule 7): who went on duty here, when, where. Cleared by any change of holder or status. */
  onDuty?: DutySession | null;
  /** The latest duty sessions, newest first: what a late offline sync is checked against. */
  dutyLog?: DutySession[];
  lastActiveAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface DutySession {
  openid: string;
  since: Date;
  location: GeoPoint;
}

export interface InviteDoc extends Identified {
  /** HMAC of the code under the index key: the code itself is never stored. */
  codeHash: string;
  positionId: string;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  usedBy: string | null;
}

export type ApplicationStatus = 'pending' | 'approved' | 'rejected';

export interface ApplicationDoc extends Identified {
  status: ApplicationStatus;
  unitName: string;
  uscc: string;
  siteType: SiteType;
  address: string;
  location: GeoPoint;
  applicant: {
    openid: string;
    personId: string;
    name: string;
    phone: string;
    masked: { name: string; phone: string };
  };
  letter: string | null;
  replacesPositionId: string | null;
  createdAt: Date;
  reviewedAt: Date | null;
  reviewedBy: string | null;
  comment: string | null;
  result: { siteId: string | null; positionId: string } | null;
}

export interface SmsOutboxDoc extends Identified {
  /** Sealed. */
  phone: string;
  template: SmsTemplate;
  params: SmsParams;
  text: string;
  /** pending → sending (leased until nextAttemptAt) → sent | pending again | failed. */
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  sentAt: Date | null;
  /** The position whose change this SMS reports. */
  positionId: string;
}

/** Values sealed with AES-256-GCM (privacy/personal-data.ts). */
export interface SealedIdentity {
  name: string;
  idNumber: string;
  phone: string;
}

export interface MaskedIdentity {
  name: string;
  idNumber: string;
  phone: string;
}

export interface StoredSeed {
  /** The seed, sealed. */
  seed: string;
  issuedAt: Date;
  supersededAt: Date | null;
}

export interface PersonDoc extends Identified {
  /** The WeChat account that holds this code (one code per account and per ID number, rule 2). */
  openid: string;
  /** Blind index of the ID number. */
  idHash: string;
  /** Stable id of the person's dynamic code, shown in the QR. */
  codeId: string;
  sealed: SealedIdentity;
  masked: MaskedIdentity;
  national: NationalFacts;
  fever: FeverFact | null;
  provincial: ProvincialDecision | null;
  /** When the latest on-site temperature that counted was taken: an older reading synced late does not count. */
  lastReadingAt?: Date | null;
  color: Color;
  colorReason: ColorReason;
  colorSince: Date;
  seeds: StoredSeed[];
  /** The latest daily check-in, kept here for the quarantine release. */
  latestCheckIn: { date: string; symptoms: Symptom[] } | null;
  registeredAt: Date;
  updatedAt: Date;
}

/** One change of color, append-only (API.md section 4). */
export interface CodeEventDoc extends Identified {
  personId: string;
  from: Color | null;
  to: Color;
  reason: ColorReason;
  /** Who or what changed it: `system:<use case>` or `position:<id>`. */
  actor: string;
  at: Date;
}

export interface CheckInDoc extends Identified {
  personId: string;
  /** Asia/Shanghai calendar day. */
  date: string;
  symptoms: Symptom[];
  temperature: number | null;
  contact: boolean;
  /** Travel history, sealed. */
  travel: string | null;
  at: Date;
}

/** The province's copy of a national risk flag; _id is the person's idHash. */
export interface RiskFlagDoc extends Identified {
  status: RiskStatus;
  quarantineUntil: Date | null;
  flaggedAt: Date;
  source: string;
}

export interface AuditDoc extends Identified {
  at: Date;
  action: string;
  actorPositionId: string | null;
  actorOpenid: string | null;
  target: string | null;
  reason: string | null;
  details: Record<string, string | number | boolean | null>;
}

/** A person registered at a gate without a code (rule 5): sealed like a citizen's identity. */
export interface GuestRecord {
  category: GuestCategory;
  name: string;
  idNumber: string | null;
  phone: string | null;
  document: string | null;
}

/** One registration at a gate; _id is the scanner's scanId (exactly once). */
export interface ScanDoc extends Identified {
  positionId: string;
  /** The scanning position and every position above it: who may see this scan (rule 11). */
  scopeAncestors: string[];
  site: { id: string; name: string };
  scanner: { positionId: string; role: Role; name: string };
  personId: string | null;
  guest: GuestRecord | null;
  masked: { name: string; idNumber: string };
  color: Color;
  temperature: number;
  fever: boolean;
  decision: 'allow' | 'deny';
  qr: { codeId: string; step: number } | null;
  /** The same QR was shown at another site within its window. */
  replayed: boolean;
  scannedAt: Date;
  receivedAt: Date;
}

/** Rule 15: a non-green, fever or replayed scan, for everyone above the scanner. _id is the scanId. */
export interface AlertDoc extends Identified {
  scanId: string;
  kind: 'fever' | 'color' | 'replay';
  scopeAncestors: string[];
  site: { id: string; name: string };
  person: { name: string };
  color: Color;
  temperature: number;
  at: Date;
}

export interface GrantDoc extends Identified {
  granteePositionId: string;
  grantedBy: string;
  reason: string;
  expiresAt: Date;
  createdAt: Date;
}

/** Rule 17: concealment or a false report, flagged by the initiator with evidence. */
export interface CreditFlagDoc extends Identified {
  kind: 'concealment' | 'false_report';
  subject: { type: 'person' | 'scanner'; id: string; name: string };
  evidence: string;
  by: string;
  at: Date;
}
