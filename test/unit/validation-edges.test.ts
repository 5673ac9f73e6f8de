/**
 * The request schemas at their edges (miniprogram/core/validation.ts): what a plain object is, dates to the
 * millisecond, every bound inclusive, and a schema's own answer (undefined after an error) as well as validate's.
 */
import {
  DATE_MAX_MS,
  DATE_MIN_MS,
  isPlainObject,
  parseInstant,
  v,
  validate,
  type Schema,
} from '../../miniprogram/core/validation';

const parse = <T>(schema: Schema<T>, value: unknown) => {
  const errors: Record<string, string> = {};
  return { value: schema.parse(value, 'f', errors), errors };
};

describe('isPlainObject', () => {
  it('is true for object literals and prototype-less objects only', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject({ a: 1 })).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    for (const other of [
      null,
      undefined,
      'x',
      1,
      true,
      [],
      [1],
      new Date(),
      new Map(),
      /x/,
      () => 1,
      Object.create({ a: 1 }),
    ])
      expect(isPlainObject(other)).toBe(false);
  });

  it('makes an object schema refuse null, arrays and other values by type', () => {
    const schema = v.object({ a: v.object({}) });
    expect(validate(schema, null)).toEqual({ ok: false, fields: { _: 'type' } });
    expect(validate(schema, [])).toEqual({ ok: false, fields: { _: 'type' } });
    expect(validate(schema, 'x')).toEqual({ ok: false, fields: { _: 'type' } });
    expect(validate(schema, { a: [] })).toEqual({ ok: false, fields: { a: 'type' } });
    expect(validate(schema, { a: 'x' })).toEqual({ ok: false, fields: { a: 'type' } });
    expect(validate(schema, { a: Object.create(null) })).toEqual({ ok: true, value: { a: {} } });
  });
});

describe('parseInstant', () => {
  it('reads minutes without seconds, and fractions to the millisecond', () => {
    expect(parseInstant('2026-06-01T12:00Z')).toBe(Date.UTC(2026, 5, 1, 12, 0));
    expect(parseInstant('2026-06-01T12:00:07Z')).toBe(Date.UTC(2026, 5, 1, 12, 0, 7));
    expect(parseInstant('2026-06-01T12:00:00.5Z')).toBe(Date.UTC(2026, 5, 1, 12, 0, 0, 500));
    expect(parseInstant('2026-06-01T12:00:00.05Z')).toBe(Date.UTC(2026, 5, 1, 12, 0, 0, 50));
    expect(parseInstant('2026-06-01T12:00:00.123456789Z')).toBe(Date.UTC(2026, 5, 1, 12, 0, 0, 123));
    expect(parseInstant('2026-06-01T12:00:00.1234567890Z')).toBe('format');
    expect(parseInstant('2026-06-01T12:00:00.Z')).toBe('format');
    expect(parseInstant('2026-06-01T12:00:00Zjunk')).toBe('format');
    expect(parseInstant('2026-06-01T12:00:00+08:00:00')).toBe('format');
  });

  it('applies the offset both ways, up to ±14:59', () => {
    expect(parseInstant('2026-06-01T08:00:00+08:00')).toBe(Date.UTC(2026, 5, 1, 0, 0));
    expect(parseInstant('2026-06-01T00:00:00-05:30')).toBe(Date.UTC(2026, 5, 1, 5, 30));
    expect(parseInstant('2026-06-01T00:00:00+14:59')).toBe(Date.UTC(2026, 4, 31, 9, 1));
    expect(parseInstant('2026-06-01T00:00:00+15:00')).toBe('format');
    expect(parseInstant('2026-06-01T00:00:00+08:60')).toBe('format');
  });

  it('takes 1970-01-01T00:00:00Z to 2100-12-31T23:59:59Z inclusive, whatever the offset', () => {
    expect(DATE_MIN_MS).toBe(0);
    expect(DATE_MAX_MS).toBe(Date.UTC(2100, 11, 31, 23, 59, 59));
    expect(parseInstant('1970-01-01T00:00:00Z')).toBe(0);
    expect(parseInstant('1970-01-01T08:00:00+08:00')).toBe(0);
    expect(parseInstant('1970-01-01T07:59:59+08:00')).toBe('range');
    expect(parseInstant('1969-12-31T20:00:00-04:00')).toBe(0);
    expect(parseInstant('2100-12-31T23:59:59Z')).toBe(DATE_MAX_MS);
    expect(parseInstant('2101-01-01T07:59:59+08:00')).toBe(DATE_MAX_MS);
    expect(parseInstant('2100-12-31T23:59:59.001Z')).toBe('range');
    expect(parseInstant('2102-01-01T00:00:00Z')).toBe('range');
    expect(parseInstant('9999-12-31T23:59:59Z')).toBe('range');
    expect(parseInstant('0099-01-01T00:00:00Z')).toBe('range');
  });

  it('refuses what is no calendar instant', () => {
    for (const text of [
      '2026-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:60Z',
      '2026-01-01 00:00:00Z',
      '2026-01-01T00:00:00',
      ' 2026-01-01T00:00:00Z',
    ])
      expect({ text, at: parseInstant(text) }).toEqual({ text, at: 'format' });
    expect(parseInstant('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseInstant('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29));
    expect(parseInstant('2100-02-29T00:00:00Z')).toBe('format');
  });
});

