import { listParams, v, validate } from '../../miniprogram/core/validation';

const checkIn = v.object({
  symptoms: v.array(v.oneOf(['fever', 'cough', 'none'] as const), { min: 1, max: 6 }),
  temperature: v.optional(v.number({ min: 34, max: 43 })),
  contact: v.boolean(),
  travel: v.optional(v.string({ max: 200 })),
});

describe('validate', () => {
  it('should return the typed value when the shape is right, trimming strings', () => {
    const result = validate(checkIn, { symptoms: ['none'], contact: false, travel: '  长春  ' });
    expect(result).toEqual({ ok: true, value: { symptoms: ['none'], contact: false, travel: '长春' } });
  });

  it('should name every wrong field with its reason', () => {
    const result = validate(checkIn, { symptoms: ['fever', 'sneeze'], temperature: 50, contact: 'yes' });
    expect(result).toEqual({
      ok: false,
      fields: { 'symptoms.1': 'enum', temperature: 'range', contact: 'type' },
    });
  });

  it('should refuse operator objects where a value is expected', () => {
    const result = validate(v.object({ name: v.string({ max: 20 }) }), { name: { $gt: '' } });
    expect(result).toEqual({ ok: false, fields: { name: 'type' } });
  });

  it('should refuse unknown fields and report missing ones', () => {
    expect(validate(checkIn, { symptoms: ['none'], $where: '1' })).toEqual({
      ok: false,
      fields: { $where: 'unknown', contact: 'required' },
    });
  });

  it('should treat null like a missing field', () => {
    expect(validate(checkIn, { symptoms: ['none'], contact: true, temperature: null })).toEqual({
      ok: true,
      value: { symptoms: ['none'], contact: true },
    });
  });

  it('should bound strings and lists', () => {
    expect(validate(v.string({ max: 3 }), 'abcd')).toEqual({ ok: false, fields: { _: 'tooLong' } });
    expect(validate(v.string({ max: 3 }), '   ')).toEqual({ ok: false, fields: { _: 'empty' } });
    expect(validate(v.array(v.boolean(), { max: 2 }), [true, true, true])).toEqual({
      ok: false,
      fields: { _: 'tooMany' },
    });
  });

  it('should refuse NaN, Infinity and fractions where integers are required', () => {
    expect(validate(v.number(), Number.NaN)).toEqual({ ok: false, fields: { _: 'type' } });
    expect(validate(v.number(), Number.POSITIVE_INFINITY)).toEqual({ ok: false, fields: { _: 'type' } });
    expect(validate(v.object(listParams), { limit: 2.5 })).toEqual({
      ok: false,
      fields: { limit: 'integer' },
    });
    expect(validate(v.object(listParams), { limit: 101 })).toEqual({ ok: false, fields: { limit: 'range' } });
  });

  it('should read ISO-8601 date-times with an offset only', () => {
    const at = validate(v.dateTime(), '2026-11-27T08:00:00+08:00');
    expect(at.ok && at.value.toISOString()).toBe('2026-11-27T00:00:00.000Z');
    expect(validate(v.dateTime(), '2026-11-27 08:00')).toEqual({ ok: false, fields: { _: 'format' } });
  });

  describe('dates are real calendar instants from 1970 to 2100', () => {
    const reason = (text: string) => {
      const result = validate(v.dateTime(), text);
      return result.ok ? result.value.toISOString() : result.fields._;
    };

    it('should take 29 February in a leap year only (2024, 2000; not 2026, 2100)', () => {
      expect(reason('2024-02-29T12:00:00Z')).toBe('2024-02-29T12:00:00.000Z');
      expect(reason('2000-02-29T00:00:00+08:00')).toBe('2000-02-28T16:00:00.000Z');
      expect(reason('2026-02-29T12:00:00Z')).toBe('format');
      expect(reason('2100-02-29T12:00:00Z')).toBe('format');
    });

    it('should refuse days a month does not have instead of rolling them over', () => {
      expect(reason('2026-02-30T08:00:00Z')).toBe('format');
      expect(reason('2026-04-31T08:00:00+08:00')).toBe('format');
      expect(reason('2026-12-32T08:00:00Z')).toBe('format');
      expect(reason('2026-00-10T08:00:00Z')).toBe('format');
      expect(reason('2026-13-10T08:00:00Z')).toBe('format');
      expect(reason('2026-01-00T08:00:00Z')).toBe('format');
      expect(reason('2026-01-31T08:00:00Z')).toBe('2026-01-31T08:00:00.000Z');
    });

    it('should refuse hours, minutes, seconds and offsets no clock shows', () => {
      expect(reason('2026-03-01T24:00:00Z')).toBe('format');
      expect(reason('2026-03-01T24:00+08:00')).toBe('format');
      expect(reason('2026-03-01T23:60:00Z')).toBe('format');
      expect(reason('2026-03-01T23:59:60Z')).toBe('format');
      expect(reason('2026-03-01T08:00:00+15:00')).toBe('format');
      expect(reason('2026-03-01T08:00:00+08:60')).toBe('format');
      expect(reason('2026-03-01T08:00:00-14:59')).toBe('2026-03-01T22:59:00.000Z');
      expect(reason('2026-03-01T23:59:59.999Z')).toBe('2026-03-01T23:59:59.999Z');
    });

    it('should take 1970-01-01T00:00:00Z and 2100-12-31T23:59:59Z, and nothing outside', () => {
      expect(reason('1970-01-01T00:00:00Z')).toBe('1970-01-01T00:00:00.000Z');
      expect(reason('1969-12-31T23:59:59Z')).toBe('range');
      expect(reason('1969-12-31T23:59:59.999Z')).toBe('range');
      expect(reason('2100-12-31T23:59:59Z')).toBe('2100-12-31T23:59:59.000Z');
      expect(reason('2100-12-31T23:59:59.001Z')).toBe('range');
      expect(reason('2101-01-01T00:00:00Z')).toBe('range');
      expect(reason('0000-01-01T00:00:00Z')).toBe('range');
      expect(reason('0070-01-01T00:00:00Z')).toBe('range');
      expect(reason('9999-12-31T23:59:59Z')).toBe('range');
    });

    it('should judge the instant, not the written day, when an offset puts it across a bound', () => {
      // 08:00 in Beijing on 1 January 1970 is the first instant; 07:59:59 there is still 1969
      expect(reason('1970-01-01T08:00:00+08:00')).toBe('1970-01-01T00:00:00.000Z');
      expect(reason('1970-01-01T07:59:59+08:00')).toBe('range');
      // written as 1969 in New York, already 1970 in UTC
      expect(reason('1969-12-31T19:00:00-05:00')).toBe('1970-01-01T00:00:00.000Z');
      // the last second of 2100 in UTC is 07:59:59 on 1 January 2101 in Beijing
      expect(reason('2101-01-01T07:59:59+08:00')).toBe('2100-12-31T23:59:59.000Z');
      expect(reason('2101-01-01T08:00:00+08:00')).toBe('range');
      expect(reason('2100-12-31T23:59:59-00:01')).toBe('range');
    });

    it('should keep refusing what is not ISO-8601 with an offset', () => {
      expect(reason('2026-03-01')).toBe('format');
      expect(reason('2026-03-01T08:00:00')).toBe('format');
      expect(reason('+002026-03-01T08:00:00Z')).toBe('format');
      expect(reason('2026-3-1T08:00:00Z')).toBe('format');
    });
  });

  it('should check coordinates', () => {
    expect(validate(v.coordinates(), { latitude: 43.88, longitude: 125.32 }).ok).toBe(true);
    expect(validate(v.coordinates(), { latitude: 91, longitude: 0 })).toEqual({
      ok: false,
      fields: { latitude: 'range' },
    });
  });

  it('should refuse class instances and arrays where a plain object is expected', () => {
    expect(validate(v.object({}), [])).toEqual({ ok: false, fields: { _: 'type' } });
    expect(validate(v.object({}), new Date())).toEqual({ ok: false, fields: { _: 'type' } });
  });
});
