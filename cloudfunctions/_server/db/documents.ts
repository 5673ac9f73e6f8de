/**
 * The shapes of the stored documents (DESIGN.md section 2). Each issue adds the fields its rules need; dates are
 * stored as dates, coordinates as GeoJSON points (what db.Geo.Point serialises to).
 */
import type {
  Color,
  ColorReason,
  FeverFact,
  ListFlag,
  NationalFacts,
  ProvincialDecision,
  RiskStatus,
  Symptom,
} from '../../../miniprogram/core/health-code.rules';
import type { DisableReason, PositionStatus, Role, SiteType } from '../../../miniprogram/core/org';
import type { SmsParams, SmsTemplate } from '../../../miniprogram/core/sms';
import type { GuestCategory } from '../../../miniprogram/core/contracts/scan.contract';
import type { OfflineReason } from '../../../miniprogram/core/signed-pass';
import type {
  AlertKind,
  AlertOutcome,
  AlertStatus,
} from '../../../miniprogram/core/contracts/records.contract';
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
  /**
   * The ancestors and the site itself, root first: a site's whole subtree, itself included, is one indexed query
   * (org.sites). Missing only on sites written before v1.1, until the bootstrap task fills it in.
   */
  lineage?: string[];
  /** The region (GB/T 2260) the site lies in (API.md 2, v1.1); missing on sites from before regions: 220000. */
  regionCode?: string | null;
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
  /** Blind index of the invited phone: the claimer's registered phone must be this one. */
  phoneHash?: string | null;
  masked: { name: string; phone: string } | null;
  /** When the holder claimed it: a reveal grant given before this belonged to an earlier holder. */
  claimedAt?: Date | null;
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
  /**
   * The invite its holder claimed it with: a claim cut off after the position's own write is finished by the same
   * holder's retry of that invite (org.claim).
   */
  claimedInviteId?: string | null;
  /**
   * On senior positions only, the site's id: a unique sparse index makes it one senior per site (API.md v1.1),
   * also when two creations race.
   */
  seniorOfSite?: string;
  /**
   * On agency positions only (有关部门, API.md v1.1): the region prefix of its site (`2201` for 长春市): it receives and
   * handles the alerts whose `regionPrefixes` hold it.
   */
  regionPrefix?: string;
  /** The holder of this disabled position asked its superior to activate it (rule 10); cleared on activation. */
  activationRequest?: { at: Date; note: string | null } | null;
  /** The current duty session (rule 7): who went on duty here, when, where. Cleared by any change of holder or status. */
  onDuty?: DutySession | null;
  /** The latest duty sessions, newest first: what a late offline sync is checked against. */
  dutyLog?: DutySession[];
  /**
   * The holder's latest location here (goOnDuty, or an online scan that sent one; refreshed at most once a minute):
   * a scan without a location is accepted while it is at most 10 minutes old (rule 7).
   */
  lastFix?: { at: Date; location: GeoPoint } | null;
  lastActiveAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface DutySession {
  openid: string;
  since: Date;
  location: GeoPoint;
  /** When it ended before its lifetime ran out: the holder went on duty elsewhere, or the position changed. */
  endedAt?: Date | null;
}

export interface InviteDoc extends Identified {
  /** HMAC of the code under the index key: the code itself is never stored. */
  codeHash: string;
  positionId: string;
  role: Role;
  /** The position's site, so that a claim reads the position and the site together (absent on older invites). */
  siteId?: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  usedBy: string | null;
}

