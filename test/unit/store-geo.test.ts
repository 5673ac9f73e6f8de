/**
 * The embedded database's geo operators (tools/local-cloud/db/geo.ts) at their edges: which stored values count as
 * points, polygons with holes and slanted edges, several polygons, a point's exact match, distances at exactly the
 * bound, geo clauses beside each other and beside ordinary ones, and the errors for what is not supported.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectionSpec } from '../../cloudfunctions/_server/db/collections';
import { greatCircleMeters } from '../../miniprogram/core/geo';
import { Store, type Filter } from '../../tools/local-cloud/db/store';

const SPECS: Record<string, CollectionSpec> = { places: { description: 'test places', indexes: [] } };
/** The sphere MongoDB measures $nearSphere on, as geo.ts does. */
const R = 6378100;

let store: Store;

beforeEach(() => {
  store = new Store(join(mkdtempSync(join(tmpdir(), 'jxm-geo-')), 'cloud.db'), SPECS);
  store.createCollection('places');
});

afterEach(() => store.close());

const point = (longitude: number, latitude: number) => ({
  type: 'Point',
  coordinates: [longitude, latitude],
});
const put = (id: string, fields: Record<string, unknown>) =>
  store.transaction(() => store.insert('places', { _id: id, ...fields }));
/** A square ring from its south-west corner, closed as GeoJSON wants; and a polygon of one such ring. */
const square = (x: number, y: number, size: number) => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];
const polygon = (x: number, y: number, size: number) => ({
  type: 'Polygon',
  coordinates: [square(x, y, size)],
});
const ids = (filter: Filter) =>
  store
    .find('places', filter)
    .docs.map((d) => d._id)
    .sort();
