/**
 * The bench's documented bulk path: a province written straight into the embedded store in large SQLite
 * transactions, with every index entry, exactly as the engine writes documents (the same document shapes as
 * cloudfunctions/_server/db/documents.ts, identities sealed with the same keys). It is how history gets there
 * fast; everything measured afterwards goes through the real functions.
 */
import { colorOf, UNVERIFIED } from '../../miniprogram/core/health-code.rules';
import { idCheckChar, maskIdNumber, maskName, maskPhone } from '../../miniprogram/core/identity';
import { INITIATOR_POSITION_ID, ROOT_SITE_ID } from '../../cloudfunctions/_server/org/bootstrap';
import {
  blindIndex,
  keyRingFromEnv,
  newSeed,
  seal,
} from '../../cloudfunctions/_server/privacy/personal-data';
import { regionPrefixes } from '../../miniprogram/core/regions';
import { JILIN_REGION_LIST } from '../../miniprogram/core/regions.data';
import type { Doc } from '../local-cloud/db/store';
import type { LocalCloud } from '../local-cloud/local-cloud';
import type { Citizen } from './gates';

export interface ProvinceSize {
  persons: number;
  sites: number;
  positions: number;
  scans: number;
}

export const FULL: ProvinceSize = { persons: 200_000, sites: 5_000, positions: 20_000, scans: 1_000_000 };
export const QUICK: ProvinceSize = { persons: 20_000, sites: 500, positions: 2_000, scans: 100_000 };

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const GIVEN = '建国秀英志强丽娟海涛春梅国庆玉兰晓东桂芳';

/** A synthetic identity per n, all distinct: the birth date steps one day per thousand. */
export function syntheticIdentity(n: number): { name: string; idNumber: string; phone: string } {
  const born = new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 1000) * 24 * 3600_000)
    .toISOString()
    .slice(0, 10)
    .replace(/-/g, '');
  const first17 = `220102${born}${String(n % 1000).padStart(3, '0')}`;
  return {
    name: SURNAMES[n % SURNAMES.length] + GIVEN[(n >> 2) % GIVEN.length] + GIVEN[(n >> 5) % GIVEN.length],
    idNumber: first17 + idCheckChar(first17),
    phone: `13${String(100_000_000 + n).slice(-9)}`,
  };
}

type Progress = (label: string, done: number, total: number) => void;

/** Jilin's districts and counties (codes not ending in 00): the bench's unit sites lie in them in turn. */
const DISTRICTS = JILIN_REGION_LIST.map(([code]) => code).filter((code) => !code.endsWith('00'));

/** The region of the bench's unit site s (and of its child sites): 220102, 220103, … in turn. */
export function benchRegionOf(unit: number): string {
  return DISTRICTS[unit % DISTRICTS.length];
}

function inBatches(
  cloud: LocalCloud,
  total: number,
  label: string,
  progress: Progress,
  write: (i: number) => void,
) {
  const batch = 10_000;
  for (let done = 0; done < total;) {
    const n = Math.min(batch, total - done);
    cloud.store.transaction(() => {
      for (let i = done; i < done + n; i++) write(i);
    });
    done += n;
    progress(label, done, total);
  }
}

/**
 * Citizens with sealed identities, green codes and one seed each; answers each one's code (its id and its seed),
 * for gates to scan, as `citizen.code` would hand them out.
 */
export function seedPersons(cloud: LocalCloud, count: number, progress: Progress): Citizen[] {
  const crowd: Citizen[] = [];
  const keys = keyRingFromEnv();
  const now = new Date();
  const facts = { national: { ...UNVERIFIED, verified: true }, fever: null, provincial: null };
  const decision = colorOf(facts);
  inBatches(cloud, count, 'seeding persons', progress, (i) => {
    const who = syntheticIdentity(i);
    const code = { codeId: (0x1000000000000000n + BigInt(i)).toString(16), seed: newSeed() };
    crowd.push(code);
    cloud.store.insert('persons', {
      _id: `seed-person-${i}`,
      openid: `seed-openid-${i}`,
      idHash: blindIndex(keys, 'id', who.idNumber),
      codeId: code.codeId,
      sealed: {
        name: seal(keys, who.name),
        idNumber: seal(keys, who.idNumber),
        phone: seal(keys, who.phone),
      },
      masked: { name: maskName(who.name), idNumber: maskIdNumber(who.idNumber), phone: maskPhone(who.phone) },
      ...facts,
      color: decision.color,
      colorReason: decision.reason,
      colorSince: now,
      seeds: [{ seed: seal(keys, code.seed), issuedAt: now, supersededAt: null }],
      latestCheckIn: null,
      registeredAt: now,
      updatedAt: now,
    } as unknown as Doc);
  });
  return crowd;
}

export interface SeededTree {
  /** scopeAncestors of every ordinary position (root first, the position last). */
  ordinaryScopes: string[][];
  /** One position of each level, to read records as. */
  sample: { senior: string; intermediate: string; ordinary: string };
}

/**
 * Sites and positions as a four-level tree: 50 seniors with their unit sites, each with child sites; 10
 * intermediates per senior; ordinary scanners for the rest. A tenth of the ordinary and intermediate scanners
 * have been silent for 20 days, for the silent sweep to find.
 */
