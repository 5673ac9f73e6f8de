/**
 * The signed pass's format and rules (API.md 2.3, miniprogram/core/signed-pass.ts), and the server's pass keys
 * (cloudfunctions/_server/privacy/pass.ts): payload and QR text, the phone's choice of JXM2 or JXM1, the offline
 * decision with each reason, `stale_pass`, and the keys from the environment.
 */
import {
  isPrivateKey,
  isPublicKey,
  issuePass,
  newPassKeyPair,
  passKeysFromEnv,
  publishedKeys,
  sm2Verify,
  sm2VerifyRemembered,
  verificationKeys,
  type PassKeyRing,
} from '../../cloudfunctions/_server/privacy/pass';
import { KeyConfigurationError } from '../../cloudfunctions/_server/privacy/personal-data';
import { hmacSha256Hex } from '../../cloudfunctions/_server/privacy/personal-data';
import { codeStep, renderCode } from '../../miniprogram/core/dynamic-code';
import {
  base64urlToBytes,
  codeTextAt,
  decodePassPayload,
  guestOfflineDecision,
  isStalePass,
  offlineDecision,
  parsePass,
  parseScannedCode,
  passUsableAt,
  utf8Decode,
  type PassClaims,
} from '../../miniprogram/core/signed-pass';
import {
  bytesToBase64url,
  encodePassPayload,
  passExpiry,
  utf8Encode,
} from '../../miniprogram/core/signed-pass.issue';

const SEED = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const CODE_ID = '0123456789abcdef';
const NOW = Date.parse('2026-11-27T08:00:00+08:00');
const WEEK = 7 * 86_400_000;

const key = newPassKeyPair();
const ring: PassKeyRing = {
  current: { kid: 'p20261127', ...key, notBefore: new Date(NOW - 86_400_000) },
  previous: null,
  lifetimeHours: 24,
};
const KEYS = publishedKeys(ring, new Date(NOW));

function passFor(color: PassClaims['color'], at = NOW, codeId = CODE_ID, name = '张*'): string {
  return issuePass(ring, { codeId, color, maskedName: name }, new Date(at), at + WEEK)!;
}
/** The JXM2 text a phone draws at `ms` with that pass (whatever the pass's own expiry). */
const qrWith = (pass: string, ms = NOW) =>
  `JXM2${renderCode(hmacSha256Hex, { codeId: CODE_ID, seed: SEED }, ms).slice(4)}.${pass}`;

const decide = (qr: string, temperature = 36.5, nowMs = NOW, keys = KEYS) =>
  offlineDecision({ qr, temperature, keys, nowMs, verify: sm2Verify });

describe('bytes: base64url without padding, UTF-8', () => {
  it('should round-trip every length and refuse non-canonical texts', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const text = bytesToBase64url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(base64urlToBytes(text)).toEqual(bytes);
    }
    // "QQ" is "A"; "QR" decodes to the same byte with a stray low bit: refused, so one pass has one text
    expect(base64urlToBytes('QQ')).toEqual([65]);
    expect(base64urlToBytes('QR')).toBeNull();
    expect(base64urlToBytes('Q')).toBeNull();
    expect(base64urlToBytes('QQ==')).toBeNull();
    expect(base64urlToBytes('Q+8')).toBeNull();
  });

  it('should encode and decode UTF-8 as Node does, and refuse what is not UTF-8', () => {
    for (const text of ['张*', '欧阳**', 'J*** S****', '𠀋*', 'abc']) {
      expect(utf8Encode(text)).toEqual([...Buffer.from(text, 'utf8')]);
      expect(utf8Decode(utf8Encode(text))).toBe(text);
    }
    expect(utf8Decode([0xc0, 0x80])).toBeNull();
    expect(utf8Decode([0xe5, 0xbc])).toBeNull();
    expect(utf8Decode([0xed, 0xa0, 0x80])).toBeNull();
    expect(utf8Decode([0xff])).toBeNull();
  });
});