const failure = (filter: Filter) => {
  try {
    store.find('places', filter);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('$geoWithin a polygon', () => {
  // a right triangle whose long edge runs from (127, 43) to (125, 45): on it, longitude = 127 - (latitude - 43)
  const triangle = {
    type: 'Polygon',
    coordinates: [
      [
        [125, 43],
        [127, 43],
        [125, 45],
        [125, 43],
      ],
    ],
  };

  it('should take the points left of the slanted edge and leave those right of it', () => {
    put('inside', { loc: point(125.9, 43.9) }); // the edge is at 126.1 there
    put('right', { loc: point(126.2, 43.9) });
    put('near-apex', { loc: point(125.05, 44.9) }); // the edge is at 125.1
    put('past-apex', { loc: point(125.15, 44.9) });
    put('below', { loc: point(126, 42.9) });
    put('west', { loc: point(124.9, 44) });
    expect(ids({ loc: { $geoWithin: { $geometry: triangle } } })).toEqual(['inside', 'near-apex']);
  });

  it('should leave out the points in a hole, and take those in any of several polygons', () => {
    put('in-ring', { loc: point(125.2, 43.2) });
    put('in-hole', { loc: point(125.5, 43.5) });
    put('in-second', { loc: point(130.5, 40.5) });
    put('nowhere', { loc: point(128, 42) });
    const withHole = { type: 'Polygon', coordinates: [square(125, 43, 1), square(125.4, 43.4, 0.2)] };
    expect(ids({ loc: { $geoWithin: { $geometry: withHole } } })).toEqual(['in-ring']);
    const two = { type: 'MultiPolygon', coordinates: [[square(125, 43, 1)], [square(130, 40, 1)]] };
    expect(ids({ loc: { $geoWithin: { $geometry: two } } })).toEqual(['in-hole', 'in-ring', 'in-second']);
  });

  it('should count only GeoJSON points with two numbers as points', () => {
    const box = polygon(125, 43, 1);
    put('point', { loc: point(125.5, 43.5) });
    put('line', { loc: { type: 'LineString', coordinates: [125.5, 43.5] } });
    put('three', { loc: { type: 'Point', coordinates: [125.5, 43.5, 10] } });
    put('one', { loc: { type: 'Point', coordinates: [125.5] } });
    put('text-longitude', { loc: { type: 'Point', coordinates: ['125.5', 43.5] } });
    put('text-latitude', { loc: { type: 'Point', coordinates: [125.5, '43.5'] } });
    put('bare-pair', { loc: [125.5, 43.5] });
    put('none', { other: 1 });
    put('in-list', { loc: [point(0, 0), point(125.5, 43.5)] });
    expect(ids({ loc: { $geoWithin: { $geometry: box } } })).toEqual(['in-list', 'point']);
  });
});

describe('$geoIntersects a point, and what is not supported', () => {
  it('should match the same point only, both coordinates equal', () => {
    put('same', { loc: point(125.3, 43.8) });
    put('same-latitude', { loc: point(125.4, 43.8) });
    put('same-longitude', { loc: point(125.3, 43.9) });
    expect(ids({ loc: { $geoIntersects: { $geometry: point(125.3, 43.8) } } })).toEqual(['same']);
  });

  it('should name a geometry it does not support, and ask $nearSphere for a point', () => {
    put('a', { loc: point(125.3, 43.8) });
    expect(failure({ loc: { $geoWithin: { $geometry: { type: 'LineString', coordinates: [] } } } })).toBe(
      '[FailedOperation] unsupported geometry: LineString',
    );
    expect(failure({ loc: { $geoIntersects: {} } })).toBe(
      '[FailedOperation] unsupported geometry: undefined',
    );
    expect(failure({ loc: { $nearSphere: { $geometry: { type: 'Polygon', coordinates: [] } } } })).toBe(
      '[FailedOperation] $nearSphere needs a Point',
    );
  });
});

describe('distances', () => {
  const center = { longitude: 125.3245, latitude: 43.8868 };
  const far = { longitude: 125.34, latitude: 43.9 };
  const d = greatCircleMeters(center, far, R);

  beforeEach(() => {
    put('center', { loc: point(center.longitude, center.latitude) });
    put('far', { loc: point(far.longitude, far.latitude) });
    put('nowhere', { other: 1 });
  });

  it.each(['$nearSphere', '$near'])('should keep %s to its bounds, both inclusive, nearest first', (op) => {
    const near = (bounds: Record<string, number>) =>
      store
        .find('places', { loc: { [op]: { $geometry: point(center.longitude, center.latitude), ...bounds } } })
        .docs.map((doc) => doc._id);
    expect(near({})).toEqual(['center', 'far']);
    expect(near({ $maxDistance: d })).toEqual(['center', 'far']);
    expect(near({ $maxDistance: d * 0.999999 })).toEqual(['center']);
    expect(near({ $minDistance: d })).toEqual(['far']);
    expect(near({ $minDistance: d * 1.000001 })).toEqual([]);
  });

  it('should take $centerSphere up to its radius, inclusive', () => {
    const within = (radians: number) =>
      ids({ loc: { $geoWithin: { $centerSphere: [[center.longitude, center.latitude], radians] } } });
    expect(within(d / R)).toEqual(['center', 'far']);
    expect(within((d / R) * 0.999999)).toEqual(['center']);
  });
});

describe('geo clauses beside others', () => {
  it('should hold a document to every clause: two geo fields, and the ordinary ones beside them', () => {
    const box = polygon(125, 43, 1);
    const inBox = point(125.5, 43.5);
    const outside = point(127, 45);
    put('both', { home: inBox, work: inBox, kind: 'a', n: 2 });
    put('home-only', { home: inBox, work: outside, kind: 'a', n: 2 });
    put('other-kind', { home: inBox, work: inBox, kind: 'b', n: 2 });
    put('small-n', { home: inBox, work: inBox, kind: 'a', n: 0 });
    expect(
      ids({
        home: { $geoWithin: { $geometry: box } },
        work: { $geoWithin: { $geometry: box } },
        kind: 'a',
        n: { $gt: 1 },
      }),
    ).toEqual(['both']);
  });
});