export type ApplicationStatus = 'pending' | 'forwarded' | 'approved' | 'rejected';

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
  /** The region the unit lies in (API.md v1.1); missing on applications from before regions: 220000. */
  regionCode?: string;
  /** regionPrefixes(regionCode): the city bureau's query (rule 14); missing on applications from before regions. */
  regionPrefixes?: string[];
  createdAt: Date;
  reviewedAt: Date | null;
  reviewedBy: string | null;
  comment: string | null;
  result: { siteId: string | null; positionId: string } | null;
  /** Rule 14 (API.md v1.1 forwardApplication): the city bureau's senior passed it on to the initiator. */
  forwarded?: { at: Date; by: string; byPositionId?: string; comment: string | null } | null;
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
  /**
   * The province's risk list's own flag (API.md 4, v1.1: a source apart from the national platform); missing in
   * documents from before v1.1, whose list flags were kept in `national`: no flag of the list.
   */
  listFlag?: ListFlag | null;
  fever: FeverFact | null;
  provincial: ProvincialDecision | null;
  /**
   * The position where this person is on duty as a scanner, if any (one at a time, rule 12): a change of their
   * color away from green ends that duty in the same transaction (rule 7).
   */
  onDutyAt?: string | null;
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
  /** The site's region (GB/T 2260, API.md v1.1), for the figures per region; missing on scans from before regions. */
  regionCode?: string;
  scanner: { positionId: string; role: Role; name: string };
  personId: string | null;
  guest: GuestRecord | null;
  masked: { name: string; idNumber: string };
  color: Color;
  temperature: number;
  fever: boolean;
  decision: 'allow' | 'deny';
  qr: {
    codeId: string;
    step: number;
    /** v1.1: a JXM2 code's signed pass, as verified (API.md 2.3); absent for JXM1. */
    pass?: { kid: string; color: Color; iat: Date; exp: Date };
  } | null;
  /** The same QR was shown at another site within its window. */
  replayed: boolean;
  /** v1.1: what the scanner's phone decided with no network (API.md 2.3); absent for a scan made online. */
  offline?: { decision: 'allow' | 'deny'; reason: OfflineReason | null } | null;
  /**
   * v1.1: allowed offline on a pass while the person was neither green nor bw at `scannedAt` — their color then
   * (a `stale_pass` alert was raised); absent otherwise.
   */
  stalePass?: { color: Color } | null;
  /** Where the scanner's phone was, when it sent one (a late sync's is stored, not checked). */
  location?: GeoPoint | null;
  scannedAt: Date;
  receivedAt: Date;
}

/**
 * Rule 15: a non-green, fever or replayed scan, or a forced entry, for everyone above the scanner. _id is the
 * scanId of the scan or refusal that raised it.
 */
export interface AlertDoc extends Identified {
  /** Absent for a forced entry: no scan was made. */
  scanId?: string;
  kind: AlertKind;
  scopeAncestors: string[];
  /**
   * The region prefixes of the alert's site, province first (`22`, `2201`, `220102`; API.md v1.1): an agency sees
   * the alerts whose list holds its own region's prefix, in one indexed query. Filled in at bootstrap (`22`) on
   * alerts from before regions.
   */
  regionPrefixes?: string[];
  site: { id: string; name: string };
  /** Absent for a forced entry: nobody was identified. */
  person?: { name: string };
  color?: Color;
  temperature?: number;
  at: Date;
  /** `open` until an agency or the initiator handles it (API.md v1.1 handleAlert); missing on old alerts: open. */
  status?: AlertStatus;
  handled?: {
    at: Date;
    outcome: AlertOutcome;
    note: string | null;
    by: { positionId: string; name: string };
  } | null;
}

/**
 * One alert's push to the agencies whose region covers it (rule 15: 平台推送; API.md v1.1), written in the alert's
 * transaction; _id is the alert's. The recipients are the holders of the active agency positions of its region,
 * resolved when it is first taken for sending; each is sent at most once.
 */
export interface PushOutboxDoc extends Identified {
  alertId: string;
  regionPrefixes: string[];
  /** The message, with no personal data: the site, the kind, the time (template fields, `thing` ≤ 20). */
  data: Record<string, { value: string }>;
  /** pending → sending (leased) → done; `failed` after the last try. */
  status: 'pending' | 'sending' | 'done' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  /** null until resolved. */
  recipients: PushRecipient[] | null;
}

export interface PushRecipient {
  positionId: string;
  openid: string;
  /** `refused`: WeChat said the user has not accepted the template (43101); never retried. */
  status: 'pending' | 'sent' | 'refused' | 'failed';
  sentAt: Date | null;
}

/** Rule 18 at a gate: someone would not be scanned, or forced their way in. No identity. _id is the scanId. */
export interface RefusalDoc extends Identified {
  positionId: string;
  /** The refusing gate's position and every position above it (rule 11). */
  scopeAncestors: string[];
  site: { id: string; name: string };
  /** The site's region (API.md v1.1); missing on refusals from before regions. */
  regionCode?: string;
  scanner: { positionId: string; role: Role; name: string };
  reason: 'refused_scan' | 'forced_entry';
  note: string | null;
  at: Date;
  receivedAt: Date;
}

export interface GrantDoc extends Identified {
  granteePositionId: string;
  /** The position's holder when the grant was given: the grant is theirs, and ends with any change of holder. */
  holderOpenid?: string | null;
  /** That holder's masked name, for the list of grants (records.grants); absent on grants from before it. */
  holderName?: string;
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