describe('the payload and the QR text (API.md 2.3)', () => {
  const claims: PassClaims = {
    v: 1,
    kid: 'p1',
    codeId: CODE_ID,
    color: 'green',
    name: '张*',
    iat: 1_790_000_000,
    exp: 1_790_086_400,
  };

  it('should be the JSON in the order of API.md, UTF-8, base64url, and decode back', () => {
    const payload = encodePassPayload(claims);
    expect(Buffer.from(payload, 'base64url').toString('utf8')).toBe(
      '{"v":1,"kid":"p1","codeId":"0123456789abcdef","color":"green","name":"张*","iat":1790000000,"exp":1790086400}',
    );
    expect(payload).not.toMatch(/[=+/]/);
    expect(decodePassPayload(payload)).toEqual(claims);
  });

  it('should refuse a payload of another shape', () => {
    const of = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      { ...claims, v: 2 },
      { ...claims, color: 'blue' },
      { ...claims, kid: 'p 1' },
      { ...claims, codeId: 'XYZ' },
      { ...claims, exp: claims.iat },
      { ...claims, iat: 1.5 },
      { ...claims, extra: true },
      [claims],
    ])
      expect(decodePassPayload(of(bad))).toBeNull();
    expect(decodePassPayload('not base64!')).toBeNull();
    expect(decodePassPayload(Buffer.from('{').toString('base64url'))).toBeNull();
  });

  it('should be about 300 characters as a QR text, and parse as JXM2 with the pass as signed', () => {
    const pass = passFor('green');
    const qr = qrWith(pass);
    expect(qr.length).toBeGreaterThan(250);
    expect(qr.length).toBeLessThanOrEqual(512);
    const parsed = parseScannedCode(qr);
    expect(parsed).toMatchObject({ version: 2, codeId: CODE_ID, step: codeStep(NOW) });
    if (parsed?.version !== 2) return;
    expect(parsed.pass.claims).toMatchObject({
      kid: 'p20261127',
      codeId: CODE_ID,
      color: 'green',
      name: '张*',
    });
    expect(
      `${parsed.pass.payload}.${Buffer.from(parsed.pass.signatureHex, 'hex').toString('base64url')}`,
    ).toBe(pass);
    // JXM1 still parses; nothing else does
    expect(parseScannedCode(renderCode(hmacSha256Hex, { codeId: CODE_ID, seed: SEED }, NOW))).toMatchObject({
      version: 1,
    });
    for (const bad of [
      `${qr}.x`,
      qr.replace('JXM2', 'JXM3'),
      `${qr.slice(0, -1)}`,
      qr + 'A'.repeat(300),
      'hello',
    ])
      expect(parseScannedCode(bad)).toBeNull();
  });

  it('should be drawn as JXM2 while the pass holds, and as JXM1 from its expiry on (codeTextAt)', () => {
    const pass = passFor('green');
    const exp = parsePass(pass)!.claims.exp * 1000;
    const code = { codeId: CODE_ID, seed: SEED, pass };
    expect(codeTextAt(hmacSha256Hex, code, NOW)).toBe(qrWith(pass));
    expect(codeTextAt(hmacSha256Hex, code, exp - 1)).toMatch(/^JXM2\./);
    expect(passUsableAt(pass, exp)).toBe(false);
    expect(codeTextAt(hmacSha256Hex, code, exp)).toBe(
      renderCode(hmacSha256Hex, { codeId: CODE_ID, seed: SEED }, exp),
    );
    expect(codeTextAt(hmacSha256Hex, { codeId: CODE_ID, seed: SEED, pass: null }, NOW)).toMatch(/^JXM1\./);
    expect(codeTextAt(hmacSha256Hex, { codeId: CODE_ID, seed: SEED, pass: 'garbage' }, NOW)).toMatch(
      /^JXM1\./,
    );
  });

  it('should last the configured lifetime, at most 24 hours, never beyond the seed (passExpiry)', () => {
    const iat = 1_790_000_000;
    expect(passExpiry(iat, 24, (iat + 7 * 86_400) * 1000)).toBe(iat + 86_400);
    expect(passExpiry(iat, 6, (iat + 7 * 86_400) * 1000)).toBe(iat + 6 * 3600);
    expect(passExpiry(iat, 48, (iat + 7 * 86_400) * 1000)).toBe(iat + 86_400);
    expect(passExpiry(iat, 24, (iat + 3600) * 1000)).toBe(iat + 3600);
    const claims = parsePass(passFor('green'))!.claims;
    expect(claims.exp - claims.iat).toBe(86_400);
    expect(claims.iat).toBe(NOW / 1000);
  });
});

