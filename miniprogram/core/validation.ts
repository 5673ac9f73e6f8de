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

  /** An ISO-8601 date-time with an offset (`2026-11-27T08:00:00+08:00` or `…Z`), as a Date. */
  dateTime(): Schema<Date> {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
    return schema((value, path, errors) => {
      if (typeof value !== 'string') return fail(errors, path, 'type');
      if (value.length > 40 || !iso.test(value)) return fail(errors, path, 'format');
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? fail(errors, path, 'format') : date;
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

/** The list parameters every list action takes (API.md section 2). */
export const listParams = {
  /** Opaque; carries the ids tied on the page's last instant (see cloudfunctions/_server/db/paging.ts). */
  cursor: v.optional(v.string({ max: 20_000 })),
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