describe('v.string', () => {
  it('trims unless told not to, and counts bounds inclusively', () => {
    expect(parse(v.string({ max: 3 }), ' abc ').value).toBe('abc');
    expect(parse(v.string({ max: 5, trim: false }), ' ab ').value).toBe(' ab ');
    expect(parse(v.string({ max: 3 }), 'abcd')).toEqual({ value: undefined, errors: { f: 'tooLong' } });
    expect(parse(v.string({ min: 3, max: 5 }), 'abc').value).toBe('abc');
    expect(parse(v.string({ min: 3, max: 5 }), 'ab')).toEqual({
      value: undefined,
      errors: { f: 'tooShort' },
    });
    expect(parse(v.string({ max: 5 }), '')).toEqual({ value: undefined, errors: { f: 'empty' } });
    expect(parse(v.string({ min: 0, max: 5 }), '  ').value).toBe('');
    expect(parse(v.string({ max: 5, pattern: /^\d+$/ }), '12a')).toEqual({
      value: undefined,
      errors: { f: 'format' },
    });
    expect(parse(v.string({ max: 5, pattern: /^\d+$/ }), '123').value).toBe('123');
    expect(parse(v.string({ max: 5 }), 5)).toEqual({ value: undefined, errors: { f: 'type' } });
  });
});

describe('v.number', () => {
  it('takes finite numbers within inclusive bounds', () => {
    const n = v.number({ min: 34, max: 43 });
    expect(parse(n, 34).value).toBe(34);
    expect(parse(n, 43).value).toBe(43);
    expect(parse(n, 33.99).errors).toEqual({ f: 'range' });
    expect(parse(n, 43.01).errors).toEqual({ f: 'range' });
    for (const bad of [NaN, Infinity, -Infinity, '36', null])
      expect(parse(n, bad).errors).toEqual({ f: 'type' });
    expect(parse(v.number({ integer: true }), 2.5).errors).toEqual({ f: 'integer' });
    expect(parse(v.number({ integer: true }), 2).value).toBe(2);
    expect(parse(v.number(), -1e300).value).toBe(-1e300);
  });
});

describe('v.dateTime', () => {
  it('gives a Date, and refuses strings longer than 40 characters outright', () => {
    expect(parse(v.dateTime(), '2026-06-01T12:00:00Z').value).toEqual(new Date(Date.UTC(2026, 5, 1, 12)));
    expect(parse(v.dateTime(), '2026-06-01T12:00:00.123456789+08:00' + ' '.repeat(6)).errors).toEqual({
      f: 'format',
    });
    expect(parse(v.dateTime(), 1_780_000_000_000).errors).toEqual({ f: 'type' });
    expect(parse(v.dateTime(), '2101-01-01T00:00:00Z').errors).toEqual({ f: 'range' });
  });
});

