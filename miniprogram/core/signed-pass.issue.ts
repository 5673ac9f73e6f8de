/**
 * Issuing a signed pass (API.md 2.3): the payload text and the pass, as the server writes them. Pure, and run by
 * the cloud functions only (packOptions.ignore leaves it out of the mini-program's upload); reading a pass and the
 * offline rule are in signed-pass.ts, the signing itself in cloudfunctions/_server/privacy/pass.ts.
 */
import type { PassClaims } from './signed-pass';

/** A pass lasts at most this long (API.md 2.3); the deployment may choose less (JXM_PASS_TTL_HOURS). */
export const PASS_MAX_LIFETIME_HOURS = 24;
export const DEFAULT_PASS_LIFETIME_HOURS = 24;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url without padding. */
export function bytesToBase64url(bytes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
    if (i + 1 < bytes.length) out += ALPHABET[(n >> 6) & 63];
    if (i + 2 < bytes.length) out += ALPHABET[n & 63];
  }
  return out;
}

export function utf8Encode(text: string): number[] {
  const out: number[] = [];
  for (const char of text) {
    const c = char.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

export function hexToBytes(hex: string): number[] | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
  return out;
}

/** The payload text: the claims' JSON in the order of API.md 2.3, UTF-8, base64url. */
export function encodePassPayload(claims: PassClaims): string {
  const { kid, codeId, color, name, iat, exp } = claims;
  return bytesToBase64url(utf8Encode(JSON.stringify({ v: 1, kid, codeId, color, name, iat, exp })));
}

/** `<payload>.<signature>` from the payload text and the 64-byte r‖s signature as hex. */
export function joinPass(payload: string, signatureHex: string): string {
  const bytes = hexToBytes(signatureHex);
  if (!bytes || bytes.length !== 64) throw new Error('an SM2 signature r‖s is 64 bytes');
  return `${payload}.${bytesToBase64url(bytes)}`;
}

/** The pass's expiry: `lifetimeHours` (at most 24) after issue, never after the seed expires. */
export function passExpiry(iatSeconds: number, lifetimeHours: number, seedValidUntilMs: number): number {
  const hours = Math.min(Math.max(lifetimeHours, 0), PASS_MAX_LIFETIME_HOURS);
  return Math.min(iatSeconds + Math.round(hours * 3600), Math.floor(seedValidUntilMs / 1000));
}
