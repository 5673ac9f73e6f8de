/**
 * The signed pass (API.md 2.3): reading it, JXM2 or JXM1 on the phone, the offline rule shared by scanner and
 * server. Pure; SM2 is passed in. Issuing: signed-pass.issue.ts (server only).
 */
import { STEP_WINDOW, codeStep, renderCode, type HmacSha256Hex, type ParsedCode } from './dynamic-code';
import { COLORS, FEVER_THRESHOLD_C, type Color } from './health-code.rules';

export const SM2_USER_ID = '1234567812345678';
export const PASS_CLOCK_SKEW_S = 120;
export const QR_MAX_LENGTH = 512;
export const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export interface PassClaims {
  v: 1;
  kid: string;
  codeId: string;
  color: Color;
  name: string;
  iat: number;
  exp: number;
}

/** A published key (scan.keys). */
export interface PassKey {
  kid: string;
  alg: 'SM2';
  publicKey: string;
  notBefore: string;
  notAfter: string;
}

/** SM2/SM3, default user id; r‖s hex. */
export type Sm2Verify = (message: string, signatureHex: string, publicKeyHex: string) => boolean;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Canonical base64url (no padding, no stray low bits), else null. */
export function base64urlToBytes(text: string): number[] | null {
  if (text.length % 4 === 1) return null;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const v = ALPHABET.indexOf(char);
    if (v < 0) return null;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
      value &= (1 << bits) - 1;
    }
  }
  return value === 0 ? out : null;
}

/** Strict UTF-8, else null. */
export function utf8Decode(bytes: ArrayLike<number>): string | null {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const extra =
      b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (extra < 0 || i + extra > bytes.length - 1) return null;
    let c = extra === 0 ? b : b & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      if ((bytes[i + k] & 0xc0) !== 0x80) return null;
      c = (c << 6) | (bytes[i + k] & 63);
    }
    if (c < [0, 0x80, 0x800, 0x10000][extra] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return null;
    out += String.fromCodePoint(c);
    i += extra + 1;
  }
  return out;
}

export function bytesToHex(bytes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return out;
}

const isSeconds = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

export function decodePassPayload(payload: string): PassClaims | null {
  const bytes = payload.length <= 400 ? base64urlToBytes(payload) : null;
  const json = bytes && utf8Decode(bytes);
  let c: Record<string, unknown> | null;
  try {
    c = json ? JSON.parse(json) : null;
  } catch {
    return null;
  }
  const ok =
    c &&
    typeof c === 'object' &&
    Object.keys(c).join() === 'v,kid,codeId,color,name,iat,exp' &&
    c.v === 1 &&
    typeof c.kid === 'string' &&
    KID_PATTERN.test(c.kid) &&
    typeof c.codeId === 'string' &&
    /^[0-9a-f]{16,32}$/.test(c.codeId) &&
    (COLORS as readonly unknown[]).includes(c.color) &&
    typeof c.name === 'string' &&
    c.name.length <= 60 &&
    isSeconds(c.iat) &&
    isSeconds(c.exp) &&
    c.exp > c.iat;
  return ok ? (c as unknown as PassClaims) : null;
}

export interface ParsedPass {
  payload: string;
  signatureHex: string;
  claims: PassClaims;
}

export function parsePass(pass: string): ParsedPass | null {
  const [payload, signature, more] = typeof pass === 'string' ? pass.split('.') : [];
  if (more !== undefined || !payload || signature?.length !== 86) return null;
  const claims = decodePassPayload(payload);
  const bytes = base64urlToBytes(signature);
  return claims && bytes ? { payload, signatureHex: bytesToHex(bytes), claims } : null;
}

export type ScannedCode = (ParsedCode & { version: 1 }) | (ParsedCode & { version: 2; pass: ParsedPass });

