/**
 * Great-circle distance and the geofence rule (regulation rule 7; API.md 2 v1.1): a location deviates from a site
 * when it lies farther than `radiusM + min(accuracy, 500)` from it. The distances are checked against published
 * great-circle figures, and the rule at its boundary, a few metres either side.
 */
import {
  EARTH_RADIUS_M,
  MAX_ACCURACY_ALLOWANCE_M,
  deviatesFrom,
  greatCircleMeters,
  type Coordinates,
} from '../../miniprogram/core/geo';

const CHANGCHUN = { latitude: 43.9036, longitude: 125.3184 };
const JILIN = { latitude: 43.8379, longitude: 126.5496 };

/** Within `fraction` of the expected value (0.001 = 0.1 %). */
function near(actual: number, expected: number, fraction = 0.001) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * fraction);
}

/**
 * The point `metres` due north of `from` on the mean sphere. Along a meridian the great-circle distance is the
 * arc itself, R·Δφ, so this does not rely on the function under test.
 */
function north(from: Coordinates, metres: number): Coordinates {
  return { latitude: from.latitude + (metres / EARTH_RADIUS_M) * (180 / Math.PI), longitude: from.longitude };
}

describe('greatCircleMeters', () => {
  it('uses the IUGG mean Earth radius', () => {
    expect(EARTH_RADIUS_M).toBe(6371008.8);
  });

  it('is zero for the same point, and the same both ways', () => {
    expect(greatCircleMeters(CHANGCHUN, CHANGCHUN)).toBe(0);
    expect(greatCircleMeters(CHANGCHUN, JILIN)).toBeCloseTo(greatCircleMeters(JILIN, CHANGCHUN), 6);
  });

  it('measures 1° of latitude on the mean sphere as about 111,195 m, anywhere along a meridian', () => {
    near(greatCircleMeters({ latitude: 0, longitude: 0 }, { latitude: 1, longitude: 0 }), 111_195);
    near(greatCircleMeters({ latitude: 43, longitude: 125 }, { latitude: 44, longitude: 125 }), 111_195);
    near(greatCircleMeters({ latitude: -60, longitude: -70 }, { latitude: -61, longitude: -70 }), 111_195);
    // exactly R·π/180
    expect(greatCircleMeters({ latitude: 10, longitude: 5 }, { latitude: 11, longitude: 5 })).toBeCloseTo(
      (EARTH_RADIUS_M * Math.PI) / 180,
      3,
    );
  });

  it('measures 1° of longitude as 111,195 m on the equator and about half of it at 60° N', () => {
    near(greatCircleMeters({ latitude: 0, longitude: 100 }, { latitude: 0, longitude: 101 }), 111_195);
    // cos 60° = 1/2: the great circle between two points 1° apart on the 60th parallel is 55,597 m
    near(greatCircleMeters({ latitude: 60, longitude: 0 }, { latitude: 60, longitude: 1 }), 55_597);
    // crossing the antimeridian is the short way round
    near(greatCircleMeters({ latitude: 0, longitude: 179.5 }, { latitude: 0, longitude: -179.5 }), 111_195);
  });

  it('measures Changchun to Jilin city (the two test sites) as about 98.96 km', () => {
    near(greatCircleMeters(CHANGCHUN, JILIN), 98_963);
    // the same by the spherical law of cosines, an independent formula
    const rad = (d: number) => (d * Math.PI) / 180;
    const cosines =
      EARTH_RADIUS_M *
      Math.acos(
        Math.sin(rad(CHANGCHUN.latitude)) * Math.sin(rad(JILIN.latitude)) +
          Math.cos(rad(CHANGCHUN.latitude)) *
            Math.cos(rad(JILIN.latitude)) *
            Math.cos(rad(JILIN.longitude - CHANGCHUN.longitude)),
      );
    near(greatCircleMeters(CHANGCHUN, JILIN), cosines, 1e-6);
  });

  it('gives the central angle of the Aviation Formulary LAX–JFK example (0.623585 rad, 2144 nm) on a unit sphere', () => {
    // Ed Williams, Aviation Formulary: LAX 33°57'N 118°24'W, JFK 40°38'N 73°47'W
    const lax = { latitude: 33 + 57 / 60, longitude: -(118 + 24 / 60) };
    const jfk = { latitude: 40 + 38 / 60, longitude: -(73 + 47 / 60) };
    near(greatCircleMeters(lax, jfk, 1), 0.623585, 1e-5);
    near((greatCircleMeters(lax, jfk, 1) * 180 * 60) / Math.PI, 2144);
  });

  it('gives the Rosetta Code haversine figure for Nashville BNA–Los Angeles LAX (2887.26 km, R = 6372.8 km)', () => {
    const bna = { latitude: 36.12, longitude: -86.67 };
    const lax = { latitude: 33.94, longitude: -118.4 };
    near(greatCircleMeters(bna, lax, 6_372_800), 2_887_260);
    // with the mean radius, in proportion
    near(greatCircleMeters(bna, lax), (2_887_260 * EARTH_RADIUS_M) / 6_372_800);
  });

  it('measures antipodes as half the circumference, and stays finite there', () => {
    const half = Math.PI * EARTH_RADIUS_M;
    near(greatCircleMeters({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 }), half, 1e-9);
    near(greatCircleMeters({ latitude: 45, longitude: 10 }, { latitude: -45, longitude: -170 }), half, 1e-9);
    near(greatCircleMeters({ latitude: 90, longitude: 0 }, { latitude: -90, longitude: 0 }), half, 1e-9);
    expect(
      Number.isFinite(
        greatCircleMeters({ latitude: -87.5, longitude: -179 }, { latitude: 87.5, longitude: 1 }),
      ),
    ).toBe(true);
  });

  it('scales with the radius it is given', () => {
    const onMean = greatCircleMeters(CHANGCHUN, JILIN);
    expect(greatCircleMeters(CHANGCHUN, JILIN, EARTH_RADIUS_M * 2)).toBeCloseTo(onMean * 2, 6);
  });

  it('is exactly the arc along a meridian, so that the boundary tests below are exact to the millimetre', () => {
    for (const metres of [5, 495, 505, 1000, 1295, 1305]) {
      expect(greatCircleMeters(CHANGCHUN, north(CHANGCHUN, metres))).toBeCloseTo(metres, 3);
    }
  });
});

