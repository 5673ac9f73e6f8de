/**
 * The dynamic code (API.md section 2.2): `JXM1.<codeId>.<step>.<mac>`, redrawn every 30 s, offline if need be.
 *
 *   step = floor(unixMillis / 1000 / stepSeconds)
 *   mac  = first 16 hex chars of HMAC-SHA256(key = base64-decode(seed), message = "<codeId>.<step>")
 *
 * Pure: the HMAC is passed in — sha256.ts in the mini-program, node:crypto in the cloud functions — and both
 * must give the published test vectors (test/unit/dynamic-code.test.ts).
 */

export const CODE_PREFIX = 'JXM1';
export const STEP_SECONDS = 30;
/** Steps either side of the server's that are still accepted (clock drift, a slow queue). */
export const STEP_WINDOW = 2;
/** A superseded seed stays valid this long after the next one is issued. */
export const PREVIOUS_SEED_GRACE_MS = 5 * 60_000;
/** A seed is valid this long after it was issued (a phone may stay offline for days). */
export const SEED_LIFETIME_MS = 7 * 24 * 3600_000;
/** A scan synced late from the offline queue may be this old. */
export const LATE_SYNC_MAX_MS = 24 * 3600_000;

/** HMAC-SHA256 of `message` under the key `base64-decode(keyBase64)`, as lower-case hex. */
export type HmacSha256Hex = (keyBase64: string, message: string) => string;

export interface ParsedCode {
  codeId: string;
  step: number;
  mac: string;
}

const CODE_PATTERN = /^JXM1\.([0-9a-f]{16,32})\.(\d{1,12})\.([0-9a-f]{16})$/;

export function codeStep(unixMillis: number, stepSeconds = STEP_SECONDS): number {
  return Math.floor(unixMillis / 1000 / stepSeconds);
}

export function codeMac(hmac: HmacSha256Hex, seed: string, codeId: string, step: number): string {
  return hmac(seed, `${codeId}.${step}`).slice(0, 16);
}

/** The QR text to show at `unixMillis`. */
export function renderCode(
  hmac: HmacSha256Hex,
  code: { codeId: string; seed: string },
  unixMillis: number,
): string {
  const step = codeStep(unixMillis);
  return `${CODE_PREFIX}.${code.codeId}.${step}.${codeMac(hmac, code.seed, code.codeId, step)}`;
}

export function parseCode(text: string): ParsedCode | null {
  if (typeof text !== 'string' || text.length > 80) return null;
  const match = CODE_PATTERN.exec(text.trim());
  if (!match) return null;
  return { codeId: match[1], step: Number(match[2]), mac: match[3] };
}

/** Compares two hex strings in time independent of where they differ. */
export function sameMac(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export interface SeedRecord {
  seed: string;
  issuedAt: Date;
  /** When the next seed was issued; null while this one is current. */
  supersededAt: Date | null;
}

/** The last instant a seed is valid: 7 days after issue, or 5 minutes after the next seed, whichever is first. */
export function seedValidUntil(seed: Pick<SeedRecord, 'issuedAt' | 'supersededAt'>): number {
  const expiry = seed.issuedAt.getTime() + SEED_LIFETIME_MS;
  return seed.supersededAt ? Math.min(expiry, seed.supersededAt.getTime() + PREVIOUS_SEED_GRACE_MS) : expiry;
}

/** Whether the seed was valid at `at`: issued before, and not past seedValidUntil. */
export function seedValidAt(seed: SeedRecord, at: Date): boolean {
  const t = at.getTime();
  return t >= seed.issuedAt.getTime() && t <= seedValidUntil(seed);
}

export type CodeCheck = { ok: true } | { ok: false; reason: 'expired' | 'invalid' };

/**
 * Checks a parsed code against the person's seeds as of `at` (the scan time): the step must be within the
 * window of `at`'s step, and the mac must match a seed valid at `at`. A mac that matches only a seed no longer
 * valid, or a step outside the window, is `expired`; anything else is `invalid`.
 */
export function checkCode(
  hmac: HmacSha256Hex,
  code: ParsedCode,
  seeds: readonly SeedRecord[],
  at: Date,
): CodeCheck {
  const matching = seeds.filter((s) => sameMac(codeMac(hmac, s.seed, code.codeId, code.step), code.mac));
  if (matching.length === 0) return { ok: false, reason: 'invalid' };
  if (Math.abs(code.step - codeStep(at.getTime())) > STEP_WINDOW) return { ok: false, reason: 'expired' };
  return matching.some((s) => seedValidAt(s, at)) ? { ok: true } : { ok: false, reason: 'expired' };
}
