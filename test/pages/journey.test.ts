/**
 * One journey through the pages only, as the people of a province would take it: from an empty province to a
 * fever found at a market's gate and the person behind it revealed to the senior under the office's grant.
 * Every step taps, types and reads rendered pages; the local cloud's store is read only to check the outcome
 * (and to learn an id the page shows as a node id).
 */
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import type { AuditDoc } from '../../cloudfunctions/_server/db/documents';
import { shanghaiDate } from '../../miniprogram/core/calendar';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { tapOption, textIn } from './desk-helpers';
import {
  choose,
  closePage,
  openPage,
  phone,
  resetPhone,
  startCloud,
  stopCloud,
  tap,
  textOf,
  type,
  until,
  type PageInstance,
} from './harness';
import { exists, textAt } from './hierarchy-helpers';

const INITIATOR = 'page-initiator';
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startCloud();
});
afterAll(stopCloud);

/** A place near Changchun's default phone location, as the map picker returns it. */
const place = (name: string, north: number) => ({
  name,
  address: `吉林省长春市南关区${name}`,
  latitude: 43.9036 + north / 111_195,
  longitude: 125.3184,
});

const siteNamed = (name: string) => cloud.store.find('sites', { name }).docs[0]!._id as string;
const positionAt = (siteId: string, role: string) =>
  cloud.store.find('positions', { siteId, role }).docs[0]!._id as string;

/** Someone registers on the registration page with this identity. */
async function registerAs(openid: string, who: { name: string; idNumber: string; phone: string }) {
  resetPhone(openid);
  const page = openPage('pages/register/register');
  await type(page, '#name', who.name);
  await type(page, '#id-number', who.idNumber);
  await type(page, '#phone', who.phone);
  await tap(page, '#submit');
  await until(() => phone.navigations.length > 0, `${who.name} registered`);
  closePage(page);
}

/** The actor creates a site on the sites page, picked on the map. */
async function createSite(
  actingPositionId: string,
  kind: string,
  name: string,
  region: string,
  north: number,
) {
  const page = openPage('admin/sites/sites', { positionId: actingPositionId });
  await until(() => exists(page, '#new-site'), 'the sites page');
  await tap(page, '#new-site');
  phone.chosenPlace = place(name, north);
  await tap(page, '#pick-place');
  await type(page, '#site-name', name);
  await tap(page, `#type-${kind}`);
  await type(page, '#site-region', region);
  await tap(page, '#create-site');
  await until(() => cloud.store.find('sites', { name }).docs.length === 1, `the site ${name}`);
  await until(() => textOf(page).includes(name), `${name} listed`);
  closePage(page);
  return siteNamed(name);
}

/** The actor invites a holder to a new position at a site on the tree page; returns the code shown once. */
async function invite(
  actingPositionId: string,
  siteId: string,
  role: string,
  holder: { name: string; phone: string },
) {
  const page = openPage('admin/tree/tree', { positionId: actingPositionId });
  await until(() => exists(page, `#site-${siteId}`), 'the sites to choose');
  await tap(page, `#site-${siteId}`);
  await tap(page, `#role-${role}`);
  await type(page, '#holder-name', holder.name);
  await type(page, '#holder-phone', holder.phone);
  await tap(page, '#create-position');
  await until(() => exists(page, '#invite'), 'the invite code');
  const code = /[A-Z2-9]{10}/.exec(textAt(page, '#invite'))![0];
  closePage(page);
  return code;
}

/** The invited person claims on the claim page, seeing the role and the site first. */
async function claim(openid: string, code: string, expected: { role: string; site: string }) {
  resetPhone(openid);
  const page = openPage('scanner/claim/claim');
  await type(page, '#invite-code', code);
  await tap(page, '#preview');
  await until(() => textOf(page).includes(expected.site), 'the preview');
  expect(textOf(page)).toContain(expected.role);
  await tap(page, '#confirm');
  await until(() => textOf(page).includes('认领成功'), 'the claim');
  closePage(page);
}

