/**
 * Request shapes, checked before any action runs. Pure: used by the cloud functions' router and by the
 * mini-program's forms alike.
 *
 * A schema turns an unknown value into a typed one or records why not, per field path (`guest.name`,
 * `rows.3.idNumber`). Anything of the wrong type or shape is refused — including objects where a string is
 * expected (`{"$gt": ""}`) and fields the contract does not know — so no operator or stray field can reach the
 * database. Every string and list has a bound.
 */
import type { FieldErrors } from './errors';
import { checkFreeText, checkSiteName } from './text';

/** Why a field was refused; these words reach the client in `error.fields`. */
export type FieldReason =
  | 'required'
  | 'type'
  | 'empty'
  | 'tooShort'
  | 'tooLong'
  | 'tooFew'
  | 'tooMany'
  | 'range'
  | 'integer'
  | 'enum'
  | 'format'
  | 'unknown';

export interface Schema<T> {
  /** Returns the value (possibly normalised), or undefined after recording at least one error. */
  parse(value: unknown, path: string, errors: FieldErrors): T | undefined;
  /** An optional field may be missing or null. */
  readonly optional: boolean;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

const fail = (errors: FieldErrors, path: string, reason: FieldReason): undefined => {
  errors[path || '_'] ??= reason;
  return undefined;
};

const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

function schema<T>(parse: Schema<T>['parse']): Schema<T> {
  return { parse, optional: false };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The first and last instant a date parameter may name (API.md section 2), in Unix milliseconds. */
export const DATE_MIN_MS = Date.UTC(1970, 0, 1, 0, 0, 0);
export const DATE_MAX_MS = Date.UTC(2100, 11, 31, 23, 59, 59);

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * An ISO-8601 date-time with an offset as Unix milliseconds, or why not: `format` for anything that is not a
 * real calendar instant, `range` for one outside DATE_MIN_MS … DATE_MAX_MS.
 */
export function parseInstant(text: string): number | 'format' | 'range' {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return 'format';
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const offsetHours = m[9] === undefined ? 0 : Number(m[9]);
  const offsetMinutes = m[10] === undefined ? 0 : Number(m[10]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 'format';
  if (hour > 23 || minute > 59 || second > 59) return 'format';
  if (offsetHours > 14 || offsetMinutes > 59) return 'format';
  // an offset moves the instant by less than a day: years further out cannot come back into range (and
  // Date.UTC would read years below 100 as 19xx)
  if (year < 1969 || year > 2101) return 'range';
  const sign = m[8] === '-' ? -1 : 1;
  const at =
    Date.UTC(year, month - 1, day, hour, minute, second, millis) -
    sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  return at < DATE_MIN_MS || at > DATE_MAX_MS ? 'range' : at;
}

export interface StringOptions {
  min?: number;
  /** Maximum length in characters; every string has one. */
  max: number;
  pattern?: RegExp;
  /** Trim surrounding white space first (the default). */
  trim?: boolean;
}

export const v = {
  string(options: StringOptions): Schema<string> {
    return schema((value, path, errors) => {
      if (typeof value !== 'string') return fail(errors, path, 'type');
      const text = options.trim === false ? value : value.trim();
      if (text.length === 0 && (options.min ?? 1) > 0) return fail(errors, path, 'empty');
      if (options.min !== undefined && text.length < options.min) return fail(errors, path, 'tooShort');
      if (text.length > options.max) return fail(errors, path, 'tooLong');
      if (options.pattern && !options.pattern.test(text)) return fail(errors, path, 'format');
      return text;
    });
  },

  /**
   * The name of a site or unit (API.md section 2, v1.1; core/text.ts `checkSiteName`): 1–40 characters (code
   * points), no control, format or bidirectional characters, no quotes, no `<` `>`, no link. Reasons: `empty`,
   * `tooLong`, `format`.
   */
  siteName(): Schema<string> {
    return schema((value, path, errors) => {
      if (typeof value !== 'string') return fail(errors, path, 'type');
      const checked = checkSiteName(value);
      return checked.ok ? checked.value : fail(errors, path, checked.problem);
    });
  },

  /**
   * A free text (a reason, comment, note, letter …; core/text.ts `checkFreeText`): trimmed, at most `max`
   * characters (code points), no control, format or bidirectional characters (with `lines`, line breaks are
   * allowed). Reasons: `empty`, `tooShort`, `tooLong`, `format`.
   */
  freeText(max: number, options: { min?: number; lines?: boolean } = {}): Schema<string> {
    return schema((value, path, errors) => {
      if (typeof value !== 'string') return fail(errors, path, 'type');
      const checked = checkFreeText(value, { max, ...options });
      return checked.ok ? checked.value : fail(errors, path, checked.problem);
    });
  },

  number(options: { min?: number; max?: number; integer?: boolean } = {}): Schema<number> {
    return schema((value, path, errors) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(errors, path, 'type');
      if (options.integer && !Number.isInteger(value)) return fail(errors, path, 'integer');
      if (options.min !== undefined && value < options.min) return fail(errors, path, 'range');
      if (options.max !== undefined && value > options.max) return fail(errors, path, 'range');
      return value;
    });
  },

  boolean(): Schema<boolean> {
    return schema((value, path, errors) => (typeof value === 'boolean' ? value : fail(errors, path, 'type')));
  },

  oneOf<const T extends readonly string[]>(values: T): Schema<T[number]> {
    return schema((value, path, errors) => {
      if (typeof value !== 'string') return fail(errors, path, 'type');
      return (values as readonly string[]).includes(value)
        ? (value as T[number])
        : fail(errors, path, 'enum');
    });
  },

  /**
   * An ISO-8601 date-time with an offset (`2026-11-27T08:00:00+08:00` or `…Z`), as a Date: a real calendar
   * instant (no `02-30`, no `T24:00`, no offset beyond ±14:59; else `format`) within DATE_MIN … DATE_MAX
   * (else `range`). Checked field by field, never by letting Date roll `02-30` over into March.
   */
  dateTime(): Schema<Date> {
    return schema((value, path, errors) => {
      if (typeof value !== 'string') return fail(errors, path, 'type');
      const at = value.length > 40 ? 'format' : parseInstant(value);
      if (typeof at === 'string') return fail(errors, path, at);
      return new Date(at);
    });
  },

  array<T>(item: Schema<T>, options: { min?: number; max: number }): Schema<T[]> {
    return schema((value, path, errors) => {
      if (!Array.isArray(value)) return fail(errors, path, 'type');
      if (options.min !== undefined && value.length < options.min) return fail(errors, path, 'tooFew');
      if (value.length > options.max) return fail(errors, path, 'tooMany');
      const out: T[] = [];
      let good = true;
      value.forEach((element, i) => {
        const parsed = item.parse(element, join(path, i), errors);
        if (parsed === undefined) good = false;
        else out.push(parsed);
      });
      return good ? out : undefined;
    });
  },

  /** An object with exactly these fields; unknown fields are refused. */
  object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
    return schema((value, path, errors) => {
      if (!isPlainObject(value)) return fail(errors, path, 'type');
      const out: Record<string, unknown> = {};
      let good = true;
      for (const key of Object.keys(value)) {
        if (!Object.prototype.hasOwnProperty.call(shape, key)) {
          fail(errors, join(path, key), 'unknown');
          good = false;
        }
      }
      for (const [key, field] of Object.entries(shape)) {
        const raw = value[key];
        if (raw === undefined || raw === null) {
          if (!field.optional) {
            fail(errors, join(path, key), 'required');
            good = false;
          }
          continue;
        }
        const parsed = field.parse(raw, join(path, key), errors);
        if (parsed === undefined) good = false;
        else out[key] = parsed;
      }
      return good ? (out as ObjectOf<S>) : undefined;
    });
  },

  optional<T>(inner: Schema<T>): Schema<T> & { readonly optional: true } {
    return { parse: inner.parse, optional: true };
  },

  /** `{ latitude, longitude }` in degrees. */
  coordinates() {
    return v.object({
      latitude: v.number({ min: -90, max: 90 }),
      longitude: v.number({ min: -180, max: 180 }),
    });
  },
};

/** The longest `cursor` a list takes; the server never issues a longer one. */
export const CURSOR_MAX_LENGTH = 20_000;

/** The list parameters every list action takes (API.md section 2). */
export const listParams = {
  /**
   * Opaque and signed; carries the ids tied on the page's last instant (see cloudfunctions/_server/db/paging.ts).
   */
  cursor: v.optional(v.string({ max: CURSOR_MAX_LENGTH })),
  limit: v.optional(v.number({ min: 1, max: 100, integer: true })),
};

export type Validated<T> = { ok: true; value: T } | { ok: false; fields: FieldErrors };

export function validate<T>(s: Schema<T>, value: unknown): Validated<T> {
  const errors: FieldErrors = {};
  const parsed = s.parse(value, '', errors);
  if (parsed === undefined || Object.keys(errors).length > 0) {
    return { ok: false, fields: Object.keys(errors).length > 0 ? errors : { _: 'type' } };
  }
  return { ok: true, value: parsed };
}
