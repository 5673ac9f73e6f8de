/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) on bytes, for the mini-program, which has no node:crypto: the
 * dynamic code (code-hmac.ts) needs nothing more, and this is about 1 KB shipped where crypto-js was 77 KB. Pure.
 * Bit for bit node:crypto's createHmac('sha256', key): RFC 4231's vectors and random keys and messages
 * (test/unit/sha256.test.ts).
 *
 * Plain arrays and 32-bit integer arithmetic only (no typed arrays, no BigInt), for every WeChat base library.
 */

/** The first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
];

/** 32-bit rotate right. */
function ror(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/** SHA-256 of `bytes` (each 0–255): 32 bytes. */
export function sha256(bytes: ArrayLike<number>): number[] {
  const length = bytes.length;
  // the message, 0x80, zeros, the length in bits as 64 bits big-endian: whole 64-byte blocks of 16 words
  const wordCount = ((length + 72) >> 6) << 4;
  const words: number[] = [];
  for (let i = 0; i < wordCount; i++) words.push(0);
  for (let i = 0; i < length; i++) words[i >> 2] |= (bytes[i] & 0xff) << (24 - (i & 3) * 8);
  words[length >> 2] |= 0x80 << (24 - (length & 3) * 8);
  words[wordCount - 2] = Math.floor(length / 0x20000000);
  words[wordCount - 1] = (length * 8) | 0;

  const h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  const w: number[] = [];
  for (let block = 0; block < wordCount; block += 16) {
    for (let t = 0; t < 64; t++) {
      if (t < 16) {
        w[t] = words[block + t];
      } else {
        const x = w[t - 15];
        const y = w[t - 2];
        const s0 = ror(x, 7) ^ ror(x, 18) ^ (x >>> 3);
        const s1 = ror(y, 17) ^ ror(y, 19) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
    }
    let a = h[0];
    let b = h[1];
    let c = h[2];
    let d = h[3];
    let e = h[4];
    let f = h[5];
    let g = h[6];
    let hh = h[7];
    for (let t = 0; t < 64; t++) {
      const t1 = (hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
      const t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + b) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
    h[4] = (h[4] + e) | 0;
    h[5] = (h[5] + f) | 0;
    h[6] = (h[6] + g) | 0;
    h[7] = (h[7] + hh) | 0;
  }
  const out: number[] = [];
  for (let i = 0; i < 32; i++) out.push((h[i >> 2] >>> (24 - (i & 3) * 8)) & 0xff);
  return out;
}

/** HMAC-SHA256 of `message` under `key` (bytes): 32 bytes. */
export function hmacSha256(key: ArrayLike<number>, message: ArrayLike<number>): number[] {
  const k = key.length > 64 ? sha256(key) : key;
  const inner: number[] = [];
  const outer: number[] = [];
  for (let i = 0; i < 64; i++) {
    const byte = i < k.length ? k[i] & 0xff : 0;
    inner.push(byte ^ 0x36);
    outer.push(byte ^ 0x5c);
  }
  for (let i = 0; i < message.length; i++) inner.push(message[i]);
  return sha256(outer.concat(sha256(inner)));
}

/** UTF-8, as node:crypto encodes a string: a lone surrogate becomes U+FFFD. */
export function utf8Bytes(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xe000) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Base64 to bytes, as node:crypto's Buffer.from(text, 'base64') reads it: both alphabets, up to the first '=',
 * other characters skipped, the bits short of a byte at the end dropped.
 */
export function base64Bytes(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === '=') break;
    let v = BASE64.indexOf(char);
    if (v < 0) v = BASE64URL.indexOf(char);
    if (v < 0) continue;
    value = ((value << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return out;
}