it('should take an empty province to a revealed fever, through the pages only', async () => {
  const senior = { openid: 'journey-senior', ...personOf(8801) };
  const intermediate = { openid: 'journey-intermediate', ...personOf(8802) };
  const ordinary = { openid: 'journey-ordinary', ...personOf(8803) };
  const citizen = { openid: 'journey-citizen', ...personOf(8804) };

  // the initiator opens the city's site and invites its senior
  resetPhone(INITIATOR);
  const city = await createSite(INITIATOR_POSITION_ID, 'gov', '长春市政务服务中心', '220100', 0);
  const seniorCode = await invite(INITIATOR_POSITION_ID, city, 'senior', senior);

  // the senior registers and claims
  await registerAs(senior.openid, senior);
  await claim(senior.openid, seniorCode, { role: '高级扫码员', site: '长春市政务服务中心' });
  const seniorId = positionAt(city, 'senior');

  // the senior opens a community and invites its intermediate, who claims
  resetPhone(senior.openid);
  const community = await createSite(seniorId, 'village', '自由大路社区', '220102', 100);
  const intermediateCode = await invite(seniorId, community, 'intermediate', intermediate);
  await registerAs(intermediate.openid, intermediate);
  await claim(intermediate.openid, intermediateCode, { role: '中级扫码员', site: '自由大路社区' });
  const intermediateId = positionAt(community, 'intermediate');

  // the community's intermediate opens a market with an ordinary scanner, who claims
  resetPhone(intermediate.openid);
  const market = await createSite(intermediateId, 'market', '自由大路菜市场', '220102', 200);
  const ordinaryCode = await invite(intermediateId, market, 'ordinary', ordinary);
  await registerAs(ordinary.openid, ordinary);
  await claim(ordinary.openid, ordinaryCode, { role: '普通扫码员', site: '自由大路菜市场' });
  const ordinaryId = positionAt(market, 'ordinary');

  // a citizen registers and shows the code
  await registerAs(citizen.openid, citizen);
  const code = openPage('pages/code/code');
  await until(() => textOf(code).includes('绿码'), 'the citizen’s code');
  const qr = String(code.data.qrText);
  closePage(code);

  // the ordinary scanner goes on duty at the market and scans the citizen at 38.1 °C
  resetPhone(ordinary.openid);
  phone.location = { latitude: place('', 200).latitude, longitude: place('', 200).longitude };
  const roles = openPage('scanner/roles/roles');
  await until(() => exists(roles, `#duty-${ordinaryId}`), 'the roles');
  await tap(roles, `#duty-${ordinaryId}`);
  await until(() => phone.navigations.includes(`/scanner/scan/scan?positionId=${ordinaryId}`), 'on duty');
  closePage(roles);
  const gate = openPage('scanner/scan/scan', { positionId: ordinaryId });
  await until(() => gate.data.locationState === 'ok', 'the fix');
  await type(gate, '#custom-temperature', '38.1');
  phone.scanResult = qr;
  await tap(gate, '#scan');
  await until(() => textOf(gate).includes('禁止通行'), 'the decision');
  expect(textOf(gate)).toContain('黄码');
  closePage(gate);
  const scan = cloud.store.find('scans', { positionId: ordinaryId }).docs[0]!;
  expect(scan).toMatchObject({ temperature: 38.1, color: 'yellow', decision: 'deny' });

  // the senior sees the fever among the alerts, masked
  resetPhone(senior.openid);
  let records: PageInstance = openPage('admin/records/records', { positionId: seniorId });
  await until(() => exists(records, `#scan-${scan._id}`), 'the scans');
  await tapOption(records, '#tabs', '异常提醒', '.t-tabs__item');
  await until(() => exists(records, `#alert-${scan._id}`), 'the fever alert');
  expect(textIn(records, `#alert-${scan._id}`)).toContain('体温异常');
  expect(textIn(records, `#alert-${scan._id}`)).toContain(`${citizen.name[0]}*`);
  expect(textOf(records)).not.toContain(citizen.idNumber);
  closePage(records);

  // the provincial office grants the senior a reveal
  resetPhone(INITIATOR);
  const grants = openPage('admin/desk/grants/grants', { positionId: INITIATOR_POSITION_ID });
  await until(() => exists(grants, `#pick-${seniorId}`), 'the positions to pick');
  await tap(grants, `#pick-${seniorId}`);
  await type(grants, '#reason', '菜市场发热人员流调');
  await choose(grants, '#until', shanghaiDate(new Date(Date.now() + 3 * 86_400_000)));
  await tap(grants, '#grant');
  await until(() => textOf(grants).includes('已授权'), 'the grant');
  closePage(grants);

  // the senior reveals the person from the alert's detail, giving the reason
  resetPhone(senior.openid);
  records = openPage('admin/records/records', { positionId: seniorId });
  await until(() => exists(records, `#scan-${scan._id}`), 'the scans');
  await tap(records, `#scan-${scan._id}`);
  await until(() => exists(records, '#detail'), 'the detail');
  await tap(records, '#ask-reveal');
  await type(records, '#reveal-reason', '联系发热人员复测体温');
  await tap(records, '#confirm-reveal');
  await until(() => textIn(records, '#detail').includes(citizen.idNumber), 'the full identity');
  expect(textIn(records, '#detail')).toContain(citizen.name);
  expect(textIn(records, '#detail')).toContain(citizen.phone);
  closePage(records);

  const audit = cloud.store.find('audit', { action: 'records.reveal' }).docs as unknown as AuditDoc[];
  expect(audit.map((a) => [a.actorPositionId, a.target, a.reason, a.details.outcome])).toEqual([
    [seniorId, scan._id, '联系发热人员复测体温', 'revealed'],
  ]);
}, 120_000);
