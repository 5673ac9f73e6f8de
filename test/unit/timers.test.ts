import { parseCron } from '../../tools/local-cloud/timers';

describe('parseCron (WeChat Cloud seven-field form, UTC+8)', () => {
  it('should fire a daily 02:00 trigger at 02:00 Beijing time, which is 18:00 UTC the day before', () => {
    const due = parseCron('0 0 2 * * * *');
    expect(due(new Date('2026-11-26T18:00:00Z'))).toBe(true);
    expect(due(new Date('2026-11-27T02:00:00Z'))).toBe(false);
    expect(due(new Date('2026-11-26T18:00:01Z'))).toBe(false);
  });

  it('should support lists, ranges and steps', () => {
    const due = parseCron('0 */15 9-17 * * MON-FRI *');
    expect(due(new Date('2026-11-27T01:30:00Z'))).toBe(true); // Friday 09:30 in Beijing
    expect(due(new Date('2026-11-28T01:30:00Z'))).toBe(false); // Saturday
    expect(due(new Date('2026-11-27T01:31:00Z'))).toBe(false);
  });

  it('should fire every minute at second 0', () => {
    const due = parseCron('0 * * * * * *');
    expect(due(new Date('2026-11-27T05:17:00Z'))).toBe(true);
    expect(due(new Date('2026-11-27T05:17:30Z'))).toBe(false);
  });

  it('should refuse expressions that are not seven fields or out of range', () => {
    expect(() => parseCron('0 0 2 * * *')).toThrow(/7 fields/);
    expect(() => parseCron('0 0 25 * * * *')).toThrow(/out of range/);
  });
});
