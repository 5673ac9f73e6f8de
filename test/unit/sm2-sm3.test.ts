/**
 * The crypto of the signed pass (API.md 2.3), proved three ways:
 *  - against the published examples: SM3's two of GB/T 32905 (on sm-crypto, WeChat's miniprogram-sm-crypto and
 *    OpenSSL's SM3 in node:crypto), and SM2's signature examples of GB/T 32918 (GM/T 0003);
 *  - the two SM2 implementations against each other, both ways (a signature made by one verifies with the other;
 *    a flipped byte fails);
 *  - both against a third, independent implementation written here from the standard (BigInt arithmetic, affine
 *    points, OpenSSL's SM3), which itself first reproduces the standard's example.
 *
 * The examples: GB/T 32918.2-2016 (GM/T 0003.2-2012) Annex A signs "message digest" on a *test* curve (Fp-256 with
 * p = 8542D69E…) with the user id "ALICE123@YAHOO.COM". sm-crypto and miniprogram-sm-crypto hard-code the
 * recommended curve, so that example runs on the independent implementation only (proving it). GM/T 0003.5-2012
 * Annex A (the parameter definitions, published as GB/T 32918.5-2017) signs the same message on the recommended
 * curve with the default user id "1234567812345678" — the one the pass uses — and that example runs on sm-crypto
 * (with the published nonce k, through the same `pointPool` path the server signs with), miniprogram-sm-crypto and
 * the independent implementation.
 */
import { createHash } from 'node:crypto';
import { sm2 as smCrypto, sm3 as smCryptoSm3 } from 'sm-crypto';
import { sm2 as wechatSm2, sm3 as wechatSm3 } from 'miniprogram-sm-crypto';
import {
  freshNonce,
  issuePass,
  newPassKeyPair,
  sm2Sign,
  sm2Verify,
  type PassKeyRing,
} from '../../cloudfunctions/_server/privacy/pass';
import { SM2_USER_ID, checkPass, parseScannedCode, parsePass } from '../../miniprogram/core/signed-pass';
import { miniprogramSm2Verify } from '../../miniprogram/scanner/core/offline-gate';

// ─── an independent SM2 (GB/T 32918.2), for the tests only ───────────────────────────────────────────────────

const big = (hex: string) => BigInt(`0x${hex.replace(/\s/g, '')}`);
const hex32 = (x: bigint) => x.toString(16).padStart(64, '0');

