/**
 * Geo query operators for points, which mingo lacks: $nearSphere/$near (with $maxDistance/$minDistance in metres,
 * results by distance), $geoWithin ($geometry Polygon/MultiPolygon, or $centerSphere in radians) and
 * $geoIntersects against stored GeoJSON points. They are taken out of the filter at the top level (where MongoDB
 * requires $nearSphere) and applied beside mingo's matcher.
 */
import { greatCircleMeters, type Coordinates } from '../../../miniprogram/core/geo';
import { StoreError, valuesAtPath, type Doc, type Filter } from './documents';

/** MongoDB measures $nearSphere distances on a sphere of this radius. */
const MONGO_EARTH_RADIUS_M = 6378100;

type Position = [number, number];
type Ring = Position[];

export interface GeoClause {
  test(doc: Doc): boolean;
  sortByDistance?: (docs: Doc[]) => Doc[];
}

const GEO_OPS = ['$nearSphere', '$near', '$geoWithin', '$geoIntersects'];

function asPoint(value: unknown): Coordinates | null {
  const v = value as { type?: string; coordinates?: unknown };
  if (v && v.type === 'Point' && Array.isArray(v.coordinates) && v.coordinates.length === 2) {
    const [longitude, latitude] = v.coordinates as number[];
    if (typeof longitude === 'number' && typeof latitude === 'number') return { latitude, longitude };
  }
  return null;
}

/** The GeoJSON points at a field: its value, or each element of a list of them (as MongoDB's multikey 2dsphere). */
function pointsAt(doc: Doc, field: string): Coordinates[] {
  return valuesAtPath(doc, field)
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .map(asPoint)
    .filter((p): p is Coordinates => p !== null);
}

function inRing(point: Coordinates, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    const crosses =
      yi > point.latitude !== yj > point.latitude &&
      point.longitude < ((xj - xi) * (point.latitude - yi)) / (yj - yi) + xi;
    if (crosses) inside = !inside;
  }
  return inside;
}

function inPolygon(point: Coordinates, rings: Ring[]): boolean {
  const [outer, ...holes] = rings;
  return Boolean(outer) && inRing(point, outer) && !holes.some((hole) => inRing(point, hole));
}

function shapeTest(geometry: { type?: string; coordinates?: unknown }): (p: Coordinates) => boolean {
  switch (geometry?.type) {
    case 'Polygon':
      return (p) => inPolygon(p, geometry.coordinates as Ring[]);
    case 'MultiPolygon':
      return (p) => (geometry.coordinates as Ring[][]).some((rings) => inPolygon(p, rings));
    case 'Point': {
      const target = asPoint(geometry);
      return (p) => Boolean(target && target.latitude === p.latitude && target.longitude === p.longitude);
    }
    default:
      throw new StoreError(
        'DATABASE_REQUEST_FAILED',
        `[FailedOperation] unsupported geometry: ${geometry?.type}`,
      );
  }
}

export function extractGeo(filter: Filter): { rest: Filter; geo: GeoClause | null } {
  const tests: Array<(doc: Doc) => boolean> = [];
  let sortByDistance: GeoClause['sortByDistance'];
  const rest: Filter = {};
  for (const [field, cond] of Object.entries(filter)) {
    const ops = cond && typeof cond === 'object' ? Object.keys(cond).filter((k) => GEO_OPS.includes(k)) : [];
    if (ops.length === 0) {
      rest[field] = cond;
      continue;
    }
    const c = cond as Record<string, Record<string, unknown>>;
    for (const op of ops) {
      const arg = c[op];
      if (op === '$nearSphere' || op === '$near') {
        const center = asPoint(arg.$geometry);
        if (!center)
          throw new StoreError('DATABASE_REQUEST_FAILED', '[FailedOperation] $nearSphere needs a Point');
        const max = typeof arg.$maxDistance === 'number' ? arg.$maxDistance : Infinity;
        const min = typeof arg.$minDistance === 'number' ? arg.$minDistance : 0;
        const distance = (doc: Doc) =>
          Math.min(
            ...pointsAt(doc, field).map((p) => greatCircleMeters(center, p, MONGO_EARTH_RADIUS_M)),
            Infinity,
          );
        // like MongoDB, a document without a point in the field is never "near" (its distance is not Infinity)
        tests.push((doc) => {
          const d = distance(doc);
          return Number.isFinite(d) && d >= min && d <= max;
        });
        sortByDistance = (docs) =>
          docs
            .map((doc) => ({ doc, d: distance(doc) }))
            .sort((a, b) => a.d - b.d)
            .map((x) => x.doc);
      } else if (op === '$geoWithin' && Array.isArray(arg.$centerSphere)) {
        const [[longitude, latitude], radians] = arg.$centerSphere as [Position, number];
        const center = { latitude, longitude };
        tests.push((doc) =>
          pointsAt(doc, field).some(
            (p) => greatCircleMeters(center, p, MONGO_EARTH_RADIUS_M) <= radians * MONGO_EARTH_RADIUS_M,
          ),
        );
      } else {
        const inside = shapeTest(arg.$geometry as { type?: string; coordinates?: unknown });
        tests.push((doc) => pointsAt(doc, field).some(inside));
      }
    }
  }
  if (tests.length === 0) return { rest: filter, geo: null };
  return { rest, geo: { test: (doc) => tests.every((t) => t(doc)), sortByDistance } };
}
