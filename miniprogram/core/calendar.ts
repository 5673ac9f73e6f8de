/** Days as the regulation counts them: the calendar day in Asia/Shanghai (UTC+8 all year, no daylight saving). */

export const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** `YYYY-MM-DD` of the instant in Asia/Shanghai. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** `2026-11-27 08:05:09`: the wall clock in Asia/Shanghai. */
export function shanghaiClock(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The first instant of the instant's calendar day in Asia/Shanghai. */
export function startOfShanghaiDay(at: Date): Date {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return new Date(
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - SHANGHAI_OFFSET_MS,
  );
}
