/** Regions (API.md 2, v1.1): Jilin's codes from a maintained package, and which region covers which. */
import {
  PROVINCE_REGION,
  isJilinRegion,
  regionChildren,
  regionCovers,
  regionName,
  regionPath,
  regionPrefixes,
} from '../../miniprogram/core/regions';
import { JILIN_REGION_LIST } from '../../miniprogram/core/regions.data';

describe('Jilin’s regions', () => {
  it('lists the province, its cities and prefecture, their districts and the development zones', () => {
    expect(regionName(PROVINCE_REGION)).toBe('吉林省');
    expect(regionName('220100')).toBe('长春市');
    expect(regionName('220102')).toBe('南关区');
    expect(regionName('220171')).toBe('长春经济技术开发区');
    expect(regionName('222400')).toBe('延边朝鲜族自治州');
    expect(isJilinRegion('220102')).toBe(true);
    // well-shaped, but no such division; and another province's
    expect(isJilinRegion('220199')).toBe(false);
    expect(isJilinRegion('210102')).toBe(false);
    expect(JILIN_REGION_LIST.every(([code]) => /^22\d{4}$/.test(code))).toBe(true);
  });

  it('gives each code its prefixes, from the province down', () => {
    expect(regionPrefixes('220000')).toEqual(['22']);
    expect(regionPrefixes('220100')).toEqual(['22', '2201']);
    expect(regionPrefixes('220102')).toEqual(['22', '2201', '220102']);
    expect(regionPath('220102')).toEqual(['吉林省', '长春市', '南关区']);
  });

  it('lets a region cover itself and what lies inside it, nothing beside it', () => {
    expect(regionCovers('220000', '220102')).toBe(true);
    expect(regionCovers('220100', '220102')).toBe(true);
    expect(regionCovers('220100', '220100')).toBe(true);
    expect(regionCovers('220102', '220102')).toBe(true);
    expect(regionCovers('220102', '220103')).toBe(false);
    expect(regionCovers('220100', '220202')).toBe(false);
    expect(regionCovers('220102', '220100')).toBe(false);
  });

  it('lists the regions one level down, for a picker', () => {
    const cities = regionChildren('220000').map((r) => r.code);
    expect(cities).toEqual([
      '220100',
      '220200',
      '220300',
      '220400',
      '220500',
      '220600',
      '220700',
      '220800',
      '222400',
    ]);
    expect(regionChildren('220100').map((r) => r.name)).toContain('南关区');
    expect(regionChildren('220102')).toEqual([]);
  });
});

describe('the generated list', () => {
  it('is what tools/regions/generate.js makes from @vant/area-data (regenerate after an upgrade)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const generator = require('../../tools/regions/generate.js') as {
      jilinRegions(): Array<[string, string]>;
      render(regions: Array<[string, string]>): string;
      OUT: string;
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const committed = require('node:fs').readFileSync(generator.OUT, 'utf8') as string;
    expect(committed).toBe(generator.render(generator.jilinRegions()));
    expect(generator.jilinRegions()).toHaveLength(JILIN_REGION_LIST.length);
  });
});
