import { createHmac } from 'node:crypto';
import CryptoJS from 'crypto-js';
import { hmacSha256Hex } from '../../cloudfunctions/_server/privacy/personal-data';
import { deviceHmacSha256Hex } from '../../miniprogram/core/code-hmac';
import {
  checkCode,
  codeStep,
  parseCode,
  PREVIOUS_SEED_GRACE_MS,
  renderCode,
  SEED_LIFETIME_MS,
  seedValidAt,
  seedValidUntil,
  type HmacSha256Hex,
  type SeedRecord,
} from '../../miniprogram/core/dynamic-code';

/**
 * The published test vectors of API.md section 2.2. Every implementation of the dynamic code (the mini-program's
 * crypto-js, the cloud functions' node:crypto, a third-party scanner) must render exactly these texts.
 * Computed once with node:crypto's createHmac, independently of the code under test, and fixed here.
 */
export const PUBLISHED_VECTORS = [
  {
    seed: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
    codeId: '0123456789abcdef',
    unixMillis: 1700000000000,
    text: 'JXM1.0123456789abcdef.56666666.262e9b12d66918b8',
  },
  {
    seed: 'q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=',
    codeId: 'fedcba9876543210',
    unixMillis: 1580515200000,
    text: 'JXM1.fedcba9876543210.52683840.f1945b78c3d60fa5',
  },
  {
    seed: 'JMKxjeyovzb4r46cUNM9vWc8uogE5kslCR2OHFgyNYI=',
    codeId: 'a1b2c3d4e5f60718',
    // the last millisecond of its 30-second step
    unixMillis: 1262304029999,
    text: 'JXM1.a1b2c3d4e5f60718.42076800.68487689e7da51c0',
  },
] as const;

/** crypto-js, the mini-program's HMAC until sha256.ts: a third implementation, independent of both. */
const cryptoJsHmac: HmacSha256Hex = (keyBase64, message) =>
  CryptoJS.HmacSHA256(message, CryptoJS.enc.Base64.parse(keyBase64)).toString(CryptoJS.enc.Hex);

/** An independent implementation, used only to check that the vectors above were copied right. */
const referenceHmac: HmacSha256Hex = (keyBase64, message) =>
  createHmac('sha256', Buffer.from(keyBase64, 'base64')).update(message).digest('hex');

const IMPLEMENTATIONS: [string, HmacSha256Hex][] = [
  ['the server (node:crypto)', hmacSha256Hex],
  ['the mini-program (sha256.ts)', deviceHmacSha256Hex],
  ['crypto-js', cryptoJsHmac],
];

const MINUTE = 60_000;
const DAY = 24 * 3600_000;
const SEED_A = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const SEED_B = 'q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=';
const CODE_ID = '0123456789abcdef';
const OTHER_CODE_ID = '89abcdef01234567';
/** A scan time at the start of a step. */
const NOW = new Date(1700000010000);