describe('deviatesFrom (API.md 2: more than radiusM + min(accuracy, 500))', () => {
  const site = { center: CHANGCHUN, radiusM: 1000 };
  const at = (metres: number, accuracy?: number) => ({
    ...north(CHANGCHUN, metres),
    ...(accuracy === undefined ? {} : { accuracy }),
  });

  it('forgives at most 500 m of the phone’s own uncertainty', () => {
    expect(MAX_ACCURACY_ALLOWANCE_M).toBe(500);
  });

  it('keeps a fix 5 m inside the radius and refuses one 5 m outside it, without an accuracy', () => {
    expect(deviatesFrom(site, at(995))).toBe(false);
    expect(deviatesFrom(site, at(1005))).toBe(true);
    expect(deviatesFrom(site, at(0))).toBe(false);
    expect(deviatesFrom({ center: CHANGCHUN, radiusM: 500 }, at(495))).toBe(false);
    expect(deviatesFrom({ center: CHANGCHUN, radiusM: 500 }, at(505))).toBe(true);
  });

  it('counts a fix exactly on the boundary as inside ("more than" the radius deviates)', () => {
    expect(deviatesFrom({ center: CHANGCHUN, radiusM: 0 }, CHANGCHUN)).toBe(false);
    expect(deviatesFrom({ center: CHANGCHUN, radiusM: 0 }, { ...CHANGCHUN, accuracy: 0 })).toBe(false);
    expect(deviatesFrom({ center: CHANGCHUN, radiusM: 0 }, at(0.01))).toBe(true);
  });

  it('treats accuracy 0 like no accuracy', () => {
    expect(deviatesFrom(site, at(995, 0))).toBe(false);
    expect(deviatesFrom(site, at(1005, 0))).toBe(true);
  });

  it('widens the radius by the accuracy: with 300 m, radius + 295 is kept and radius + 305 deviates', () => {
    expect(deviatesFrom(site, at(1295, 300))).toBe(false);
    expect(deviatesFrom(site, at(1305, 300))).toBe(true);
  });

  it('counts an accuracy of 2000 m (or any beyond 500) as 500 m', () => {
    expect(deviatesFrom(site, at(1495, 2000))).toBe(false);
    expect(deviatesFrom(site, at(1505, 2000))).toBe(true);
    expect(deviatesFrom(site, at(1495, 500))).toBe(false);
    expect(deviatesFrom(site, at(1505, 500))).toBe(true);
    expect(deviatesFrom(site, at(1505, 100_000))).toBe(true);
  });

  it('never lets a negative accuracy narrow the radius', () => {
    expect(deviatesFrom(site, at(995, -300))).toBe(false);
    expect(deviatesFrom(site, at(1005, -300))).toBe(true);
  });

  it('measures to the site in any direction, not only north', () => {
    const east = { latitude: CHANGCHUN.latitude, longitude: CHANGCHUN.longitude + 0.02 };
    const metres = greatCircleMeters(CHANGCHUN, east);
    expect(deviatesFrom({ center: CHANGCHUN, radiusM: Math.ceil(metres) }, east)).toBe(false);
    expect(deviatesFrom({ center: CHANGCHUN, radiusM: Math.floor(metres) }, east)).toBe(true);
    expect(deviatesFrom({ center: CHANGCHUN, radiusM: 1000 }, JILIN)).toBe(true);
  });
});