export function seedTree(cloud: LocalCloud, size: ProvinceSize, progress: Progress): SeededTree {
  const now = Date.now();
  const seniors = 50;
  const sitesPerSenior = Math.max(2, Math.floor(size.sites / seniors));
  const intermediatesPerSenior = 10;
  const ordinaries = size.positions - 1 - seniors - seniors * intermediatesPerSenior;
  const ordinaryScopes: string[][] = [];
  const holder = (id: string) => ({
    openid: `seed-${id}`,
    personId: null,
    name: null,
    phone: null,
    masked: { name: '李*', phone: '139****0000' },
  });
  const position = (id: string, role: string, siteId: string, ancestors: string[], silent: boolean) =>
    cloud.store.insert('positions', {
      _id: id,
      role,
      siteId,
      parentId: ancestors[ancestors.length - 1],
      ancestors,
      holder: holder(id),
      status: 'active',
      disabledReason: null,
      currentInviteId: null,
      lastActiveAt: new Date(now - (silent ? 20 : 1) * 24 * 3600_000),
      createdAt: new Date(now - 30 * 24 * 3600_000),
      updatedAt: new Date(now),
    } as unknown as Doc);
  const site = (id: string, parent: string, ancestors: string[], regionCode: string) =>
    cloud.store.insert('sites', {
      _id: id,
      name: `站点${id.slice(5)}`,
      type: 'other',
      address: '吉林省',
      location: { type: 'Point', coordinates: [125.3 + Math.random(), 43.8 + Math.random()] },
      radiusM: 1000,
      parentSiteId: parent,
      ancestors,
      lineage: [...ancestors, id],
      regionCode,
      uscc: null,
      createdAt: new Date(now),
      createdBy: null,
    } as unknown as Doc);

  cloud.store.transaction(() => {
    for (let s = 0; s < seniors; s++) {
      const unit = `site-${s}`;
      site(unit, ROOT_SITE_ID, [ROOT_SITE_ID], benchRegionOf(s));
      for (let c = 1; c < sitesPerSenior; c++)
        site(`site-${s}-${c}`, unit, [ROOT_SITE_ID, unit], benchRegionOf(s));
    }
  });
  progress('seeding sites', seniors * sitesPerSenior, seniors * sitesPerSenior);

  let made = 0;
  const total = size.positions - 1;
  cloud.store.transaction(() => {
    for (let s = 0; s < seniors; s++) {
      const sId = `seed-s${s}`;
      position(sId, 'senior', `site-${s}`, [INITIATOR_POSITION_ID], false);
      made++;
      for (let m = 0; m < intermediatesPerSenior; m++) {
        const mId = `${sId}-m${m}`;
        position(
          mId,
          'intermediate',
          `site-${s}-${1 + (m % (sitesPerSenior - 1))}`,
          [INITIATOR_POSITION_ID, sId],
          m === 9,
        );
        made++;
        const perIntermediate = Math.floor(ordinaries / (seniors * intermediatesPerSenior));
        for (let o = 0; o < perIntermediate; o++) {
          const oId = `${mId}-o${o}`;
          position(
            oId,
            'ordinary',
            `site-${s}-${1 + (o % (sitesPerSenior - 1))}`,
            [INITIATOR_POSITION_ID, sId, mId],
            o % 10 === 0,
          );
          ordinaryScopes.push([INITIATOR_POSITION_ID, sId, mId, oId]);
          made++;
        }
      }
    }
  });
  progress('seeding positions', made, total);
  return {
    ordinaryScopes,
    sample: { senior: 'seed-s0', intermediate: 'seed-s0-m0', ordinary: 'seed-s0-m0-o1' },
  };
}

/**
 * Scans spread over the ordinary scanners, the persons and the last 30 days; one in 97 with a fever, which raised
 * its alert (with the region prefixes of its site, every other one handled).
 */
export function seedScans(
  cloud: LocalCloud,
  count: number,
  persons: number,
  tree: SeededTree,
  progress: Progress,
): void {
  const now = Date.now();
  inBatches(cloud, count, 'seeding scans', progress, (k) => {
    const scope = tree.ordinaryScopes[k % tree.ordinaryScopes.length];
    const fever = k % 97 === 0;
    const unit = k % 50;
    const site = { id: `site-${unit}`, name: `站点${unit}` };
    const scannedAt = new Date(now - 30 * 24 * 3600_000 + (k / count) * 30 * 24 * 3600_000);
    if (fever) {
      cloud.store.insert('alerts', {
        _id: `seed-${k}`,
        scanId: `seed-${k}`,
        kind: 'fever',
        scopeAncestors: scope,
        regionPrefixes: regionPrefixes(benchRegionOf(unit)),
        site,
        person: { name: '张*' },
        color: 'yellow',
        temperature: 37.8,
        at: scannedAt,
        status: k % 2 === 0 ? 'open' : 'handled',
        handled: null,
      } as unknown as Doc);
    }
    cloud.store.insert('scans', {
      _id: `seed-${k}`,
      positionId: scope[scope.length - 1],
      scopeAncestors: scope,
      site,
      regionCode: benchRegionOf(unit),
      scanner: { positionId: scope[scope.length - 1], role: 'ordinary', name: '李*' },
      personId: `seed-person-${k % persons}`,
      guest: null,
      masked: { name: '张*', idNumber: '2201**********0011' },
      color: fever ? 'yellow' : 'green',
      temperature: fever ? 37.8 : 36.5,
      fever,
      decision: fever ? 'deny' : 'allow',
      qr: null,
      replayed: false,
      scannedAt,
      receivedAt: new Date(now),
    } as unknown as Doc);
  });
}
