/**
 * The four-color health code (regulation rule 4, API.md section 4) as pure functions of a person's facts.
 *
 * - red: the national platform reports a confirmed or suspected case, or the province set red (health.setColor);
 * - orange: close contact or quarantine, until released (quarantine over, no symptoms at the latest check-in,
 *   and the national check clean);
 * - yellow: an on-site temperature ≥ 37.3 °C, until a normal temperature at any scanner;
 * - green: otherwise;
 * - bw (black and white): the national platform could not be asked; identity is known, movement is recorded.
 *
 * A provincial decision (setColor) is newer information than the flag it follows and decides until the next
 * flag (national, or of the province's risk list) arrives; an on-site fever still turns a provincially green code
 * yellow.
 *
 * The national platform and the province's risk list (health.importRiskList) are separate sources (API.md 4,
 * v1.1): each keeps its own flag, the color follows the more severe, a national `normal` never lifts a flag (it
 * only turns bw into a verified color) and a list's `cleared` row lifts only the list's own flag. The national
 * status is fresh for 6 hours (nationalAskDue).
 */

export const COLORS = ['green', 'yellow', 'orange', 'red', 'bw'] as const;
export type Color = (typeof COLORS)[number];

export const COLOR_NAMES: Record<Color, string> = {
  green: '绿码',
  yellow: '黄码',
  orange: '橙码',
  red: '红码',
  bw: '黑白码',
};

export const NATIONAL_STATUSES = ['normal', 'close_contact', 'quarantine', 'suspected', 'confirmed'] as const;
export type NationalStatus = (typeof NATIONAL_STATUSES)[number];

/** What a risk list row may say (health.importRiskList). `cleared` lifts the list's own earlier flag. */
export const RISK_STATUSES = ['confirmed', 'suspected', 'close_contact', 'quarantine', 'cleared'] as const;
export type RiskStatus = (typeof RISK_STATUSES)[number];

export const SYMPTOMS = ['fever', 'cough', 'fatigue', 'sore_throat', 'loss_of_taste', 'none'] as const;
export type Symptom = (typeof SYMPTOMS)[number];

/** Rule 4: 体温 ≥ 37.3 摄氏度 is abnormal. */
export const FEVER_THRESHOLD_C = 37.3;

/** A temperature a person can have, °C: anything else is a mistake (TEMPERATURE_INVALID). */
export const PLAUSIBLE_TEMPERATURE_C = { min: 34, max: 43 };

export type ColorReason =
  | 'national_normal'
  | 'confirmed'
  | 'suspected'
  | 'close_contact'
  | 'quarantine'
  | 'quarantine_released'
  | 'onsite_fever'
  | 'provincial'
  | 'unverified';

export const COLOR_REASON_TEXT: Record<ColorReason, string> = {
  national_normal: '国家政务服务平台核验无异常',
  confirmed: '国家政务服务平台核验为确诊病例',
  suspected: '国家政务服务平台核验为疑似病例',
  close_contact: '国家政务服务平台核验为密切接触人员',
  quarantine: '依规定进行隔离',
  quarantine_released: '隔离期满、无症状且核验无异常，已恢复',
  onsite_fever: '现场测温异常（≥37.3℃）',
  provincial: '依省防疫规定调整',
  unverified: '暂未完成国家平台核验，仅记录行程',
};

export interface NationalFacts {
  status: NationalStatus;
  quarantineUntil: Date | null;
  /** When the national platform or a risk list last flagged (or cleared) this person. */
  flaggedAt: Date | null;
  /** False while the national platform could not be asked: the code is bw. */
  verified: boolean;
  /** Set when an orange code was released after its quarantine. */
  releasedAt: Date | null;
  /**
   * When the platform was last asked, answered or not (at most once a minute while it is down). Missing in
   * documents written before v1.1: never asked.
   */
  askedAt?: Date | null;
  /** When the platform last answered: its status is fresh for 6 hours from then. Missing: never (stale). */
  answeredAt?: Date | null;
}

/** A flag of the province's own risk list (a `cleared` row leaves none). */
export interface ListFlag {
  status: Exclude<RiskStatus, 'cleared'>;
  quarantineUntil: Date | null;
  /** When the list flagged this person (the import). */
  flaggedAt: Date;
  /** Set when an orange code was released after this quarantine. */
  releasedAt: Date | null;
}

export interface FeverFact {
  openedAt: Date;
  temperature: number;
}

export interface ProvincialDecision {
  color: Exclude<Color, 'bw'>;
  reason: string;
  at: Date;
}

export interface HealthFacts {
  national: NationalFacts;
  /** The province's risk list's flag; missing (documents before v1.1) or null: none. */
  listFlag?: ListFlag | null;
  fever: FeverFact | null;
  provincial: ProvincialDecision | null;
}

export interface ColorDecision {
  color: Color;
  reason: ColorReason;
}

export const UNVERIFIED: NationalFacts = {
  status: 'normal',
  quarantineUntil: null,
  flaggedAt: null,
  verified: false,
  releasedAt: null,
};