describe('the offline decision (API.md 2.3)', () => {
  it('should admit a green pass at a normal temperature, and a bw one', () => {
    expect(decide(qrWith(passFor('green')))).toMatchObject({ decision: 'allow', reason: null });
    expect(decide(qrWith(passFor('bw')), 37.2)).toMatchObject({ decision: 'allow', reason: null });
    expect(decide(qrWith(passFor('green')))!.claims).toMatchObject({ color: 'green', name: '张*' });
  });

  it('should refuse each case with its reason', () => {
    const green = passFor('green');
    expect(decide(qrWith(green), 37.3)).toMatchObject({ decision: 'deny', reason: 'fever' });
    expect(decide(qrWith(passFor('bw')), 37.3)).toMatchObject({ decision: 'deny', reason: 'fever' });
    for (const color of ['yellow', 'orange', 'red'] as const)
      expect(decide(qrWith(passFor(color)))).toMatchObject({ decision: 'deny', reason: 'not_green' });
    // no pass at all: JXM1
    expect(decide(renderCode(hmacSha256Hex, { codeId: CODE_ID, seed: SEED }, NOW))).toMatchObject({
      decision: 'deny',
      reason: 'no_pass',
      claims: null,
    });
    // a key the phone does not hold
    expect(decide(qrWith(green), 36.5, NOW, [])).toMatchObject({ decision: 'deny', reason: 'unknown_key' });
    // a pass signed for another code, pasted onto this one
    expect(decide(qrWith(passFor('green', NOW, 'fedcba9876543210')))).toMatchObject({
      decision: 'deny',
      reason: 'forged',
    });
    // red edited into green, the signature kept
    const [payload, signature] = passFor('red').split('.');
    const claims = decodePassPayload(payload)!;
    expect(decide(qrWith(`${encodePassPayload({ ...claims, color: 'green' })}.${signature}`))).toMatchObject({
      decision: 'deny',
      reason: 'forged',
      claims: null,
    });
    // a screenshot of a minute and a half ago: three steps back
    expect(decide(qrWith(green, NOW - 90_000))).toMatchObject({ decision: 'deny', reason: 'stale_step' });
    expect(decide(qrWith(green, NOW - 60_000))).toMatchObject({ decision: 'allow' });
    // something else than a 吉祥码: nothing to decide, nothing to record
    expect(decide('https://example.com')).toBeNull();
  });

  it('should hold the pass within iat − 2 min … exp + 2 min of the phone’s clock, and no longer', () => {
    const green = passFor('green');
    const { exp } = parsePass(green)!.claims;
    const at = (ms: number) => decide(qrWith(green, ms), 36.5, ms);
    expect(at(exp * 1000 + 120_000)).toMatchObject({ decision: 'allow' });
    expect(at(exp * 1000 + 121_000)).toMatchObject({ decision: 'deny', reason: 'expired' });
    expect(at(NOW - 120_000)).toMatchObject({ decision: 'allow' });
    expect(at(NOW - 121_000)).toMatchObject({ decision: 'deny', reason: 'expired' });
  });

  it('should decide a person without a code as online: bw, allowed below 37.3 °C', () => {
    expect(guestOfflineDecision(37.2)).toEqual({ decision: 'allow', reason: null, claims: null });
    expect(guestOfflineDecision(37.3)).toEqual({ decision: 'deny', reason: 'fever', claims: null });
  });

  it('should name a stale pass only for an offline admission on a pass of someone neither green nor bw', () => {
    const allow = { decision: 'allow' as const };
    for (const color of ['yellow', 'orange', 'red'] as const)
      expect(isStalePass(allow, true, color)).toBe(true);
    expect(isStalePass(allow, true, 'green')).toBe(false);
    expect(isStalePass(allow, true, 'bw')).toBe(false);
    expect(isStalePass({ decision: 'deny' }, true, 'red')).toBe(false);
    expect(isStalePass(allow, false, 'red')).toBe(false);
    expect(isStalePass(undefined, true, 'red')).toBe(false);
  });
});

describe('scan.record’s verification, remembered per instance', () => {
  it('should give what sm2Verify gives, and remember it (a gate scans one pass many times a day)', () => {
    const parsed = parsePass(passFor('green'))!;
    const forged = `${parsed.signatureHex.slice(0, 127)}${parsed.signatureHex.endsWith('0') ? '1' : '0'}`;
    for (let i = 0; i < 2; i++) {
      expect(sm2VerifyRemembered(parsed.payload, parsed.signatureHex, key.publicKey)).toBe(true);
      expect(sm2VerifyRemembered(parsed.payload, forged, key.publicKey)).toBe(false);
      expect(sm2VerifyRemembered(parsed.payload, parsed.signatureHex, newPassKeyPair().publicKey)).toBe(
        false,
      );
    }
    const started = performance.now();
    for (let i = 0; i < 100; i++) sm2VerifyRemembered(parsed.payload, parsed.signatureHex, key.publicKey);
    // a hundred remembered answers cost less than one verification
    expect(performance.now() - started).toBeLessThan(15);
  });
});

