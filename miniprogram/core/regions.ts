/**
 * Regions (API.md 2, v1.1): every site lies in one of Jilin's administrative divisions, a six-digit GB/T 2260 code
 * (or one of the province's development-zone codes). A code covers those that begin with its prefix without the
 * trailing `00` pairs: `220000` the province, `220100` Changchun, `220102` one district. Pure.
 */
import { JILIN_REGION_LIST } from './regions.data';

export const PROVINCE_REGION = '220000';

const NAMES = new Map<string, string>(JILIN_REGION_LIST.map(([code, name]) => [code, name]));

/** One of Jilin's codes as the project lists them. */
export function isJilinRegion(code: string): boolean {
  return NAMES.has(code);
}

/** The region's name, e.g. 南关区; its parents' names are in regionPath. */
export function regionName(code: string): string {
  return NAMES.get(code) ?? code;
}

/** The significant prefix of a code: `220000` → `22`, `220100` → `2201`, `220102` → `220102`. */
export function regionPrefix(code: string): string {
  let prefix = code;
  while (prefix.length > 2 && prefix.endsWith('00')) prefix = prefix.slice(0, -2);
  return prefix;
}

/** Every prefix under which a site of this region is found: `220102` → `22`, `2201`, `220102`. */
export function regionPrefixes(code: string): string[] {
  const own = regionPrefix(code);
  const prefixes: string[] = [];
  for (let length = 2; length <= own.length; length += 2) prefixes.push(own.slice(0, length));
  return prefixes;
}

/** The region `outer` covers `inner` (a region covers itself). */
export function regionCovers(outer: string, inner: string): boolean {
  return inner.startsWith(regionPrefix(outer));
}

/** The names from the province down: `220102` → 吉林省 · 长春市 · 南关区. */
export function regionPath(code: string): string[] {
  return regionPrefixes(code)
    .map((prefix) => prefix.padEnd(6, '0'))
    .filter((c) => NAMES.has(c))
    .map((c) => NAMES.get(c)!);
}

/** The regions directly below a code (the province's cities, a city's districts), for a picker. */
export function regionChildren(code: string): Array<{ code: string; name: string }> {
  const prefix = regionPrefix(code);
  return JILIN_REGION_LIST.filter(
    ([c]) => c !== code && c.startsWith(prefix) && regionPrefix(c).length === prefix.length + 2,
  ).map(([c, name]) => ({ code: c, name }));
}