interface Curve {
  p: bigint;
  a: bigint;
  b: bigint;
  gx: bigint;
  gy: bigint;
  n: bigint;
}
type Point = [bigint, bigint] | null;

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
function power(base: bigint, exp: bigint, m: bigint): bigint {
  let result = BigInt(1);
  let b = mod(base, m);
  for (let e = exp; e > BigInt(0); e >>= BigInt(1)) {
    if (e & BigInt(1)) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}
const inverse = (a: bigint, m: bigint) => power(a, m - BigInt(2), m);

function add(c: Curve, P: Point, Q: Point): Point {
  if (!P) return Q;
  if (!Q) return P;
  let slope: bigint;
  if (P[0] === Q[0]) {
    if (mod(P[1] + Q[1], c.p) === BigInt(0)) return null;
    slope = mod((BigInt(3) * P[0] * P[0] + c.a) * inverse(BigInt(2) * P[1], c.p), c.p);
  } else {
    slope = mod((Q[1] - P[1]) * inverse(Q[0] - P[0], c.p), c.p);
  }
  const x = mod(slope * slope - P[0] - Q[0], c.p);
  return [x, mod(slope * (P[0] - x) - P[1], c.p)];
}

function multiply(c: Curve, k: bigint, P: Point): Point {
  let result: Point = null;
  let addend = P;
  for (let e = k; e > BigInt(0); e >>= BigInt(1)) {
    if (e & BigInt(1)) result = add(c, result, addend);
    addend = add(c, addend, addend);
  }
  return result;
}

const opensslSm3 = (data: Buffer) => createHash('sm3').update(data).digest();

/** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), then e = SM3(Z ‖ M). */
function digestOf(c: Curve, userId: string, P: [bigint, bigint], message: string): bigint {
  const id = Buffer.from(userId, 'utf8');
  const entl = Buffer.from([(id.length * 8) >> 8, (id.length * 8) & 0xff]);
  const words = [c.a, c.b, c.gx, c.gy, P[0], P[1]].map((x) => Buffer.from(hex32(x), 'hex'));
  const z = opensslSm3(Buffer.concat([entl, id, ...words]));
  return big(opensslSm3(Buffer.concat([z, Buffer.from(message, 'utf8')])).toString('hex'));
}

function referenceSign(c: Curve, userId: string, d: bigint, message: string, k: bigint): [bigint, bigint] {
  const P = multiply(c, d, [c.gx, c.gy]) as [bigint, bigint];
  const e = digestOf(c, userId, P, message);
  const [x1] = multiply(c, k, [c.gx, c.gy]) as [bigint, bigint];
  const r = mod(e + x1, c.n);
  return [r, mod(inverse(BigInt(1) + d, c.n) * (k - r * d), c.n)];
}

function referenceVerify(c: Curve, userId: string, publicHex: string, message: string, rsHex: string) {
  const P: [bigint, bigint] = [big(publicHex.slice(2, 66)), big(publicHex.slice(66))];
  const r = big(rsHex.slice(0, 64));
  const s = big(rsHex.slice(64));
  if (r < BigInt(1) || r >= c.n || s < BigInt(1) || s >= c.n) return false;
  const t = mod(r + s, c.n);
  if (t === BigInt(0)) return false;
  const X = add(c, multiply(c, s, [c.gx, c.gy]), multiply(c, t, P));
  return X !== null && mod(digestOf(c, userId, P, message) + X[0], c.n) === r;
}

/** The recommended curve (GB/T 32918.5). */
const SM2P256: Curve = {
  p: big('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFF'),
  a: big('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFC'),
  b: big('28E9FA9E 9D9F5E34 4D5A9E4B CF6509A7 F39789F5 15AB8F92 DDBCBD41 4D940E93'),
  gx: big('32C4AE2C 1F198119 5F990446 6A39C994 8FE30BBF F2660BE1 715A4589 334C74C7'),
  gy: big('BC3736A2 F4F6779C 59BDCEE3 6B692153 D0A9877C C62A4740 02DF32E5 2139F0A0'),
  n: big('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF 7203DF6B 21C6052B 53BBF409 39D54123'),
};

// ─── SM3 ─────────────────────────────────────────────────────────────────────────────────────────────────────

describe('SM3: the examples of GB/T 32905-2016', () => {
  const examples = [
    ['abc', '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'],
    ['abcd'.repeat(16), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732'],
  ] as const;

  it.each(examples)(
    'should hash %j on sm-crypto, miniprogram-sm-crypto and OpenSSL alike',
    (input, digest) => {
      expect(smCryptoSm3(input)).toBe(digest);
      expect(wechatSm3(input)).toBe(digest);
      expect(opensslSm3(Buffer.from(input)).toString('hex')).toBe(digest);
    },
  );
});

// ─── SM2: the published examples ─────────────────────────────────────────────────────────────────────────────

describe('SM2: GB/T 32918.2 Annex A (test curve, user id ALICE123@YAHOO.COM), on the independent code', () => {
  // a different curve and user id than the pass's: sm-crypto and miniprogram-sm-crypto cannot take it (their curve
  // is fixed); it proves the independent implementation the other tests check them against
  const TEST_CURVE: Curve = {
    p: big('8542D69E 4C044F18 E8B92435 BF6FF7DE 45728391 5C45517D 722EDB8B 08F1DFC3'),
    a: big('787968B4 FA32C3FD 2417842E 73BBFEFF 2F3C848B 6831D7E0 EC65228B 3937E498'),
    b: big('63E4C6D3 B23B0C84 9CF84241 484BFE48 F61D59A5 B16BA06E 6E12D1DA 27C5249A'),
    gx: big('421DEBD6 1B62EAB6 746434EB C3CC315E 32220B3B ADD50BDC 4C4E6C14 7FEDD43D'),
    gy: big('0680512B CBB42C07 D47349D2 153B70C4 E5D7FDFC BFA36EA1 A85841B9 E46E09A2'),
    n: big('8542D69E 4C044F18 E8B92435 BF6FF7DD 29772063 0485628D 5AE74EE7 C32E79B7'),
  };
  const d = big('128B2FA8 BD433C6C 068C8D80 3DFF7979 2A519A55 171B1B65 0C23661D 15897263');
  const k = big('6CB28D99 385C175C 94F94E93 4817663F C176D925 DD72B727 260DBAAE 1FB2F96F');

  it('should derive the public key, and sign "message digest" to the published r and s', () => {
    const P = multiply(TEST_CURVE, d, [TEST_CURVE.gx, TEST_CURVE.gy])!;
    expect(hex32(P[0])).toBe('0ae4c7798aa0f119471bee11825be46202bb79e2a5844495e97c04ff4df2548a');
    expect(hex32(P[1])).toBe('7c0240f88f1cd4e16352a73c17b7f16f07353e53a176d684a9fe0c6bb798e857');
    const [r, s] = referenceSign(TEST_CURVE, 'ALICE123@YAHOO.COM', d, 'message digest', k);
    expect(hex32(r)).toBe('40f1ec59f793d9f49e09dcef49130d4194f79fb1eed2caa55bacdb49c4e755d1');
    expect(hex32(s)).toBe('6fc6dac32c5d5cf10c77dfb20f7c2eb667a457872fb09ec56327a67ec7deebe7');
    const publicHex = `04${hex32(P[0])}${hex32(P[1])}`;
    expect(
      referenceVerify(TEST_CURVE, 'ALICE123@YAHOO.COM', publicHex, 'message digest', hex32(r) + hex32(s)),
    ).toBe(true);
    expect(
      referenceVerify(TEST_CURVE, 'ALICE123@YAHOO.COM', publicHex, 'message digesT', hex32(r) + hex32(s)),
    ).toBe(false);
  });
});

describe('SM2: GM/T 0003.5 / GB/T 32918.5 Annex A (recommended curve, user id 1234567812345678)', () => {
  const d = '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8';
  const P =
    '04' +
    '09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' +
    'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13';
  const k = big('59276E27 D506861A 16680F3A D9C02DCC EF3CC1FA 3CDBE4CE 6D54B80D EAC1BC21');
  const RS =
    'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3' +
    'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa';

  it('should derive the published public key from the private key', () => {
    expect(smCrypto.getPublicKeyFromPrivateKey(d)).toBe(P);
  });

  it('should sign to the published r‖s with the published k, as the server signs (sm-crypto, pointPool)', () => {
    // freshNonce(seed) makes k = seed mod (n − 1) + 1, as sm-crypto's generateKeyPairHex does: pass k − 1
    const nonce = freshNonce(hex32(k - BigInt(1)));
    expect(sm2Sign('message digest', { privateKey: d, publicKey: P }, nonce)).toBe(RS);
    expect(referenceSign(SM2P256, SM2_USER_ID, big(d), 'message digest', k).map(hex32).join('')).toBe(RS);
  });

  it('should verify the published signature on all three, and refuse it for another message', () => {
    expect(sm2Verify('message digest', RS, P)).toBe(true);
    expect(miniprogramSm2Verify('message digest', RS, P)).toBe(true);
    expect(referenceVerify(SM2P256, SM2_USER_ID, P, 'message digest', RS)).toBe(true);
    expect(sm2Verify('message digesT', RS, P)).toBe(false);
    expect(miniprogramSm2Verify('message digesT', RS, P)).toBe(false);
    expect(referenceVerify(SM2P256, SM2_USER_ID, P, 'message digesT', RS)).toBe(false);
  });
});

// ─── SM2: the implementations against each other ─────────────────────────────────────────────────────────────

/** The same hex with one byte changed (its low bit flipped). */
function flipByte(hex: string, byte: number): string {
  const at = byte * 2;
  const flipped = (parseInt(hex.slice(at, at + 2), 16) ^ 1).toString(16).padStart(2, '0');
  return hex.slice(0, at) + flipped + hex.slice(at + 2);
}

describe('SM2: sm-crypto (server) and miniprogram-sm-crypto (scanner), both ways', () => {
  const message = 'eyJ2IjoxLCJraWQiOiJwMSIsImNvbG9yIjoiZ3JlZW4ifQ';

  it('should verify with miniprogram-sm-crypto (and the independent code) what the server signs', () => {
    for (let i = 0; i < 3; i++) {
      const key = newPassKeyPair();
      const rs = sm2Sign(message, key);
      expect(rs).toMatch(/^[0-9a-f]{128}$/);
      expect(miniprogramSm2Verify(message, rs, key.publicKey)).toBe(true);
      expect(referenceVerify(SM2P256, SM2_USER_ID, key.publicKey, message, rs)).toBe(true);
      // a flipped byte of r, of s, or of the message fails everywhere
      for (const bad of [flipByte(rs, 5), flipByte(rs, 40)]) {
        expect(miniprogramSm2Verify(message, bad, key.publicKey)).toBe(false);
        expect(sm2Verify(message, bad, key.publicKey)).toBe(false);
      }
      expect(miniprogramSm2Verify(`${message}x`, rs, key.publicKey)).toBe(false);
      expect(referenceVerify(SM2P256, SM2_USER_ID, key.publicKey, `${message}x`, rs)).toBe(false);
      // another key's signature is no signature
      expect(miniprogramSm2Verify(message, rs, newPassKeyPair().publicKey)).toBe(false);
    }
  });

  it('should verify with sm-crypto (and the independent code) what miniprogram-sm-crypto signs', () => {
    const key = smCrypto.generateKeyPairHex();
    const rs = wechatSm2.doSignature(message, key.privateKey, {
      hash: true,
      der: false,
      userId: SM2_USER_ID,
    });
    expect(sm2Verify(message, rs, key.publicKey)).toBe(true);
    expect(smCrypto.doVerifySignature(message, rs, key.publicKey, { hash: true, der: false })).toBe(true);
    expect(referenceVerify(SM2P256, SM2_USER_ID, key.publicKey, message, rs)).toBe(true);
    expect(sm2Verify(message, flipByte(rs, 63), key.publicKey)).toBe(false);
    expect(sm2Verify(`x${message}`, rs, key.publicKey)).toBe(false);
  });

  it('should draw a new nonce for every signature (two signatures of one message differ, both valid)', () => {
    const key = newPassKeyPair();
    const first = sm2Sign(message, key);
    const second = sm2Sign(message, key);
    expect(first).not.toBe(second);
    expect(first.slice(0, 64)).not.toBe(second.slice(0, 64));
    expect(sm2Verify(message, first, key.publicKey) && sm2Verify(message, second, key.publicKey)).toBe(true);
  });

  it('should never throw on a malformed signature or key, only refuse', () => {
    const key = newPassKeyPair();
    expect(sm2Verify(message, 'zz', key.publicKey)).toBe(false);
    expect(sm2Verify(message, '0'.repeat(128), key.publicKey)).toBe(false);
    expect(sm2Verify(message, sm2Sign(message, key), '04' + '00'.repeat(64))).toBe(false);
  });
});

describe('a pass signed by the server, checked by the scanner', () => {
  const key = newPassKeyPair();
  const ring: PassKeyRing = {
    current: { kid: 'p1', ...key, notBefore: new Date(0) },
    previous: null,
    lifetimeHours: 24,
  };
  const now = new Date('2026-11-27T08:00:00+08:00');
  const pass = issuePass(
    ring,
    { codeId: '0123456789abcdef', color: 'green', maskedName: '张*' },
    now,
    now.getTime() + 7 * 86_400_000,
  )!;
  const qr = `JXM2.0123456789abcdef.59000000.0123456789abcdef.${pass}`;

  it('should verify under the published key with miniprogram-sm-crypto, and on the independent code', () => {
    const code = parseScannedCode(qr);
    expect(code?.version).toBe(2);
    if (code?.version !== 2) return;
    expect(checkPass(code, [{ kid: 'p1', publicKey: key.publicKey }], miniprogramSm2Verify)).toBe('ok');
    expect(
      referenceVerify(SM2P256, SM2_USER_ID, key.publicKey, code.pass.payload, code.pass.signatureHex),
    ).toBe(true);
  });

  it('should be forged once a byte of its signature or its payload changes', () => {
    const parsed = parsePass(pass)!;
    const [payload, signature] = pass.split('.');
    const otherSignature = Buffer.from(flipByte(parsed.signatureHex, 10), 'hex').toString('base64url');
    // the payload's color changed from green: one character of the base64url text
    const json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const redPayload = Buffer.from(JSON.stringify({ ...json, color: 'red' })).toString('base64url');
    for (const forged of [`${payload}.${otherSignature}`, `${redPayload}.${signature}`]) {
      const code = parseScannedCode(`JXM2.0123456789abcdef.59000000.0123456789abcdef.${forged}`);
      expect(code?.version).toBe(2);
      if (code?.version !== 2) continue;
      expect(checkPass(code, [{ kid: 'p1', publicKey: key.publicKey }], miniprogramSm2Verify)).toBe('forged');
      expect(checkPass(code, [{ kid: 'p1', publicKey: key.publicKey }], sm2Verify)).toBe('forged');
    }
  });
});
