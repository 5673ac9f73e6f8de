/**
 * The mini-program's HMAC for the dynamic code (miniprogram/core/dynamic-code.ts): crypto-js, since the
 * mini-program has no node:crypto. Imported whole: packNpm bundles crypto-js into one file, so its sub-paths do not
 * exist in the mini-program. It must give the same published test vectors as the server's node:crypto
 * (test/unit/dynamic-code.test.ts); the cloud functions never import this file.
 */
import CryptoJS from 'crypto-js';
import { type HmacSha256Hex } from './dynamic-code';
import { codeTextAt } from './signed-pass';

export const cryptoJsHmacSha256Hex: HmacSha256Hex = (keyBase64, message) =>
  CryptoJS.HmacSHA256(message, CryptoJS.enc.Base64.parse(keyBase64)).toString(CryptoJS.enc.Hex);

/**
 * The QR text for a cached code at `unixMillis`: works offline, from the seed alone — JXM2 while the code's signed
 * pass has not expired (API.md 2.3), else JXM1.
 */
export function qrTextAt(
  code: { codeId: string; seed: string; pass?: string | null },
  unixMillis: number,
): string {
  return codeTextAt(cryptoJsHmacSha256Hex, code, unixMillis);
}
