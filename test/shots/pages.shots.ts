/**
 * npm run shots (tools/shots/capture.js), step 1: every main state of the mini-program's pages, reached the way a
 * person reaches it (the harness's fake phone, the in-process local cloud, the real TDesign), written as a
 * self-contained HTML file to shots/html/<state>.html for Chromium to photograph at a phone's width.
 * Runs only in the jest project 'shots' (JXM_SHOTS=1), not with npm test.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { buildWorld, citizenWithCode, disableBelow, onDuty, type World } from '../helpers/world';
import { phone, resetPhone, startCloud, stopCloud, tap, type, until } from '../pages/harness';
import { open, shoot } from './shoot';

// miniprogram-simulate and j-component turn 1 rpx into 1 px; at the shots' 375 px width WeChat makes it 0.5 px
jest.mock('miniprogram-simulate/src/utils', () => ({
  ...jest.requireActual('miniprogram-simulate/src/utils'),
  transformRpx: jest.requireActual('./rpx').rpxToPx,
}));
jest.mock('j-component/src/tool/utils', () => ({
  ...jest.requireActual('j-component/src/tool/utils'),
  transformRpx: jest.requireActual('./rpx').rpxToPx,
}));

let cloud: LocalCloud;
let world: World;

beforeAll(async () => {
  cloud = await startCloud();
  world = await buildWorld(cloud, 'page-initiator', 'shots');
});
afterAll(stopCloud);

// the citizen's pages (code, register, check-in, history, claim, applications): citizen.shots.ts

/** `gate`'s intermediate goes on duty and opens the scan page, with its first fix; a citizen of `openid` to scan. */
async function scanPageOnDuty(gate: World, openid: string) {
  await onDuty(cloud, gate.intermediate);
  const c = await citizenWithCode(cloud, openid);
  resetPhone(gate.intermediate.openid);
  const view = open('scanner/scan/scan', { positionId: gate.intermediate.id });
  await until(() => view.page.data.locationState === 'ok', 'the first fix');
  return { view, c };
}

/**
 * At `gate`'s intermediate position, on duty: the scan page opens online (caching the keys), the network is cut, and
 * a citizen's signed pass is scanned at that reading; the page, with the scan queued and its decision shown.
 */
async function queuedOffline(gate: World, openid: string, temperatureId: string) {
  const { view, c } = await scanPageOnDuty(gate, openid);
  await until(() => phone.storage.has('jxm.passKeys.v1'), 'the keys cached');
  phone.online = false;
  phone.scanResult = c.passQrAt(Date.now());
  await tap(view.page, temperatureId);
  await tap(view.page, '#scan');
  await until(() => view.page.data.pending === 1, 'the scan queued with its offline decision');
  return view;
}

describe('scanner pages', () => {
  it('scanner-roles: my identities, to go on duty', async () => {
    resetPhone(world.senior.openid);
    const view = open('scanner/roles/roles');
    await until(() => view.page.data.loading === false, 'the roles');
    shoot('scanner-roles', view);
  });

  async function scanned(name: string, openid: string, temperature: number) {
    const { view, c } = await scanPageOnDuty(world, openid);
    await tap(view.page, `#temp-${Math.round(temperature * 10)}`);
    phone.scanResult = c.qrAt(Date.now());
    await tap(view.page, '#scan');
    await until(() => view.page.data.result !== null, 'the result');
    shoot(name, view);
  }

  it('scanner-result-allow: a green code, let through', async () => {
    await scanned('scanner-result-allow', 'shots-scan-green', 36.4);
  });

  it('scanner-result-deny: a fever, refused', async () => {
    await scanned('scanner-result-deny', 'shots-scan-fever', 38.0);
  });

  it('scanner-offline-pending: a scan kept while offline', async () => {
    const c = await citizenWithCode(cloud, 'shots-scan-offline');
    resetPhone(world.intermediate.openid);
    const view = open('scanner/scan/scan', { positionId: world.intermediate.id });
    await until(() => view.page.data.locationState === 'ok', 'the first fix');
    phone.online = false;
    phone.scanResult = c.qrAt(Date.now());
    await tap(view.page, '#temp-365');
    await tap(view.page, '#scan');
    await until(() => view.page.data.pending === 1, 'the pending scan');
    shoot('scanner-offline-pending', view);
    phone.online = true;
  });

  it('scanner-sync-refused: a queued scan the cloud refused at the sync, named with why', async () => {
    const gate = await buildWorld(cloud, 'page-initiator', 'shots-refused');
    const view = await queuedOffline(gate, 'shots-sync-refused', '#temp-365');
    // the senior disables the gate's position before the network returns
    await disableBelow(cloud, gate.senior, gate.intermediate.id);
    phone.online = true;
    await tap(view.page, '#sync');
    await until(() => (view.page.data.refused as unknown[]).length === 1, 'the refusal');
    shoot('scanner-sync-refused', view);
  });

  /** The network cut after the page cached the province's keys: the signed pass decides (API.md 2.3). */
  async function offlinePass(name: string, openid: string, temperatureId: string) {
    shoot(name, await queuedOffline(world, openid, temperatureId));
    phone.online = true;
  }

  it('scanner-offline-allow: no network, a green signed pass admitted', async () => {
    await offlinePass('scanner-offline-allow', 'shots-offline-green', '#temp-365');
  });

  it('scanner-offline-deny: no network, a green pass with a fever refused', async () => {
    await offlinePass('scanner-offline-deny', 'shots-offline-fever', '#temp-380');
  });

  it('scanner-guest-errors: registering a person without a code', async () => {
    resetPhone(world.intermediate.openid);
    const view = open('scanner/scan/scan', { positionId: world.intermediate.id });
    await until(() => view.page.data.locationState === 'ok', 'the first fix');
    await tap(view.page, '#guest-toggle');
    await type(view.page, '#guest-name', '1');
    await tap(view.page, '#temp-365');
    await tap(view.page, '#guest-submit');
    await until(() => view.page.data.message === '无码人员信息不完整或有误', 'the refusal');
    shoot('scanner-guest-errors', view);
  });

  it('scanner-no-reading: a scan refused until this person’s temperature is chosen', async () => {
    resetPhone(world.intermediate.openid);
    const view = open('scanner/scan/scan', { positionId: world.intermediate.id });
    await until(() => view.page.data.locationState === 'ok', 'the first fix');
    await tap(view.page, '#scan');
    shoot('scanner-no-reading', view);
  });

  it('scanner-location-refused: what to do when the location is not allowed', async () => {
    resetPhone(world.intermediate.openid);
    phone.locationAllowed = false;
    const view = open('scanner/scan/scan', { positionId: world.intermediate.id });
    await until(() => view.page.data.locationState === 'refused', 'the refusal');
    shoot('scanner-location-refused', view);
  });

  it('scanner-forced-entry: a forced entry recorded and reported', async () => {
    resetPhone(world.intermediate.openid);
    const view = open('scanner/scan/scan', { positionId: world.intermediate.id });
    await until(() => view.page.data.locationState === 'ok', 'the first fix');
    await tap(view.page, '#forced-entry');
    await until(() => String(view.page.data.message).includes('强行闯入'), 'the record');
    shoot('scanner-forced-entry', view);
  });
});

// the admin pages: hierarchy.shots.ts (tree, sites, roles) and desk.shots.ts (desk, records, applications)
