/**
 * The mini-program's HMAC (sha256.ts) and the server's node:crypto HMAC draw the same QR text, second by second,
 * for any seed: a code drawn offline on a phone is accepted at the gate.
 */
import { randomBytes } from 'node:crypto';
import { hmacSha256Hex } from '../../cloudfunctions/_server/privacy/personal-data';
import { checkCode, parseCode, renderCode } from '../../miniprogram/core/dynamic-code';
import { qrTextAt } from '../../miniprogram/core/code-hmac';

describe('qrTextAt (mini-program, sha256.ts)', () => {
  it('should draw exactly what the server draws, for random seeds and times', () => {
    for (let i = 0; i < 50; i++) {
      const code = { codeId: randomBytes(8).toString('hex'), seed: randomBytes(32).toString('base64') };
      const at = Date.UTC(2026, 0, 1) + i * 7_919_000;
      expect(qrTextAt(code, at)).toBe(renderCode(hmacSha256Hex, code, at));
    }
  });

  it('should be accepted by the server check within the window and refused after it', () => {
    const code = { codeId: 'a1b2c3d4e5f60718', seed: randomBytes(32).toString('base64') };
    const issuedAt = new Date('2026-11-27T00:00:00Z');
    const seeds = [{ seed: code.seed, issuedAt, supersededAt: null }];
    const drawnAt = Date.parse('2026-11-27T08:00:10Z');
    const parsed = parseCode(qrTextAt(code, drawnAt))!;
    expect(checkCode(hmacSha256Hex, parsed, seeds, new Date(drawnAt + 60_000))).toEqual({ ok: true });
    expect(checkCode(hmacSha256Hex, parsed, seeds, new Date(drawnAt + 120_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });
});
