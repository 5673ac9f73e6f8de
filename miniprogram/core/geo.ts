/** Great-circle geometry on plain coordinates (GCJ-02 as wx.getLocation gives them; metres). Pure. */

export interface Coordinates {
  latitude: number;
  longitude: number;
}

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_M = 6371008.8;

const toRadians = (degrees: number) => (degrees * Math.PI) / 180;

/** Haversine distance between two points, in metres. */
export function greatCircleMeters(a: Coordinates, b: Coordinates, radius = EARTH_RADIUS_M): number {
  const dLat = toRadians(b.latitude - a.latitude);
  const dLon = toRadians(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(toRadians(a.latitude)) * Math.cos(toRadians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * radius * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A location as the phone reports it: `accuracy` is the radius of its uncertainty, metres (wx.getLocation). */
export interface Fix extends Coordinates {
  accuracy?: number;
}

/** The phone's own uncertainty is forgiven up to this much (API.md 2, v1.1): a worse fix proves nothing. */
export const MAX_ACCURACY_ALLOWANCE_M = 500;

/**
 * Rule 7: a scanner deviates from the site when the fix lies farther from it than the site's radius, allowing for
 * the fix's own accuracy up to 500 m (API.md section 2).
 */
export function deviatesFrom(site: { center: Coordinates; radiusM: number }, fix: Fix): boolean {
  const allowance = Math.min(Math.max(fix.accuracy ?? 0, 0), MAX_ACCURACY_ALLOWANCE_M);
  return greatCircleMeters(site.center, fix) > site.radiusM + allowance;
}

/** The fix the API takes, from what wx.getLocation / onLocationChange report (which carry more fields). */
export function fixOf(reported: { latitude: number; longitude: number; accuracy?: number }): Fix {
  const { latitude, longitude, accuracy } = reported;
  return typeof accuracy === 'number' && Number.isFinite(accuracy) && accuracy >= 0
    ? { latitude, longitude, accuracy }
    : { latitude, longitude };
}

/** A fix older than this is not sent with a scan: the server then relies on the position's last fix. */
export const FIX_SEND_MAX_AGE_MS = 2 * 60_000;