describe('the pass keys from the environment', () => {
  const PRIVATE = key.privateKey;

  it('should read the current key, derive its public key, and the previous one while it lasts', () => {
    const other = newPassKeyPair();
    const env = {
      JXM_PASS_KID: 'p2',
      JXM_PASS_PRIVATE_KEY: PRIVATE.toUpperCase(),
      JXM_PASS_NOT_BEFORE: '2026-11-01T00:00:00Z',
      JXM_PASS_PREVIOUS: JSON.stringify({
        kid: 'p1',
        publicKey: other.publicKey,
        notBefore: '2026-01-01T00:00:00Z',
        notAfter: '2026-11-02T00:00:00Z',
      }),
      JXM_PASS_TTL_HOURS: '12',
    };
    const keys = passKeysFromEnv(env);
    expect(keys.current).toMatchObject({ kid: 'p2', privateKey: PRIVATE, publicKey: key.publicKey });
    expect(keys.lifetimeHours).toBe(12);
    const during = new Date('2026-11-01T12:00:00Z');
    expect(publishedKeys(keys, during)).toEqual([
      {
        kid: 'p2',
        alg: 'SM2',
        publicKey: key.publicKey,
        notBefore: '2026-11-01T00:00:00.000Z',
        notAfter: '2026-11-02T00:00:00.000Z',
      },
      {
        kid: 'p1',
        alg: 'SM2',
        publicKey: other.publicKey,
        notBefore: '2026-01-01T00:00:00.000Z',
        notAfter: '2026-11-02T00:00:00.000Z',
      },
    ]);
    const after = new Date('2026-11-02T00:00:01Z');
    expect(publishedKeys(keys, after).map((k) => k.kid)).toEqual(['p2']);
    // a scan taken before the previous key's end, synced after it, is still judged by it
    expect(verificationKeys(keys, new Date('2026-11-01T23:59:00Z')).map((k) => k.kid)).toEqual(['p2', 'p1']);
    expect(verificationKeys(keys, new Date('2026-11-02T00:03:00Z')).map((k) => k.kid)).toEqual(['p2']);
  });

  it('should issue no pass, and publish no key, when the environment has none', () => {
    const none = passKeysFromEnv({});
    expect(none.current).toBeNull();
    expect(publishedKeys(none, new Date())).toEqual([]);
    expect(
      issuePass(none, { codeId: CODE_ID, color: 'green', maskedName: '张*' }, new Date(), NOW + WEEK),
    ).toBeNull();
  });

  it('should refuse a malformed variable, naming it', () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ JXM_PASS_PRIVATE_KEY: PRIVATE }, /JXM_PASS_KID/],
      [{ JXM_PASS_KID: 'p1' }, /JXM_PASS_PRIVATE_KEY/],
      [{ JXM_PASS_KID: 'p 1', JXM_PASS_PRIVATE_KEY: PRIVATE }, /JXM_PASS_KID/],
      [{ JXM_PASS_KID: 'p1', JXM_PASS_PRIVATE_KEY: '0'.repeat(64) }, /JXM_PASS_PRIVATE_KEY/],
      [{ JXM_PASS_KID: 'p1', JXM_PASS_PRIVATE_KEY: 'f'.repeat(64) }, /JXM_PASS_PRIVATE_KEY/],
      [{ JXM_PASS_KID: 'p1', JXM_PASS_PRIVATE_KEY: PRIVATE, JXM_PASS_NOT_BEFORE: 'soon' }, /NOT_BEFORE/],
      [{ JXM_PASS_KID: 'p1', JXM_PASS_PRIVATE_KEY: PRIVATE, JXM_PASS_TTL_HOURS: '25' }, /TTL/],
      [{ JXM_PASS_KID: 'p1', JXM_PASS_PRIVATE_KEY: PRIVATE, JXM_PASS_TTL_HOURS: '0' }, /TTL/],
      [{ JXM_PASS_PREVIOUS: '{' }, /JXM_PASS_PREVIOUS/],
      [
        {
          JXM_PASS_PREVIOUS: JSON.stringify({
            kid: 'p0',
            publicKey: '04' + '00'.repeat(64),
            notAfter: '2026-01-01T00:00:00Z',
          }),
        },
        /publicKey/,
      ],
      [{ JXM_PASS_PREVIOUS: JSON.stringify({ kid: 'p0', publicKey: key.publicKey }) }, /notAfter/],
      [
        {
          JXM_PASS_KID: 'p1',
          JXM_PASS_PRIVATE_KEY: PRIVATE,
          JXM_PASS_PREVIOUS: JSON.stringify({
            kid: 'p1',
            publicKey: key.publicKey,
            notAfter: '2026-01-01T00:00:00Z',
          }),
        },
        /differ/,
      ],
    ];
    for (const [env, message] of bad) {
      expect(() => passKeysFromEnv(env)).toThrow(KeyConfigurationError);
      expect(() => passKeysFromEnv(env)).toThrow(message);
    }
  });

  it('should take a private key from 1 to n − 1 (GB/T 32918.5’s order n), and nothing around the 64 hex digits', () => {
    const n = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');
    const hex = (d: bigint) => d.toString(16).padStart(64, '0');
    expect([0n, 1n, n - 1n, n].map((d) => isPrivateKey(hex(d)))).toEqual([false, true, true, false]);
    expect(isPrivateKey(PRIVATE.toUpperCase())).toBe(true);
    // a refusal naming the variable, not a crash of BigInt on what surrounds the digits
    for (const text of [`x${PRIVATE}`, `${PRIVATE}x`, ` ${PRIVATE}`, `${PRIVATE}0`]) {
      expect(isPrivateKey(text)).toBe(false);
      expect(() => passKeysFromEnv({ JXM_PASS_KID: 'p1', JXM_PASS_PRIVATE_KEY: text })).toThrow(
        new KeyConfigurationError('JXM_PASS_PRIVATE_KEY must be an SM2 private key, 64 hex digits'),
      );
    }
  });

  it('should take a public key that is 04 and 128 hex digits on the curve, and nothing around it', () => {
    expect(isPublicKey(key.publicKey)).toBe(true);
    expect(isPublicKey(key.publicKey.toUpperCase())).toBe(true);
    for (const text of [
      `x${key.publicKey}`,
      `${key.publicKey}x`,
      `0${key.publicKey}`,
      key.publicKey.slice(2),
    ])
      expect(isPublicKey(text)).toBe(false);
  });

  it('should name the part of JXM_PASS_PREVIOUS that is wrong', () => {
    const previous = (fields: unknown) => ({ JXM_PASS_PREVIOUS: JSON.stringify(fields) });
    const cases: Array<[NodeJS.ProcessEnv, string]> = [
      [{ JXM_PASS_PREVIOUS: 'null' }, 'JXM_PASS_PREVIOUS must be a JSON object'],
      [{ JXM_PASS_PREVIOUS: '5' }, 'JXM_PASS_PREVIOUS must be a JSON object'],
      [
        previous({ kid: 'p 0', publicKey: key.publicKey, notAfter: '2026-01-01T00:00:00Z' }),
        'JXM_PASS_PREVIOUS.kid must be 1–32 letters, digits, _ or -',
      ],
      [
        previous({
          kid: 'p0',
          publicKey: key.publicKey,
          notBefore: 'soon',
          notAfter: '2026-01-01T00:00:00Z',
        }),
        'JXM_PASS_PREVIOUS.notBefore must be an ISO-8601 instant',
      ],
    ];
    for (const [env, message] of cases)
      expect(() => passKeysFromEnv(env)).toThrow(new KeyConfigurationError(message));
  });

  it('should take a pass lifetime of up to 24 hours, and 24 when JXM_PASS_TTL_HOURS is empty', () => {
    const withTtl = (ttl: string) =>
      passKeysFromEnv({ JXM_PASS_KID: 'p1', JXM_PASS_PRIVATE_KEY: PRIVATE, JXM_PASS_TTL_HOURS: ttl })
        .lifetimeHours;
    expect(withTtl('24')).toBe(24);
    expect(withTtl('0.5')).toBe(0.5);
    expect(withTtl('')).toBe(24);
    expect(() => withTtl('24.001')).toThrow(KeyConfigurationError);
  });

  it('should publish the previous key up to its notAfter, and verify by it 2 minutes more, to the millisecond', () => {
    const notAfter = Date.parse('2026-11-02T00:00:00Z');
    const keys = passKeysFromEnv({
      JXM_PASS_KID: 'p2',
      JXM_PASS_PRIVATE_KEY: PRIVATE,
      JXM_PASS_PREVIOUS: JSON.stringify({
        kid: 'p1',
        publicKey: newPassKeyPair().publicKey,
        notAfter: new Date(notAfter).toISOString(),
      }),
    });
    const published = (at: number) => publishedKeys(keys, new Date(at)).map((k) => k.kid);
    const verifying = (at: number) => verificationKeys(keys, new Date(at)).map((k) => k.kid);
    expect(published(notAfter)).toEqual(['p2', 'p1']);
    expect(published(notAfter + 1)).toEqual(['p2']);
    expect(verifying(notAfter + 120_000)).toEqual(['p2', 'p1']);
    expect(verifying(notAfter + 120_001)).toEqual(['p2']);
  });
});