describe('v.array, v.object, v.optional', () => {
  it('counts items inclusively and names the bad item', () => {
    const list = v.array(v.number(), { min: 1, max: 2 });
    expect(parse(list, [1]).value).toEqual([1]);
    expect(parse(list, [1, 2]).value).toEqual([1, 2]);
    expect(parse(list, []).errors).toEqual({ f: 'tooFew' });
    expect(parse(list, [1, 2, 3]).errors).toEqual({ f: 'tooMany' });
    expect(parse(list, 'x').errors).toEqual({ f: 'type' });
    // one bad item spoils the list: no partial value
    expect(parse(list, [1, 'x'])).toEqual({ value: undefined, errors: { 'f.1': 'type' } });
  });

  it('gives no value for an object with an unknown, a missing or a bad field', () => {
    const obj = v.object({ a: v.number(), b: v.optional(v.string({ max: 3 })) });
    expect(parse(obj, { a: 1 }).value).toEqual({ a: 1 });
    expect(parse(obj, { a: 1, b: null }).value).toEqual({ a: 1 });
    expect(parse(obj, { a: 1, b: 'xy' }).value).toEqual({ a: 1, b: 'xy' });
    expect(parse(obj, { a: 1, c: 2 })).toEqual({ value: undefined, errors: { 'f.c': 'unknown' } });
    expect(parse(obj, {})).toEqual({ value: undefined, errors: { 'f.a': 'required' } });
    expect(parse(obj, { a: null })).toEqual({ value: undefined, errors: { 'f.a': 'required' } });
    expect(parse(obj, { a: 'x' })).toEqual({ value: undefined, errors: { 'f.a': 'type' } });
    expect(parse(obj, { a: 1, b: 'toolong' })).toEqual({ value: undefined, errors: { 'f.b': 'tooLong' } });
  });

  it('marks optional schemas', () => {
    expect(v.optional(v.number()).optional).toBe(true);
    expect(v.number().optional).toBe(false);
  });

  it('bounds coordinates to ±90 and ±180', () => {
    const c = v.coordinates();
    expect(parse(c, { latitude: -90, longitude: -180 }).value).toEqual({ latitude: -90, longitude: -180 });
    expect(parse(c, { latitude: 90, longitude: 180 }).value).toEqual({ latitude: 90, longitude: 180 });
    expect(parse(c, { latitude: 0, longitude: 180.5 }).errors).toEqual({ 'f.longitude': 'range' });
    expect(parse(c, { latitude: 0, longitude: -180.5 }).errors).toEqual({ 'f.longitude': 'range' });
    expect(parse(c, { latitude: 90.5, longitude: 0 }).errors).toEqual({ 'f.latitude': 'range' });
  });
});

describe('validate', () => {
  it('reports a schema that gives nothing without saying why as a type error of the whole', () => {
    const silent: Schema<number> = { parse: () => undefined, optional: false };
    expect(validate(silent, 1)).toEqual({ ok: false, fields: { _: 'type' } });
  });

  it('refuses a value if any error was recorded, even when the schema returned one', () => {
    const noisy: Schema<number> = {
      parse: (_value, _path, errors) => {
        errors.x = 'range';
        return 1;
      },
      optional: false,
    };
    expect(validate(noisy, 1)).toEqual({ ok: false, fields: { x: 'range' } });
  });

  it('gives the value when all is well', () => {
    expect(validate(v.number(), 0)).toEqual({ ok: true, value: 0 });
    expect(validate(v.string({ min: 0, max: 1 }), '')).toEqual({ ok: true, value: '' });
  });
});
