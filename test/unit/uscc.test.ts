/**
 * The unified social credit code (GB 32100-2015) of a unit applying for a senior scanner (rule 9): 18 characters
 * of the 31-character alphabet, a registering authority, a six-digit division and a weighted mod-31 check
 * character. Known codes, every single-character error, and each kind of refusal.
 */
import { checkUscc, usccCheckChar } from '../../miniprogram/core/uscc';

/** Codes that pass the check (the first two are published examples used across the project). */
const VALID = ['91350100M000100Y43', '91220101MA00000026', '912201010000000010', '11220101000000018Y'];
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

describe('usccCheckChar', () => {
  it('gives the check character of known codes, 31 written as 0', () => {
    expect(VALID.map((code) => usccCheckChar(code.slice(0, 17)))).toEqual(VALID.map((code) => code[17]));
    // Σ ≡ 0 (mod 31): 31 − 0 = 31, written 0
    expect(usccCheckChar('91220101000000001')).toBe('0');
  });

  it('weighs every one of the 17 characters', () => {
    const base = '91350100M000100Y4';
    for (let i = 0; i < 17; i++) {
      const changed = base.slice(0, i) + (base[i] === '1' ? '2' : '1') + base.slice(i + 1);
      expect({ i, check: usccCheckChar(changed) }).not.toEqual({ i, check: '3' });
    }
  });
});

describe('checkUscc', () => {
  it('accepts the valid codes, trimmed and in capitals', () => {
    for (const code of VALID) expect(checkUscc(code)).toEqual({ ok: true, value: code });
    expect(checkUscc('  91350100m000100y43 ')).toEqual({ ok: true, value: '91350100M000100Y43' });
  });

  it('refuses every single wrong character (checksum or format), in every position', () => {
    const code = VALID[0];
    for (let i = 0; i < 18; i++) {
      for (const c of ALPHABET) {
        if (c === code[i]) continue;
        const wrong = code.slice(0, i) + c + code.slice(i + 1);
        const checked = checkUscc(wrong);
        expect({ wrong, ok: checked.ok }).toEqual({ wrong, ok: false });
      }
    }
  });

  it('refuses a code of another length (length)', () => {
    expect(checkUscc('')).toEqual({ ok: false, problem: 'length' });
    expect(checkUscc(VALID[0].slice(0, 17))).toEqual({ ok: false, problem: 'length' });
    expect(checkUscc(`${VALID[0]}0`)).toEqual({ ok: false, problem: 'length' });
  });

  it('refuses letters outside the alphabet (I, O, Z, S, V) and other characters (format)', () => {
    for (const c of ['I', 'O', 'Z', 'S', 'V', '-', ' ', '中']) {
      expect(checkUscc(`91350100M000100${c}43`)).toEqual({ ok: false, problem: 'format' });
    }
  });

  it('refuses a registering authority other than 1–9, A, N, Y, and a division that is not six digits (format)', () => {
    // the check character is right for each, so only the structure is wrong
    const withCheck = (first17: string) => first17 + usccCheckChar(first17);
    for (const authority of ['0', 'B', 'M', 'X']) {
      expect(checkUscc(withCheck(`${authority}1350100M000100Y4`))).toEqual({ ok: false, problem: 'format' });
    }
    for (const authority of ['1', '5', '9', 'A', 'N', 'Y']) {
      expect(checkUscc(withCheck(`${authority}1350100M000100Y4`)).ok).toBe(true);
    }
    expect(checkUscc(withCheck('91A50100M000100Y4'))).toEqual({ ok: false, problem: 'format' });
    expect(checkUscc(withCheck('9135010AM000100Y4'))).toEqual({ ok: false, problem: 'format' });
    expect(checkUscc(withCheck('9A350100M000100Y4')).ok).toBe(true);
  });

  it('refuses a wrong check character (checksum)', () => {
    expect(checkUscc('91350100M000100Y44')).toEqual({ ok: false, problem: 'checksum' });
    expect(checkUscc('91220101MA00000027')).toEqual({ ok: false, problem: 'checksum' });
  });
});