/** How long a national answer stays fresh: `code` and `profile` ask again only after this (API.md 4, v1.1). */
export const NATIONAL_FRESH_MS = 6 * 3600_000;
/** While the platform does not answer, a person's next call asks again at most this often. */
export const NATIONAL_RETRY_MS = 60_000;

const time = (d: Date | null | undefined): number | null => (d ? d.getTime() : null);

/** The time of the latest flag of either source: a provincial decision holds only if it is not older. */
function latestFlagAt(facts: HealthFacts): number | null {
  const times = [time(facts.national.flaggedAt), time(facts.listFlag?.flaggedAt)].filter(
    (t): t is number => t !== null,
  );
  return times.length > 0 ? Math.max(...times) : null;
}

function provincialInForce(facts: HealthFacts): ProvincialDecision | null {
  const p = facts.provincial;
  if (!p) return null;
  const flagged = latestFlagAt(facts);
  return flagged === null || p.at.getTime() >= flagged ? p : null;
}

type Flag = Pick<NationalFacts, 'status' | 'releasedAt'> | Pick<ListFlag, 'status' | 'releasedAt'>;

function isRed(flag: Flag | null | undefined): flag is Flag {
  return flag ? flag.status === 'confirmed' || flag.status === 'suspected' : false;
}

/** A close contact or quarantine flag (of either source) not yet released. */
export function isQuarantined(flag: Flag | null | undefined): flag is Flag {
  if (!flag) return false;
  return (flag.status === 'close_contact' || flag.status === 'quarantine') && !flag.releasedAt;
}

/** The color: the more severe of the national and the list's flag, unless a provincial decision is in force. */
export function colorOf(facts: HealthFacts): ColorDecision {
  const provincial = provincialInForce(facts);
  if (provincial) {
    if (provincial.color === 'green' && facts.fever) return { color: 'yellow', reason: 'onsite_fever' };
    return { color: provincial.color, reason: 'provincial' };
  }
  const n = facts.national;
  const list = facts.listFlag ?? null;
  for (const flag of [n, list]) {
    if (isRed(flag)) return { color: 'red', reason: flag.status as 'confirmed' | 'suspected' };
  }
  for (const flag of [n, list]) {
    if (isQuarantined(flag))
      return { color: 'orange', reason: flag.status as 'close_contact' | 'quarantine' };
  }
  if (!n.verified) return { color: 'bw', reason: 'unverified' };
  if (facts.fever) return { color: 'yellow', reason: 'onsite_fever' };
  if (n.releasedAt || list?.releasedAt) return { color: 'green', reason: 'quarantine_released' };
  return { color: 'green', reason: 'national_normal' };
}

/**
 * Whether `citizen.code` or `citizen.profile` must ask the national platform now: never asked or never answered,
 * still bw, or the last answer more than 6 hours old — and, whatever the reason, not asked in the last minute (an
 * outage costs each person at most one wait a minute).
 */
export function nationalAskDue(national: NationalFacts, now: Date): boolean {
  const asked = time(national.askedAt);
  if (asked !== null && now.getTime() - asked < NATIONAL_RETRY_MS) return false;
  if (!national.verified) return true;
  const answered = time(national.answeredAt);
  return answered === null || now.getTime() - answered > NATIONAL_FRESH_MS;
}

/** One answer of the national platform. */
export interface NationalAnswer {
  status: NationalStatus;
  quarantineUntil: Date | null;
  /** When the platform flagged (or cleared) the person; null when it does not say. */
  flaggedAt: Date | null;
}

/**
 * Whether an answer is new: its status or its `flaggedAt` differs from the stored one (an answer without a
 * `flaggedAt` is told apart by its status alone).
 */
export function isNewNationalAnswer(national: NationalFacts, answer: NationalAnswer): boolean {
  if (answer.status !== national.status) return true;
  return answer.flaggedAt !== null && answer.flaggedAt.getTime() !== time(national.flaggedAt);
}

/**
 * What an answer does to the facts: `flag` — a new flag (close contact, quarantine, suspected, confirmed) that
 * replaces the national facts at once; `verify` — the first answer of a bw code, which only lifts bw; `none` —
 * the same answer again, or a new `normal` (which ends no orange or red: quarantineRelease and the province do).
 */
export function nationalAnswerEffect(
  national: NationalFacts,
  answer: NationalAnswer,
): 'flag' | 'verify' | 'none' {
  if (answer.status !== 'normal' && isNewNationalAnswer(national, answer)) return 'flag';
  return national.verified ? 'none' : 'verify';
}

/** The facts after a national answer received at `at` (see nationalAnswerEffect); the status is fresh from `at`. */
export function withNationalAnswer(facts: HealthFacts, answer: NationalAnswer, at: Date): HealthFacts {
  const effect = nationalAnswerEffect(facts.national, answer);
  const next =
    effect === 'flag' ? withNationalFlag(facts, answer, answer.flaggedAt ?? at) : withNationalVerified(facts);
  return { ...next, national: { ...next.national, askedAt: at, answeredAt: at } };
}