const CODE_PATTERN =
  /^JXM([12])\.([0-9a-f]{16,32})\.(\d{1,12})\.([0-9a-f]{16})(?:\.([A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{86}))?$/;

/** JXM1, or JXM2 with a well-formed (unverified) pass; else null. */
export function parseScannedCode(text: string): ScannedCode | null {
  const m = typeof text === 'string' && text.length <= QR_MAX_LENGTH ? CODE_PATTERN.exec(text.trim()) : null;
  if (!m || (m[1] === '2') !== (m[5] !== undefined)) return null;
  const code = { codeId: m[2], step: Number(m[3]), mac: m[4] };
  if (m[1] === '1') return { version: 1, ...code };
  const pass = parsePass(m[5]);
  return pass && { version: 2, ...code, pass };
}

export function passUsableAt(pass: string | null | undefined, unixMillis: number): boolean {
  const parsed = pass ? parsePass(pass) : null;
  return parsed !== null && unixMillis < parsed.claims.exp * 1000;
}

/** The citizen's QR: JXM2 while the pass holds, else JXM1. */
export function codeTextAt(
  hmac: HmacSha256Hex,
  code: { codeId: string; seed: string; pass?: string | null },
  unixMillis: number,
): string {
  const jxm1 = renderCode(hmac, code, unixMillis);
  return passUsableAt(code.pass, unixMillis) ? `JXM2${jxm1.slice(4)}.${code.pass}` : jxm1;
}

/** r, s in 1 … n − 1 (n of GB/T 32918.5; fixed-width hex compares as numbers). */
const N_HEX = 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123';
const inRange = (h: string) => h !== '0'.repeat(64) && h < N_HEX;

/** Verifies under the key its kid names, for this codeId. */
export function checkPass(
  code: ParsedCode & { pass: ParsedPass },
  keys: readonly Pick<PassKey, 'kid' | 'publicKey'>[],
  verify: Sm2Verify,
): 'ok' | 'unknown_key' | 'forged' {
  const { payload, signatureHex, claims } = code.pass;
  const key = keys.find((k) => k.kid === claims.kid);
  if (!key) return 'unknown_key';
  let valid = false;
  try {
    valid =
      inRange(signatureHex.slice(0, 64)) &&
      inRange(signatureHex.slice(64)) &&
      verify(payload, signatureHex, key.publicKey);
  } catch {
    valid = false;
  }
  return valid && claims.codeId === code.codeId ? 'ok' : 'forged';
}

/** `offline.reason` (API.md 2.3). */
export const OFFLINE_REASONS = [
  'expired',
  'stale_step',
  'not_green',
  'fever',
  'unknown_key',
  'forged',
  'no_pass',
] as const;
export type OfflineReason = (typeof OFFLINE_REASONS)[number];

export interface OfflineVerdict {
  decision: 'allow' | 'deny';
  reason: OfflineReason | null;
  /** Once verified. */
  claims: PassClaims | null;
}

/** Allow green, or bw, below 37.3 °C. */
function byColor(color: Color, temperature: number, claims: PassClaims | null): OfflineVerdict {
  const reason =
    color !== 'green' && color !== 'bw' ? 'not_green' : temperature >= FEVER_THRESHOLD_C ? 'fever' : null;
  return { decision: reason ? 'deny' : 'allow', reason, claims };
}

/** API.md 2.3: key, signature, iat − 2 min … exp + 2 min, step, color, temperature. null: no 吉祥码. */
export function offlineDecision(input: {
  qr: string;
  temperature: number;
  keys: readonly Pick<PassKey, 'kid' | 'publicKey'>[];
  nowMs: number;
  verify: Sm2Verify;
}): OfflineVerdict | null {
  const code = parseScannedCode(input.qr);
  if (!code) return null;
  const deny = (reason: OfflineReason, claims: PassClaims | null = null): OfflineVerdict => ({
    decision: 'deny',
    reason,
    claims,
  });
  if (code.version === 1) return deny('no_pass');
  const checked = checkPass(code, input.keys, input.verify);
  if (checked !== 'ok') return deny(checked);
  const { claims } = code.pass;
  const now = input.nowMs / 1000;
  if (now < claims.iat - PASS_CLOCK_SKEW_S || now > claims.exp + PASS_CLOCK_SKEW_S)
    return deny('expired', claims);
  if (Math.abs(code.step - codeStep(input.nowMs)) > STEP_WINDOW) return deny('stale_step', claims);
  return byColor(claims.color, input.temperature, claims);
}

/** No code: as online (bw). */
export function guestOfflineDecision(temperature: number): OfflineVerdict {
  return byColor('bw', temperature, null);
}

/** Allowed offline on a pass, neither green nor bw at scannedAt: `stale_pass`. */
export function isStalePass(
  offline: { decision: 'allow' | 'deny' } | null | undefined,
  onPass: boolean,
  colorAtScan: Color,
): boolean {
  return offline?.decision === 'allow' && onPass && colorAtScan !== 'green' && colorAtScan !== 'bw';
}
