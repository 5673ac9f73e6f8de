/**
 * Texts that people type and other people read (API.md section 2, v1.1): names of sites and units, which are shown
 * to others and go into the official SMS, and free texts (reasons, comments, notes, letters …). Pure: the request
 * schemas (validation.ts `v.siteName`, `v.freeText`) and the SMS builder (sms.ts) use the same rules.
 *
 * Lengths are counted in Unicode code points (`𠀀` is one character, not two UTF-16 units).
 */

export type TextProblem = 'empty' | 'tooShort' | 'tooLong' | 'format';
export type CheckedText = { ok: true; value: string } | { ok: false; problem: TextProblem };

/** A site's or unit's name: 1–40 characters. */
export const SITE_NAME_MAX = 40;

/**
 * Control characters (Unicode Cc: C0 with NUL, ESC …, DEL, C1), format and bidirectional characters (Cf: soft
 * hyphen, U+061C, U+200B–U+200F, U+202A–U+202E, U+2060–U+206F, U+FEFF, the tag characters …), line and paragraph
 * separators, and unpaired surrogates: nothing that a reader cannot see, or that reorders or hides what they see.
 * (Listed rather than `\p{Cc}\p{Cf}`, so that every JavaScript engine of the mini-program reads it alike.)
 */
const INVISIBLE_CLASS =
  '\\u0000-\\u0009\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891' +
  '\\u08e2\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb\\ud800-\\udfff\\u{110bd}\\u{110cd}' +
  '\\u{13430}-\\u{1343f}\\u{1bca0}-\\u{1bca3}\\u{1d173}-\\u{1d17a}\\u{e0001}\\u{e0020}-\\u{e007f}';
/** Line feed and carriage return, allowed in multi-line texts only. */
const LINE_BREAKS = '\\n\\r';
const INVISIBLE = new RegExp(`[${INVISIBLE_CLASS}${LINE_BREAKS}]`, 'u');
const INVISIBLE_BUT_LINES = new RegExp(`[${INVISIBLE_CLASS}]`, 'u');
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

/** Quotes of every kind (a name must not close the quotes an SMS puts around it) and the angle brackets. */
const QUOTES_AND_BRACKETS = /["'`“”‘’‚‛„‟«»‹›「」『』〝〞〟＂＇<>]/u;
const QUOTES_AND_BRACKETS_ALL = new RegExp(QUOTES_AND_BRACKETS.source, 'gu');

/** Top-level domains that make a dotted word a link an SMS app would open. */
const TLDS = 'cn|com|net|org|gov|edu|top|xyz|vip|cc|io|me|info|link|site|shop|club|online|ly|tk|ink|wang|ren';
/** A link in folded text (see `fold`): `http`, `www.`, `://`, or a dotted name ending in a known domain. */
const LINK = new RegExp(`http|www\\.|:\\/\\/|[^\\s.]\\.(?:${TLDS})(?![a-z0-9])`);
/** The same, with the address characters around it: what the SMS builder drops. */
const LINK_RUN = new RegExp(
  `(?:http|www\\.|:\\/\\/|[a-z0-9.-]*[^\\s.]\\.(?:${TLDS})(?![a-z0-9]))[a-z0-9._~:/?#@!$&*+,;=%[\\]()-]*`,
);

/** One character as a reader of links sees it: full-width and other compatibility forms unified, lower case. */
function fold(char: string): string {
  return char.normalize('NFKC').toLowerCase().replace(/[。｡]/g, '.');
}

/** Unicode code points. */
export function codePointLength(text: string): number {
  return Array.from(text).length;
}

export function hasInvisible(text: string, allowLines = false): boolean {
  return (allowLines ? INVISIBLE_BUT_LINES : INVISIBLE).test(text);
}

/** `http`, `www.`, `://` or a domain, in any case and in full-width forms too (`ＨＴＴＰ`, `ｗｗｗ．`). */
export function hasLink(text: string): boolean {
  return LINK.test(Array.from(text, fold).join(''));
}

/**
 * The name of a site or unit: trimmed, 1–40 characters, no control, format or bidirectional characters, no
 * quotes, no `<` `>`, no link. Problems: `empty`, `tooLong`, `format`.
 */
export function checkSiteName(raw: string): CheckedText {
  const name = raw.trim();
  if (name.length === 0) return { ok: false, problem: 'empty' };
  // a forbidden character is named before the length (a hostile name is rarely short); links, which take
  // folding to find, are looked for in names of a fitting length only
  if (hasInvisible(raw) || QUOTES_AND_BRACKETS.test(name)) return { ok: false, problem: 'format' };
  if (codePointLength(name) > SITE_NAME_MAX) return { ok: false, problem: 'tooLong' };
  if (hasLink(name)) return { ok: false, problem: 'format' };
  return { ok: true, value: name };
}

export interface FreeTextOptions {
  /** Most characters (code points). */
  max: number;
  /** Fewest characters after trimming (default 1; 0 allows an empty text). */
  min?: number;
  /** Line breaks are allowed (a letter, a list of places); `\r\n` is stored as `\n`. */
  lines?: boolean;
}

/** A free text: trimmed, within its length, with no control, format or bidirectional characters. */
export function checkFreeText(raw: string, options: FreeTextOptions): CheckedText {
  const text = (options.lines ? raw.replace(/\r\n?/g, '\n') : raw).trim();
  const min = options.min ?? 1;
  if (text.length === 0 && min > 0) return { ok: false, problem: 'empty' };
  if (hasInvisible(raw, options.lines === true)) return { ok: false, problem: 'format' };
  const length = codePointLength(text);
  if (length < min) return { ok: false, problem: 'tooShort' };
  if (length > options.max) return { ok: false, problem: 'tooLong' };
  return { ok: true, value: text };
}

/** Drops every link (with its address characters) from a list of code points, until none is left. */
function dropLinks(chars: string[]): string[] {
  for (let round = chars.length; round >= 0; round--) {
    let folded = '';
    const owner: number[] = [];
    chars.forEach((char, i) => {
      const f = fold(char);
      folded += f;
      for (let k = 0; k < f.length; k++) owner.push(i);
    });
    const m = LINK_RUN.exec(folded);
    if (!m) return chars;
    const first = owner[m.index];
    const last = owner[m.index + m[0].length - 1];
    chars = [...chars.slice(0, first), ...chars.slice(last + 1)];
  }
  return [];
}

/**
 * A value that someone typed, made fit for a variable of an official text (an SMS, a push): no control, format or
 * bidirectional characters, no quotes or angle brackets, no link, white space folded, and at most `max`
 * characters (a longer value keeps its first `max − 1` and ends in `…`). For values stored before the rules of
 * `checkSiteName` were enforced, and as a second line behind them.
 */
export function plainVariable(value: string, max: number): string {
  const kept = Array.from(value.replace(INVISIBLE_ALL, '').replace(QUOTES_AND_BRACKETS_ALL, ''));
  const chars = Array.from(dropLinks(kept).join('').replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : chars.slice(0, max - 1).join('') + '…';
}
