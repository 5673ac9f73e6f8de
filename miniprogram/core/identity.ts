/**
 * Identity values, checked for real (regulation rule 2) and masked for display (rule 3, API.md section 2).
 * Pure: the registration form and the cloud functions use the same checks.
 */

export type IdNumberProblem = 'length' | 'format' | 'region' | 'birthdate' | 'checksum';
export type NameProblem = 'empty' | 'length' | 'format';
export type PhoneProblem = 'format';

export type Checked<T, P> = { ok: true; value: T } | { ok: false; problem: P };

/** GB 11643-1999 weights of the first 17 digits, and the check character for each remainder mod 11. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/**
 * Province-level codes of GB/T 2260 (mainland provinces, autonomous regions, municipalities), 71 Taiwan,
 * 81 Hong Kong and 82 Macao (residence permits), and 83, the residence permits of Taiwan residents.
 */
const PROVINCE_CODES = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]); // prettier-ignore

export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK_CHARS[sum % 11];
}

/** `YYYY-MM-DD` of a birth date in the ID number, if it is a real calendar date. */
function birthDate(id: string): string | null {
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/**
 * A resident ID number per GB 11643: 18 characters, a province-level region code, a real birth date between
 * 1900-01-01 and `today` (YYYY-MM-DD, the caller's calendar day in Asia/Shanghai), and the weighted check
 * character (X for 10). A lower-case x is accepted and returned upper-case.
 */
export function checkIdNumber(raw: string, today: string): Checked<string, IdNumberProblem> {
  const id = raw.trim().toUpperCase();
  if (id.length !== 18) return { ok: false, problem: 'length' };
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, problem: 'format' };
  if (!PROVINCE_CODES.has(id.slice(0, 2))) return { ok: false, problem: 'region' };
  const born = birthDate(id);
  if (!born || born < '1900-01-01' || born > today) return { ok: false, problem: 'birthdate' };
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return { ok: false, problem: 'checksum' };
  return { ok: true, value: id };
}

const CHINESE_NAME =
  /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+(·[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)*$/;
const LATIN_NAME = /^[A-Za-z][A-Za-z'.-]*( [A-Za-z][A-Za-z'.-]*)*$/;

/**
 * A real name as on an ID document: Chinese characters, with `·` between the parts of a transliterated name
 * (2–20 characters), or a Latin name of letters, single spaces, hyphens, apostrophes and dots (2–60). Surrounding
 * space is trimmed, inner runs of space folded, the middle dot variants (`•`, `・`, `.` between Chinese) unified.
 */
export function checkName(raw: string): Checked<string, NameProblem> {
  let name = raw.trim().replace(/\s+/g, ' ');
  if (name.length === 0) return { ok: false, problem: 'empty' };
  if (/[\u3400-\u9fff]/.test(name)) {
    name = name.replace(/\s*[•・‧∙·.]\s*/g, '·');
    if (name.length < 2 || name.length > 20) return { ok: false, problem: 'length' };
    return CHINESE_NAME.test(name) ? { ok: true, value: name } : { ok: false, problem: 'format' };
  }
  if (name.length < 2 || name.length > 60) return { ok: false, problem: 'length' };
  return LATIN_NAME.test(name) ? { ok: true, value: name } : { ok: false, problem: 'format' };
}

/** A mainland mobile number: 11 digits starting 13–19. Spaces and dashes are dropped, a +86 prefix too. */
export function checkPhone(raw: string): Checked<string, PhoneProblem> {
  const phone = raw.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(phone) ? { ok: true, value: phone } : { ok: false, problem: 'format' };
}

/** `张*`, `欧**`: the first character kept, one `*` per hidden one; Latin names: the first letter, spaces kept. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length === 0) return '';
  if (/[\u3400-\u9fff]/.test(name)) return chars[0] + '*'.repeat(chars.length - 1);
  return (
    chars[0] +
    chars
      .slice(1)
      .map((c) => (c === ' ' ? ' ' : '*'))
      .join('')
  );
}

/** `2201**********123X`: first 4 and last 4 kept. */
export function maskIdNumber(id: string): string {
  if (id.length <= 8) return '*'.repeat(id.length);
  return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}

/** `138****5678`. */
export function maskPhone(phone: string): string {
  if (phone.length !== 11) return '*'.repeat(phone.length);
  return phone.slice(0, 3) + '****' + phone.slice(-4);
}
