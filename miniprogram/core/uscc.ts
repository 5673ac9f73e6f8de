/**
 * The unified social credit code of a unit (统一社会信用代码, GB 32100-2015), required of senior scanner
 * applications (regulation rule 9). Pure.
 *
 * 18 characters of the 31-character alphabet (digits and capitals without I, O, Z, S, V): the registering
 * authority (1), the unit type (1), the administrative division (6 digits), the organisation code (9), and a check
 * character = 31 − (Σ valueᵢ × weightᵢ mod 31), where 31 is written 0.
 */

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type UsccProblem = 'length' | 'format' | 'checksum';

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]) * WEIGHTS[i];
  return ALPHABET[(31 - (sum % 31)) % 31];
}

export function checkUscc(raw: string): { ok: true; value: string } | { ok: false; problem: UsccProblem } {
  const code = raw.trim().toUpperCase();
  if (code.length !== 18) return { ok: false, problem: 'length' };
  if (![...code].every((c) => ALPHABET.includes(c))) return { ok: false, problem: 'format' };
  // the registering authority is a digit 1–9 or A, N, Y; the division code is six digits
  if (!/^[1-9ANY]/.test(code) || !/^\d{6}$/.test(code.slice(2, 8))) return { ok: false, problem: 'format' };
  if (usccCheckChar(code.slice(0, 17)) !== code[17]) return { ok: false, problem: 'checksum' };
  return { ok: true, value: code };
}
