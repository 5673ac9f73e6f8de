/**
 * The mini-program's HMAC for the dynamic code (miniprogram/core/dynamic-code.ts): crypto-js, since the
 * mini-program has no node:crypto. Only the modules it needs, to keep the main package small. It must give the
 * same published test vectors as the server's node:crypto (test/unit/dynamic-code.test.ts).
 */
import Base64 from 'crypto-js/enc-base64';
import Hex from 'crypto-js/enc-hex';
import HmacSHA256 from 'crypto-js/hmac-sha256';
import { renderCode, type HmacSha256Hex } from './dynamic-code';

export const cryptoJsHmacSha256Hex: HmacSha256Hex = (keyBase64, message) =>
  HmacSHA256(message, Base64.parse(keyBase64)).toString(Hex);

/** The QR text for a cached code at `unixMillis`: works offline, from the seed alone. */
export function qrTextAt(code: { codeId: string; seed: string }, unixMillis: number): string {
  return renderCode(cryptoJsHmacSha256Hex, code, unixMillis);
}
