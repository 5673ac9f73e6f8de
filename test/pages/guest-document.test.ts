/**
 * The no-code person's form at the gate (rule 5; API.md `guest.document`): a foreigner's passport number. The
 * field shows for 外籍人士 only (others have a Chinese ID number or none), and is stored sealed with the scan.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { keyRingFromEnv, unseal } from '../../cloudfunctions/_server/privacy/personal-data';
import { buildWorld, onDuty, type World } from '../helpers/world';
import {
  closePage,
  openPage,
  resetPhone,
  startCloud,
  stopCloud,
  tap,
  textOf,
  type,
  until,
  type PageInstance,
} from './harness';
import { exists, pickOption } from './hierarchy-helpers';

let cloud: LocalCloud;
let world: World;
let page: PageInstance;

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, 'page-initiator', 'guestdoc');
  await onDuty(cloud, world.intermediate);
});
afterAll(stopCloud);

beforeEach(async () => {
  resetPhone(world.intermediate.openid);
  page = openPage('scanner/scan/scan', { positionId: world.intermediate.id });
  await until(() => !textOf(page).includes('正在定位'), 'the first fix');
  await tap(page, '#guest-toggle');
});
afterEach(() => closePage(page));

describe('scanner/scan: a foreigner without a code', () => {
  it('should ask for the passport number of a foreigner only, and keep it with the scan', async () => {
    expect(exists(page, '#guest-document')).toBe(false);
    await pickOption(page, '#guest-category', '外籍人士');
    expect(exists(page, '#guest-document')).toBe(true);
    await type(page, '#guest-name', 'John Smith');
    await type(page, '#guest-document', 'E12345678');
    await tap(page, '#temp-365');
    await tap(page, '#guest-submit');
    await until(() => textOf(page).includes('准予通行'), 'the result');
    const scan = cloud.store
      .find('scans', { positionId: world.intermediate.id })
      .docs.find((s) => (s.guest as { category?: string } | undefined)?.category === 'foreigner');
    expect(scan).toBeDefined();
    const sealed = (scan!.guest as { document: string }).document;
    expect(sealed).not.toContain('E12345678');
    expect(unseal(keyRingFromEnv(), sealed)).toBe('E12345678');
  });

  it('should not send a document typed before the category was changed away from 外籍人士', async () => {
    await pickOption(page, '#guest-category', '外籍人士');
    await type(page, '#guest-document', 'E7654321');
    await pickOption(page, '#guest-category', '老人');
    expect(exists(page, '#guest-document')).toBe(false);
    await type(page, '#guest-name', '周玉兰');
    await tap(page, '#temp-365');
    await tap(page, '#guest-submit');
    await until(() => textOf(page).includes('准予通行'), 'the result');
    const scans = cloud.store.find('scans', { positionId: world.intermediate.id }).docs;
    const elderly = scans.find((s) => (s.guest as { category?: string } | undefined)?.category === 'elderly');
    expect((elderly!.guest as { document: unknown }).document).toBeNull();
  });
});
