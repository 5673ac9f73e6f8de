/** Days as the regulation counts them: the calendar day in Asia/Shanghai (UTC+8 all year, no daylight saving). */

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** `YYYY-MM-DD` of the instant in Asia/Shanghai. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant as ISO-8601 with the +08:00 offset, e.g. `2026-11-27T08:00:00.000+08:00`. */
export function shanghaiIso(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().replace('Z', '+08:00');
}