describe('published test vectors (API.md 2.2)', () => {
  it.each(PUBLISHED_VECTORS)(
    'should have been computed right: $text',
    ({ seed, codeId, unixMillis, text }) => {
      const step = Math.floor(unixMillis / 30_000);
      const mac = referenceHmac(seed, `${codeId}.${step}`).slice(0, 16);
      expect(`JXM1.${codeId}.${step}.${mac}`).toBe(text);
    },
  );

  describe.each(IMPLEMENTATIONS)('with %s', (_name, hmac) => {
    it.each(PUBLISHED_VECTORS)('should render $text', ({ seed, codeId, unixMillis, text }) => {
      expect(renderCode(hmac, { codeId, seed }, unixMillis)).toBe(text);
    });

    it.each(PUBLISHED_VECTORS)(
      'should accept $text at its own time',
      ({ seed, codeId, unixMillis, text }) => {
        const parsed = parseCode(text);
        expect(parsed).not.toBeNull();
        const seeds: SeedRecord[] = [{ seed, issuedAt: new Date(unixMillis - DAY), supersededAt: null }];
        expect(checkCode(hmac, parsed!, seeds, new Date(unixMillis))).toEqual({ ok: true });
        expect(parsed!.codeId).toBe(codeId);
      },
    );
  });

  it('should give the same full HMAC with every implementation, for a non-ASCII message too', () => {
    for (const message of ['0123456789abcdef.1', '吉祥码.42', '']) {
      expect(deviceHmacSha256Hex(SEED_B, message)).toBe(hmacSha256Hex(SEED_B, message));
      expect(cryptoJsHmac(SEED_B, message)).toBe(hmacSha256Hex(SEED_B, message));
      expect(hmacSha256Hex(SEED_B, message)).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe('codeStep', () => {
  it.each([
    [0, 0],
    [29_999, 0],
    [30_000, 1],
    [59_999, 1],
    [60_000, 2],
    [1_700_000_000_000, 56_666_666],
    [1_262_304_029_999, 42_076_800],
    [1_262_304_030_000, 42_076_801],
  ])('should put %d ms in step %d', (millis, step) => {
    expect(codeStep(millis)).toBe(step);
  });

  it('should honour another step length', () => {
    expect(codeStep(59_999, 60)).toBe(0);
    expect(codeStep(60_000, 60)).toBe(1);
    expect(codeStep(10_000, 5)).toBe(2);
  });
});

describe('renderCode and parseCode', () => {
  it('should round-trip a rendered code', () => {
    const text = renderCode(hmacSha256Hex, { codeId: CODE_ID, seed: SEED_A }, NOW.getTime());
    expect(text).toMatch(/^JXM1\.0123456789abcdef\.56666667\.[0-9a-f]{16}$/);
    expect(parseCode(text)).toEqual({ codeId: CODE_ID, step: 56_666_667, mac: text.split('.')[3] });
  });

  it('should round-trip a 32-character code id', () => {
    const codeId = 'ffeeddccbbaa99887766554433221100';
    const text = renderCode(hmacSha256Hex, { codeId, seed: SEED_A }, 0);
    expect(parseCode(text)).toEqual({ codeId, step: 0, mac: text.split('.')[3] });
  });

  it('should redraw the code every 30 seconds and keep it within a step', () => {
    const code = { codeId: CODE_ID, seed: SEED_A };
    const start = 1_700_000_010_000;
    const a = renderCode(hmacSha256Hex, code, start);
    expect(renderCode(hmacSha256Hex, code, start + 29_999)).toBe(a);
    const b = renderCode(hmacSha256Hex, code, start + 30_000);
    expect(b).not.toBe(a);
    expect(b.split('.')[3]).not.toBe(a.split('.')[3]);
  });

  it('should give different macs under different seeds and different code ids', () => {
    const macOf = (text: string) => text.split('.')[3];
    const t = NOW.getTime();
    const base = renderCode(hmacSha256Hex, { codeId: CODE_ID, seed: SEED_A }, t);
    expect(macOf(renderCode(hmacSha256Hex, { codeId: CODE_ID, seed: SEED_B }, t))).not.toBe(macOf(base));
    expect(macOf(renderCode(hmacSha256Hex, { codeId: OTHER_CODE_ID, seed: SEED_A }, t))).not.toBe(
      macOf(base),
    );
  });

  const VALID = 'JXM1.0123456789abcdef.56666666.262e9b12d66918b8';

  it('should parse the first published vector', () => {
    expect(parseCode(VALID)).toEqual({ codeId: CODE_ID, step: 56_666_666, mac: '262e9b12d66918b8' });
  });

  it.each([
    ['', 'nothing'],
    ['JXM2.0123456789abcdef.56666666.262e9b12d66918b8', 'a wrong version prefix'],
    ['jxm1.0123456789abcdef.56666666.262e9b12d66918b8', 'a lower-case prefix'],
    ['0123456789abcdef.56666666.262e9b12d66918b8', 'no prefix'],
    ['JXM1.0123456789ABCDEF.56666666.262e9b12d66918b8', 'an upper-case code id'],
    ['JXM1.0123456789abcdef.56666666.262E9B12D66918B8', 'an upper-case mac'],
    ['JXM1.0123456789abcdef.56666666.262e9b12d66918b', 'a 15-character mac'],
    ['JXM1.0123456789abcdef.56666666.262e9b12d66918b80', 'a 17-character mac'],
    ['JXM1.0123456789abcdef.56666666.262e9b12d66918bg', 'a non-hex mac'],
    ['JXM1.0123456789abcde.56666666.262e9b12d66918b8', 'a 15-character code id'],
    ['JXM1.' + 'a'.repeat(33) + '.56666666.262e9b12d66918b8', 'a 33-character code id'],
    ['JXM1.0123456789abcdef.56666666.262e9b12d66918b8.00', 'an extra part'],
    ['JXM1.0123456789abcdef.0.56666666.262e9b12d66918b8', 'an extra part in the middle'],
    ['JXM1.0123456789abcdef.262e9b12d66918b8', 'no step'],
    ['JXM1.0123456789abcdef.1234567890123.262e9b12d66918b8', 'a 13-digit step'],
    ['JXM1.0123456789abcdef.99999999999999999999.262e9b12d66918b8', 'a huge step'],
    ['JXM1.0123456789abcdef.-1.262e9b12d66918b8', 'a negative step'],
    ['JXM1.0123456789abcdef.5e7.262e9b12d66918b8', 'a step in exponent notation'],
    ['JXM1.0123456789abcdef.5666.6666.262e9b12d66918b8', 'a fractional step'],
    ['JXM1.0123456789abcdef..262e9b12d66918b8', 'an empty step'],
    ['JXM1.0123456789abcdef.56666666.262e9b12d66918b8\nJXM1', 'a second line'],
    ['https://example.com/?c=JXM1.0123456789abcdef.56666666.262e9b12d66918b8', 'a URL around it'],
    ['JXM1.0123456789abcdef.56666666.262e9b12d66918b8' + ' '.repeat(40), 'more than 80 characters'],
  ])('should refuse %j (%s)', (text) => {
    expect(parseCode(text)).toBeNull();
  });

  it.each([
    [123, 'a number'],
    [null, 'null'],
    [undefined, 'undefined'],
    [{ toString: () => VALID }, 'an object that stringifies to a valid code'],
    [[VALID], 'an array holding a valid code'],
    [new String(VALID), 'a String object'],
  ] as [unknown, string][])('should refuse %p (%s) cast to a string', (value) => {
    expect(parseCode(value as unknown as string)).toBeNull();
  });

  it('should accept the longest step of 12 digits', () => {
    expect(parseCode('JXM1.0123456789abcdef.999999999999.262e9b12d66918b8')).toEqual({
      codeId: CODE_ID,
      step: 999_999_999_999,
      mac: '262e9b12d66918b8',
    });
  });
});

describe('checkCode', () => {
  const current: SeedRecord = { seed: SEED_A, issuedAt: new Date(NOW.getTime() - DAY), supersededAt: null };
  const render = (seed: string, offsetSteps: number, codeId = CODE_ID) =>
    parseCode(renderCode(hmacSha256Hex, { codeId, seed }, NOW.getTime() + offsetSteps * 30_000))!;

  it.each([-2, -1, 0, 1, 2])('should accept a code %d steps from the scan time', (offset) => {
    expect(checkCode(hmacSha256Hex, render(SEED_A, offset), [current], NOW)).toEqual({ ok: true });
  });

  it.each([-3, 3, -20, 1000])('should call a code %d steps from the scan time expired', (offset) => {
    expect(checkCode(hmacSha256Hex, render(SEED_A, offset), [current], NOW)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('should call a code with a wrong mac invalid', () => {
    const code = render(SEED_A, 0);
    const flipped = (code.mac[0] === '0' ? '1' : '0') + code.mac.slice(1);
    expect(checkCode(hmacSha256Hex, { ...code, mac: flipped }, [current], NOW)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('should call a code invalid whose step was altered, even within the window', () => {
    const code = render(SEED_A, 0);
    expect(checkCode(hmacSha256Hex, { ...code, step: code.step + 1 }, [current], NOW)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('should call a code invalid whose code id was swapped for another', () => {
    const code = render(SEED_A, 0);
    expect(checkCode(hmacSha256Hex, { ...code, codeId: OTHER_CODE_ID }, [current], NOW)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it("should call someone else's code invalid against this person's seeds", () => {
    const foreign = render(SEED_B, 0, OTHER_CODE_ID);
    expect(checkCode(hmacSha256Hex, foreign, [current], NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('should call a code invalid when there are no seeds', () => {
    expect(checkCode(hmacSha256Hex, render(SEED_A, 0), [], NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('should call a code invalid that is outside the window and matches no seed', () => {
    const code = render(SEED_A, 10);
    expect(checkCode(hmacSha256Hex, { ...code, mac: '0000000000000000' }, [current], NOW)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  describe('with a rotated seed', () => {
    const rotatedAt = new Date(NOW.getTime() - 2 * MINUTE);
    const previous: SeedRecord = {
      seed: SEED_B,
      issuedAt: new Date(NOW.getTime() - 3 * DAY),
      supersededAt: rotatedAt,
    };
    const next: SeedRecord = { seed: SEED_A, issuedAt: rotatedAt, supersededAt: null };

    it('should accept the previous seed within 5 minutes of its replacement', () => {
      expect(checkCode(hmacSha256Hex, render(SEED_B, 0), [previous, next], NOW)).toEqual({ ok: true });
    });

    it('should call the previous seed expired more than 5 minutes after its replacement', () => {
      const old: SeedRecord = { ...previous, supersededAt: new Date(NOW.getTime() - 6 * MINUTE) };
      const fresh: SeedRecord = { ...next, issuedAt: old.supersededAt! };
      expect(checkCode(hmacSha256Hex, render(SEED_B, 0), [old, fresh], NOW)).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect(checkCode(hmacSha256Hex, render(SEED_A, 0), [old, fresh], NOW)).toEqual({ ok: true });
    });
  });

  it('should call a code expired whose seed was issued after the scan', () => {
    const future: SeedRecord = { seed: SEED_A, issuedAt: new Date(NOW.getTime() + 1), supersededAt: null };
    expect(checkCode(hmacSha256Hex, render(SEED_A, 0), [future], NOW)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('should call a code expired whose seed is more than 7 days old', () => {
    const stale: SeedRecord = {
      seed: SEED_A,
      issuedAt: new Date(NOW.getTime() - 8 * DAY),
      supersededAt: null,
    };
    expect(checkCode(hmacSha256Hex, render(SEED_A, 0), [stale], NOW)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it.each([
    ['mini-program', deviceHmacSha256Hex],
    ['crypto-js', cryptoJsHmac],
  ])('should check a %s code with the server HMAC', (_name, hmac) => {
    const text = renderCode(hmac, { codeId: CODE_ID, seed: SEED_A }, NOW.getTime());
    expect(checkCode(hmacSha256Hex, parseCode(text)!, [current], NOW)).toEqual({ ok: true });
  });
});

describe('seed validity', () => {
  const issuedAt = new Date('2022-03-01T00:00:00Z');
  const t = issuedAt.getTime();

  it('should use a 7-day lifetime and a 5-minute grace', () => {
    expect(SEED_LIFETIME_MS).toBe(7 * DAY);
    expect(PREVIOUS_SEED_GRACE_MS).toBe(5 * MINUTE);
  });

  it('should keep a current seed valid for 7 days after issue', () => {
    expect(seedValidUntil({ issuedAt, supersededAt: null })).toBe(t + 7 * DAY);
  });

  it('should keep a superseded seed valid 5 minutes after its replacement', () => {
    expect(seedValidUntil({ issuedAt, supersededAt: new Date(t + DAY) })).toBe(t + DAY + 5 * MINUTE);
  });

  it('should not stretch a seed past 7 days when it is superseded late', () => {
    expect(seedValidUntil({ issuedAt, supersededAt: new Date(t + 7 * DAY - MINUTE) })).toBe(t + 7 * DAY);
    expect(seedValidUntil({ issuedAt, supersededAt: new Date(t + 10 * DAY) })).toBe(t + 7 * DAY);
  });

  it.each([
    [-1, false],
    [0, true],
    [3 * DAY, true],
    [7 * DAY, true],
    [7 * DAY + 1, false],
  ])('should judge a current seed %d ms after issue as valid: %s', (offset, valid) => {
    expect(seedValidAt({ seed: SEED_A, issuedAt, supersededAt: null }, new Date(t + offset))).toBe(valid);
  });

  it.each([
    [DAY - 1, true],
    [DAY, true],
    [DAY + 5 * MINUTE, true],
    [DAY + 5 * MINUTE + 1, false],
    [2 * DAY, false],
  ])('should judge a seed superseded a day after issue, %d ms after issue, as valid: %s', (offset, valid) => {
    const seed: SeedRecord = { seed: SEED_A, issuedAt, supersededAt: new Date(t + DAY) };
    expect(seedValidAt(seed, new Date(t + offset))).toBe(valid);
  });
});
