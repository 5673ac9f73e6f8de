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
 * A provincial decision (setColor) is newer information than the national flag it follows and decides until
 * the next national flag arrives; an on-site fever still turns a provincially green code yellow.
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

/** What a risk list row may say (health.importRiskList). `cleared` lifts a national flag. */
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

function provincialInForce(facts: HealthFacts): ProvincialDecision | null {
  const p = facts.provincial;
  if (!p) return null;
  const flagged = facts.national.flaggedAt;
  return !flagged || p.at.getTime() >= flagged.getTime() ? p : null;
}

export function isQuarantined(national: NationalFacts): boolean {
  return (national.status === 'close_contact' || national.status === 'quarantine') && !national.releasedAt;
}

export function colorOf(facts: HealthFacts): ColorDecision {
  const provincial = provincialInForce(facts);
  if (provincial) {
    if (provincial.color === 'green' && facts.fever) return { color: 'yellow', reason: 'onsite_fever' };
    return { color: provincial.color, reason: 'provincial' };
  }
  const n = facts.national;
  if (!n.verified) return { color: 'bw', reason: 'unverified' };
  if (n.status === 'confirmed' || n.status === 'suspected') return { color: 'red', reason: n.status };
  if (isQuarantined(n)) return { color: 'orange', reason: n.status as 'close_contact' | 'quarantine' };
  if (facts.fever) return { color: 'yellow', reason: 'onsite_fever' };
  if (n.releasedAt) return { color: 'green', reason: 'quarantine_released' };
  return { color: 'green', reason: 'national_normal' };
}

/** An on-site temperature taken by any scanner: a fever opens (or stays open), a normal one closes it. */
export function withTemperature(facts: HealthFacts, temperature: number, at: Date): HealthFacts {
  if (temperature >= FEVER_THRESHOLD_C) {
    return { ...facts, fever: facts.fever ?? { openedAt: at, temperature } };
  }
  return { ...facts, fever: null };
}

/** A national answer or a risk list row about this person, taken at `at`. */
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
      quarantineUntil: status === 'close_contact' || status === 'quarantine' ? flag.quarantineUntil : null,
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
 * Whether an orange code may turn green now (rule 4): the quarantine is over, the latest check-in reports no
 * symptoms, and — checked by the caller against the national platform — nothing newer than the quarantine.
 */
export function quarantineReleasable(
  facts: HealthFacts,
  latestSymptoms: readonly Symptom[] | null,
  now: Date,
): boolean {
  const n = facts.national;
  if (!isQuarantined(n) || !n.quarantineUntil) return false;
  if (n.quarantineUntil.getTime() > now.getTime()) return false;
  return latestSymptoms !== null && latestSymptoms.length > 0 && latestSymptoms.every((s) => s === 'none');
}

export function withQuarantineReleased(facts: HealthFacts, at: Date): HealthFacts {
  return { ...facts, national: { ...facts.national, releasedAt: at } };
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
