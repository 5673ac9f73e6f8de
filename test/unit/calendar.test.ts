/** "Day" is the calendar day in Asia/Shanghai, UTC+8 all year (API.md section 2). */
import {
  SHANGHAI_OFFSET_MS,
  shanghaiClock,
  shanghaiDate,
  startOfShanghaiDay,
} from '../../miniprogram/core/calendar';

describe('the Asia/Shanghai calendar', () => {
  it('is eight hours ahead of UTC', () => {
    expect(SHANGHAI_OFFSET_MS).toBe(8 * 3600 * 1000);
  });

  it('turns the day at 16:00 UTC', () => {
    expect(shanghaiDate(new Date('2026-11-26T15:59:59.999Z'))).toBe('2026-11-26');
    expect(shanghaiDate(new Date('2026-11-26T16:00:00.000Z'))).toBe('2026-11-27');
    expect(shanghaiDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });

  it('shows the wall clock as YYYY-MM-DD HH:mm:ss', () => {
    expect(shanghaiClock(new Date('2026-11-27T00:05:09.123Z'))).toBe('2026-11-27 08:05:09');
    expect(shanghaiClock(new Date('2026-11-26T20:00:00Z'))).toBe('2026-11-27 04:00:00');
  });

  it('starts the day at 00:00 in Shanghai (16:00 UTC the day before)', () => {
    expect(startOfShanghaiDay(new Date('2026-11-27T03:00:00Z')).toISOString()).toBe(
      '2026-11-26T16:00:00.000Z',
    );
    expect(startOfShanghaiDay(new Date('2026-11-26T16:00:00Z')).toISOString()).toBe(
      '2026-11-26T16:00:00.000Z',
    );
    expect(startOfShanghaiDay(new Date('2026-11-26T15:59:59Z')).toISOString()).toBe(
      '2026-11-25T16:00:00.000Z',
    );
  });
});
