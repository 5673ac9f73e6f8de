/**
 * The mini-program's HMAC for the dynamic code (miniprogram/core/dynamic-code.ts): sha256.ts, since the mini-program
 * has no node:crypto (it was crypto-js, 77 KB shipped for this one function). It must give the same published test
 * vectors as the server's node:crypto (test/unit/dynamic-code.test.ts); the cloud functions never import this file.
 */
import { type HmacSha256Hex } from './dynamic-code';
import { base64Bytes, hmacSha256, utf8Bytes } from './sha256';
import { bytesToHex, codeTextAt } from './signed-pass';

export const deviceHmacSha256Hex: HmacSha256Hex = (keyBase64, message) =>
  bytesToHex(hmacSha256(base64Bytes(keyBase64), utf8Bytes(message)));

/**
 * The QR text for a cached code at `unixMillis`: works offline, from the seed alone — JXM2 while the code's signed
 * pass has not expired (API.md 2.3), else JXM1.
 */
export function qrTextAt(
  code: { codeId: string; seed: string; pass?: string | null },
  unixMillis: number,
): string {
  return codeTextAt(deviceHmacSha256Hex, code, unixMillis);
}
