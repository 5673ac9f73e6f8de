/**
 * `createSite` with a region (API.md 2, v1.1): the parent's region by default, a given one of Jilin's shape that
 * lies within the parent's, else BAD_REQUEST naming `regionCode`. Through the local cloud's HTTP face.
 */
import { ROOT_SITE_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call, openLocalCloud, type HttpReply } from '../helpers/local-cloud';

let cloud: LocalCloud;
const INITIATOR = 'test-initiator';

beforeAll(async () => {
  cloud = await openLocalCloud();
});
afterAll(() => cloud.close());

const createSite = (name: string, extra: Record<string, unknown> = {}) =>
  call<{ siteId: string }>(
    cloud,
    'org',
    {
      action: 'createSite',
      actingPositionId: INITIATOR_POSITION_ID,
      name,
      type: 'gov',
      address: name,
      location: { latitude: 43.88, longitude: 125.32 },
      ...extra,
    },
    INITIATOR,
  );

const regionOf = (reply: HttpReply<{ siteId: string }>) =>
  cloud.store.get('sites', reply.body.data!.siteId)!.doc.regionCode;

describe('org.createSite: the region', () => {
  it('should take a region within the province under the root, and pass it on to the children', async () => {
    const city = await createSite('长春市政务服务中心', { regionCode: '220100' });
    expect(regionOf(city)).toBe('220100');
    const child = await createSite('南关区政务服务中心', { parentSiteId: city.body.data!.siteId });
    expect(regionOf(child)).toBe('220100');
    const district = await createSite('朝阳区政务服务中心', {
      parentSiteId: city.body.data!.siteId,
      regionCode: '220104',
    });
    expect(regionOf(district)).toBe('220104');
    // a development zone of the city is within it
    const zone = await createSite('长春新区政务服务中心', {
      parentSiteId: city.body.data!.siteId,
      regionCode: '220171',
    });
    expect(zone.body.ok).toBe(true);
  });

  it('should refuse a region outside the parent’s, and a code Jilin does not have, naming the field', async () => {
    const city = await createSite('吉林市政务服务中心', { regionCode: '220200' });
    const outside = await createSite('越界站点', {
      parentSiteId: city.body.data!.siteId,
      regionCode: '220102',
    });
    expect(outside.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { regionCode: 'range' } });
    const countyOfNoCity = await createSite('无效地区', { regionCode: '220012' });
    expect(countyOfNoCity.body.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { regionCode: 'format' },
    });
    const otherProvince = await createSite('外省站点', { regionCode: '210100' });
    expect(otherProvince.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { regionCode: 'format' } });
    const short = await createSite('短码站点', { regionCode: '2201' });
    expect(short.body.error).toMatchObject({ code: 'BAD_REQUEST', fields: { regionCode: 'tooShort' } });
    expect(cloud.store.find('sites', { parentSiteId: ROOT_SITE_ID, name: '无效地区' }).docs).toHaveLength(0);
  });
});