/** The platform was asked at `at` and did not answer: everything stays, a verified color too (no bw). */
export function withNationalUnanswered(facts: HealthFacts, at: Date): HealthFacts {
  return { ...facts, national: { ...facts.national, askedAt: at } };
}

/** A risk list row (health.importRiskList) taken at `at`. */
export interface ListRow {
  status: RiskStatus;
  quarantineUntil: Date | null;
}

const quarantineUntilOf = (status: RiskStatus | NationalStatus, until: Date | null): Date | null =>
  status === 'close_contact' || status === 'quarantine' ? until : null;

/**
 * Whether a list row changes the list's flag: another status or quarantine end (a re-import of the same list
 * changes nothing); `cleared` only when there is a flag of the list to lift.
 */
export function listRowChanges(flag: ListFlag | null | undefined, row: ListRow): boolean {
  if (row.status === 'cleared') return Boolean(flag);
  if (!flag || flag.status !== row.status) return true;
  return time(flag.quarantineUntil) !== time(quarantineUntilOf(row.status, row.quarantineUntil));
}

/** A risk list row: a flag replaces the list's flag; `cleared` lifts it (and nothing of the national platform). */
export function withListRow(facts: HealthFacts, row: ListRow, at: Date): HealthFacts {
  if (row.status === 'cleared') return { ...facts, listFlag: null };
  return {
    ...facts,
    listFlag: {
      status: row.status,
      quarantineUntil: quarantineUntilOf(row.status, row.quarantineUntil),
      flaggedAt: at,
      releasedAt: null,
    },
  };
}

/** An on-site temperature taken by any scanner: a fever opens (or stays open), a normal one closes it. */
export function withTemperature(facts: HealthFacts, temperature: number, at: Date): HealthFacts {
  if (temperature >= FEVER_THRESHOLD_C) {
    return { ...facts, fever: facts.fever ?? { openedAt: at, temperature } };
  }
  return { ...facts, fever: null };
}

/**
 * Sets the national facts to this record, taken at `at`, as it stands (`cleared` reads as `normal`): the building
 * block of withNationalAnswer, which decides whether an answer may change anything.
 */
export function withNationalFlag(
  facts: HealthFacts,
  flag: { status: RiskStatus | NationalStatus; quarantineUntil: Date | null },
  at: Date,
): HealthFacts {
  const status: NationalStatus = flag.status === 'cleared' ? 'normal' : flag.status;
  return {
    ...facts,
    national: {
      status,
      quarantineUntil: quarantineUntilOf(status, flag.quarantineUntil),
      flaggedAt: at,
      verified: true,
      releasedAt: null,
    },
  };
}

/** The national platform answered that nothing is on record: verified, normal (keeps an earlier flag). */
export function withNationalVerified(facts: HealthFacts): HealthFacts {
  return { ...facts, national: { ...facts.national, verified: true } };
}

/**
 * When the running quarantines (national and of the list) all end: the latest end; null when none runs or one has
 * no end.
 */
export function quarantineEndOf(facts: HealthFacts): Date | null {
  const running = [facts.national, facts.listFlag ?? null].filter((f): f is NationalFacts | ListFlag =>
    isQuarantined(f),
  );
  if (running.length === 0 || running.some((f) => !f.quarantineUntil)) return null;
  return new Date(Math.max(...running.map((f) => f.quarantineUntil!.getTime())));
}

/**
 * Whether an orange code may turn green now (rule 4): every running quarantine (national and of the list) is
 * over, the latest check-in reports no symptoms, and — checked by the caller against the national platform —
 * nothing newer than the quarantine.
 */
export function quarantineReleasable(
  facts: HealthFacts,
  latestSymptoms: readonly Symptom[] | null,
  now: Date,
): boolean {
  const end = quarantineEndOf(facts);
  if (!end || end.getTime() > now.getTime()) return false;
  return latestSymptoms !== null && latestSymptoms.length > 0 && latestSymptoms.every((s) => s === 'none');
}

/** Releases every running quarantine (national and of the list). */
export function withQuarantineReleased(facts: HealthFacts, at: Date): HealthFacts {
  const list = facts.listFlag;
  return {
    ...facts,
    national: isQuarantined(facts.national) ? { ...facts.national, releasedAt: at } : facts.national,
    ...(list && isQuarantined(list) ? { listFlag: { ...list, releasedAt: at } } : {}),
  };
}

export function withProvincialDecision(facts: HealthFacts, decision: ProvincialDecision): HealthFacts {
  return { ...facts, provincial: decision };
}

/** Rule 18 and API.md `scan.record`: who may pass the gate. */
export function gateDecision(color: Color, temperature: number): 'allow' | 'deny' {
  if (color === 'green') return 'allow';
  if (color === 'bw') return temperature < FEVER_THRESHOLD_C ? 'allow' : 'deny';
  return 'deny';
}
