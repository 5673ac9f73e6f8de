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
    expect(validate(v.dateTime(), '2026-02-30T08:00:00Z').ok).toBe(true); // Date rolls it over; format is fine
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
