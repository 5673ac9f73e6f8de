/**
 * 有关部门工作台 (admin/agency; rule 15, API.md v1.1 `records.alerts`, `handleAlert`, `regionStats`), driven as a
 * finger does: a fever scanned at a market in 长春市朝阳区 is an open alert on the desk of 长春市's agency, counted in
 * the badge, handled there with an outcome and a note (audited) and then listed under 已处置 — never on 吉林市's
 * desk; the kind filter and 加载更多; someone else handling it first; the person behind it revealed under a grant
 * (a forced entry has nobody to reveal); the request for alert pushes accepted and refused; the page opened by a
 * push (no query); the figures per district; and the initiator's way in from the provincial desk.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INITIATOR_POSITION_ID } from '../../cloudfunctions/_server/org/bootstrap';
import { NOT_SUBSCRIBED, SUBSCRIBED } from '../../miniprogram/admin/core/agency.view';
import { LOCAL_PUSH_TEMPLATE } from '../../tools/local-cloud/services';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { call } from '../helpers/local-cloud';
import { CHANGCHUN, citizenWithCode, newScanId, onDuty, type Scanner } from '../helpers/world';
import { auditOf, callsTo, shows, tapOption, textIn } from './desk-helpers';
import {
  MINIPROGRAM,
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
import { scannerAt, siteBy } from './hierarchy-helpers';

/** miniprogram/config.ts's PUSH_TEMPLATE_ID (read as text: config.ts belongs to the mini-program's globals). */
const PUSH_TEMPLATE_ID = /PUSH_TEMPLATE_ID = '([^']+)'/.exec(
  readFileSync(join(MINIPROGRAM, 'config.ts'), 'utf8'),
)?.[1];

const INITIATOR = { id: INITIATOR_POSITION_ID, openid: 'page-initiator' };
let cloud: LocalCloud;
let changchun: Scanner;
let jilin: Scanner;
let gate: Scanner;
let scanned: Awaited<ReturnType<typeof citizenWithCode>>;
let feverScan = '';
let feverAlert = '';
let page: PageInstance | null = null;

/** A citizen's code scanned at the market's gate with this temperature; the scan's id. */
async function scanAtMarket(person: typeof scanned, temperature: number): Promise<string> {
  const scanId = newScanId();
  const reply = await call(
    cloud,
    'scan',
    {
      action: 'record',
      positionId: gate.id,
      scanId,
      qr: person.qrAt(Date.now()),
      temperature,
      location: CHANGCHUN,
    },
    gate.openid,
  );
  if (!reply.body.ok) throw new Error(`setup: scan.record: ${JSON.stringify(reply.body)}`);
  return scanId;
}

/** How many alert rows the page renders. */
const rowsOf = (p: PageInstance) =>
  (p as unknown as { querySelectorAll(s: string): unknown[] }).querySelectorAll('.row').length;

/** A row of the figures per region, cell by cell: name, scans, fevers, non-green codes, refusals. */
const figures = (p: PageInstance, code: string) =>
  ['name', 'scans', 'fever', 'non-green', 'refusals'].map((cell) => textIn(p, `#region-${code}-${cell}`));

const alertOf = (scanId: string) => String(cloud.store.find('alerts', { scanId }).docs[0]!._id);

beforeAll(async () => {
  cloud = await startCloud();
  // a market in 长春市朝阳区; the health departments of 长春市 and 吉林市, each an agency of its city
  const market = await siteBy(cloud, INITIATOR, '朝阳区红旗农贸市场', 'market', {
    regionCode: '220104',
    radiusM: 500,
  });
  const ccSite = await siteBy(cloud, INITIATOR, '长春市卫生健康委员会', 'gov', { regionCode: '220100' });
  const jlSite = await siteBy(cloud, INITIATOR, '吉林市卫生健康委员会', 'gov', { regionCode: '220200' });
  changchun = await scannerAt(cloud, INITIATOR, ccSite, 'agency', 'agencypage-cc');
  jilin = await scannerAt(cloud, INITIATOR, jlSite, 'agency', 'agencypage-jl');
  gate = await scannerAt(cloud, INITIATOR, market, 'senior', 'agencypage-gate');
  await onDuty(cloud, gate);
  scanned = await citizenWithCode(cloud, 'agencypage-scanned');
  feverScan = await scanAtMarket(scanned, 38.4);
  feverAlert = alertOf(feverScan);
});
afterAll(stopCloud);
afterEach(() => {
  if (page) closePage(page);
  page = null;
});

/** The desk as the holder of `who` opens it (from 码上行动, with the position; a push opens it with none). */
async function openDesk(
  who: { id: string; openid: string },
  query: Record<string, string> = { positionId: who.id },
) {
  resetPhone(who.openid);
  page = openPage('admin/agency/agency', query);
  const opened = page;
  await until(
    () =>
      shows(opened, '.row') ||
      textOf(opened).includes('暂无待处置的异常') ||
      textOf(opened).includes('您没有有关部门身份'),
    'the alerts',
  );
  return opened;
}

describe('admin/agency: a fever at a market in 长春市朝阳区 (rule 15)', () => {
  it('should be an open alert on 长春市’s desk, counted, handled by taps and then listed as handled', async () => {
    const p = await openDesk(changchun);
    expect(textIn(p, '#title')).toBe('有关部门 · 长春市卫生健康委员会');
    expect(textIn(p, '#open-count')).toContain('待处置异常');
    expect(textIn(p, '#open-count')).toContain('1');
    const row = textIn(p, `#row-${feverAlert}`);
    expect(row).toContain(`体温异常 · ${scanned.name[0]}*`);
    expect(row).toContain('朝阳区红旗农贸市场');
    expect(row).toContain('38.4℃');
    expect(textOf(p)).not.toContain(scanned.name);

    await tap(p, `#alert-${feverAlert}`);
    await until(() => shows(p, '#handle'), 'the handling form');
    // the five outcomes, in words
    for (const label of ['已联系', '已核酸检测', '已隔离', '已排除', '其他'])
      expect(textIn(p, '#outcome')).toContain(label);
    // nothing chosen: nothing sent
    await tap(p, '#submit-handle');
    expect(textIn(p, '#handle')).toContain('请选择处置结果');
    expect(callsTo('handleAlert')).toBe(0);
    await tapOption(p, '#outcome', '已隔离');
    expect(textIn(p, '#handle')).not.toContain('请选择处置结果');
    await type(p, '#note', '已联系社区，居家隔离观察');
    await tap(p, '#submit-handle');
    await until(() => textOf(p).includes('已记录处置结果'), 'the handling recorded');
    await until(() => textOf(p).includes('暂无待处置的异常'), 'the open list emptied');
    expect(shows(p, '#detail')).toBe(false);
    expect(textIn(p, '#open-count')).toBe('暂无待处置异常');

    await tapOption(p, '#tabs', '已处置', '.t-tabs__item');
    await until(() => shows(p, `#row-${feverAlert}`), 'the handled list');
    expect(textIn(p, `#row-${feverAlert}`)).toContain('已隔离：已联系社区，居家隔离观察');
    await tap(p, `#alert-${feverAlert}`);
    await until(() => shows(p, '#detail'), 'the detail');
    const detail = textIn(p, '#detail');
    // label and value side by side
    expect(detail).toContain('处置结果已隔离');
    expect(detail).toContain('处置说明已联系社区，居家隔离观察');
    expect(detail).toContain(`处置人${changchun.name[0]}*`);
    expect(shows(p, '#handle')).toBe(false);

    expect(cloud.store.get('alerts', feverAlert)!.doc).toMatchObject({
      status: 'handled',
      handled: { outcome: 'isolated', note: '已联系社区，居家隔离观察', by: { positionId: changchun.id } },
    });
    expect(auditOf(cloud, 'records.handleAlert').at(-1)).toMatchObject({
      actorPositionId: changchun.id,
      target: feverAlert,
      reason: '已联系社区，居家隔离观察',
      details: { outcome: 'isolated' },
    });
  });

  it('should never be on the desk of 吉林市’s agency, open or handled', async () => {
    const p = await openDesk(jilin);
    expect(textIn(p, '#title')).toBe('有关部门 · 吉林市卫生健康委员会');
    expect(textOf(p)).toContain('暂无待处置的异常');
    expect(textIn(p, '#open-count')).toBe('暂无待处置异常');
    await tapOption(p, '#tabs', '已处置', '.t-tabs__item');
    await until(() => textOf(p).includes('暂无已处置的异常'), 'the handled list');
    expect(shows(p, `#row-${feverAlert}`)).toBe(false);
    expect(textOf(p)).not.toContain('朝阳区红旗农贸市场');
  });

  it('should show the figures of 长春市’s districts, and none in 吉林市', async () => {
    let p = await openDesk(changchun);
    await tapOption(p, '#tabs', '各地区情况', '.t-tabs__item');
    await until(() => shows(p, '#regions'), 'the figures');
    expect(textIn(p, '#regions')).toContain('长春市 各地区情况');
    // 朝阳区: one scan, a fever, a code no longer green, no refusal
    expect(figures(p, '220104')).toEqual(['朝阳区', '1', '1', '1', '0']);
    await tap(p, '#period-week >>> .t-tag');
    await until(() => callsTo('regionStats') === 2, 'the week’s figures');
    await until(() => shows(p, '#region-220104'), 'the week’s rows');
    expect(figures(p, '220104')).toEqual(['朝阳区', '1', '1', '1', '0']);
    closePage(p);

    p = await openDesk(jilin);
    await tapOption(p, '#tabs', '各地区情况', '.t-tabs__item');
    await until(() => shows(p, '#regions'), 'the figures');
    expect(textIn(p, '#regions')).toContain('吉林市 各地区情况');
    expect(textIn(p, '#regions')).toContain('暂无扫码记录');
  });
});

describe('admin/agency: alert pushes (rule 15: 平台推送)', () => {
  it('should ask for the pushes’ template and say what was decided, accepted or refused', async () => {
    // the page asks for the template the functions send with (locally, the local cloud's)
    expect(PUSH_TEMPLATE_ID).toBe(LOCAL_PUSH_TEMPLATE);
    expect(cloud.push.sentTo(changchun.openid)).toEqual([
      expect.objectContaining({ template: PUSH_TEMPLATE_ID, page: 'admin/agency/agency' }),
    ]);
    const p = await openDesk(changchun);
    expect(shows(p, '#subscribed')).toBe(false);
    phone.subscribeAnswer = 'accept';
    await tap(p, '#subscribe');
    await until(() => shows(p, '#subscribed'), 'the answer');
    expect(textIn(p, '#subscribed')).toBe(SUBSCRIBED);
    expect(textIn(p, '#subscribed')).toBe('已开启：新的异常会以微信消息提醒您');
    phone.subscribeAnswer = 'reject';
    await tap(p, '#subscribe');
    await until(() => textIn(p, '#subscribed') !== SUBSCRIBED, 'the refusal');
    expect(textIn(p, '#subscribed')).toBe(NOT_SUBSCRIBED);
    expect(textIn(p, '#subscribed')).toContain('请每天打开本页查看');
    expect(textIn(p, '#subscribed')).toContain('右上角“…”→设置→订阅消息');
  });

  it('should open on the agency’s alerts when a push opens it with no query', async () => {
    const second = await scanAtMarket(scanned, 38.6);
    const p = await openDesk(changchun, {});
    await until(() => shows(p, `#row-${alertOf(second)}`), 'the new alert');
    expect(textIn(p, '#title')).toBe('有关部门 · 长春市卫生健康委员会');
    expect(textIn(p, '#open-count')).toContain('1');
  });

  it('should say so when the person opening it holds no agency position', async () => {
    resetPhone('agencypage-nobody');
    page = openPage('admin/agency/agency');
    const p = page;
    await until(() => textOf(p).includes('您没有有关部门身份'), 'the refusal');
    expect(shows(p, '#subscribe')).toBe(false);
  });
});

describe('admin/agency: the lists and the detail', () => {
  it('should filter by kind and load more by the cursor', async () => {
    // a forced entry (nobody identified) and 21 more fevers: 23 open alerts, more than one page of 20
    const forced = await call(
      cloud,
      'scan',
      { action: 'refusal', positionId: gate.id, scanId: newScanId(), reason: 'forced_entry' },
      gate.openid,
    );
    expect(forced.body.ok).toBe(true);
    const forcedAlert = String(cloud.store.find('alerts', { kind: 'forced_entry' }).docs[0]!._id);
    for (let i = 0; i < 21; i++) await scanAtMarket(scanned, 38.5);

    const p = await openDesk(changchun);
    await until(() => textIn(p, '#open-count').includes('23'), 'the badge');
    expect(rowsOf(p)).toBe(20);
    // newest first: the forced entry came before the 21 fevers
    expect(shows(p, `#row-${forcedAlert}`)).toBe(false);
    await tap(p, '#more');
    await until(() => rowsOf(p) === 23, 'the next page');
    expect(shows(p, `#row-${forcedAlert}`)).toBe(true);
    expect(shows(p, '#more')).toBe(false);

    await tap(p, '#kind-forced_entry >>> .t-tag');
    await until(() => rowsOf(p) === 1, 'the forced entries');
    expect(textIn(p, `#row-${forcedAlert}`)).toContain('强行闯入');
    // a forced entry has nobody to reveal, and is handled like any other
    await tap(p, `#alert-${forcedAlert}`);
    await until(() => shows(p, '#detail'), 'the detail');
    expect(textIn(p, '#detail')).toContain('强行闯入未扫码，没有可查阅的身份信息');
    expect(shows(p, '#ask-reveal')).toBe(false);
    await tapOption(p, '#outcome', '其他');
    await tap(p, '#submit-handle');
    await until(() => textOf(p).includes('暂无待处置的异常'), 'no forced entry left open');
    await until(() => textIn(p, '#open-count').includes('22'), 'the badge counting down');
    await tap(p, '#kind-all >>> .t-tag');
    await until(() => rowsOf(p) === 20, 'every kind again');
  });

  it('should say that someone else handled it first, and list what is still open', async () => {
    const scanId = await scanAtMarket(scanned, 39.1);
    const alertId = alertOf(scanId);
    const p = await openDesk(changchun);
    await until(() => shows(p, `#row-${alertId}`), 'the alert');
    await tap(p, `#alert-${alertId}`);
    await until(() => shows(p, '#handle'), 'the handling form');
    // meanwhile the provincial office handles it
    const first = await call(
      cloud,
      'records',
      {
        action: 'handleAlert',
        actingPositionId: INITIATOR.id,
        alertId,
        outcome: 'contacted',
      },
      INITIATOR.openid,
    );
    expect(first.body.ok).toBe(true);
    await tapOption(p, '#outcome', '已联系');
    await tap(p, '#submit-handle');
    await until(() => textOf(p).includes('该异常已由他人处置'), 'the conflict');
    await until(() => !shows(p, `#row-${alertId}`), 'the list as it is now');
    expect(shows(p, '#detail')).toBe(false);
    expect(cloud.store.get('alerts', alertId)!.doc).toMatchObject({
      handled: { outcome: 'contacted', by: { positionId: INITIATOR.id } },
    });
  });

  it('should reveal the person behind an alert only under a grant, the reason audited', async () => {
    const scanId = await scanAtMarket(scanned, 38.8);
    const alertId = alertOf(scanId);
    const p = await openDesk(changchun);
    await until(() => shows(p, `#row-${alertId}`), 'the alert');
    await tap(p, `#alert-${alertId}`);
    await until(() => shows(p, '#ask-reveal'), 'the reveal offered');
    await tap(p, '#ask-reveal');
    await tap(p, '#confirm-reveal');
    expect(textIn(p, '#detail')).toContain('请填写查阅事由（记入审计）');
    await type(p, '#reveal-reason', '联系发热人员复测体温');
    await tap(p, '#confirm-reveal');
    await until(() => textIn(p, '#detail').includes('您没有有效的查阅授权'), 'no grant');

    const granted = await call(
      cloud,
      'records',
      {
        action: 'grantReveal',
        actingPositionId: INITIATOR.id,
        granteePositionId: changchun.id,
        reason: '授权长春市卫健委联系发热人员',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      },
      INITIATOR.openid,
    );
    expect(granted.body.ok).toBe(true);
    await tap(p, '#confirm-reveal');
    await until(() => shows(p, '#revealed'), 'the identity');
    expect(textIn(p, '#revealed')).toContain(scanned.name);
    expect(textIn(p, '#revealed')).toContain(scanned.idNumber);
    expect(textIn(p, '#revealed')).toContain(scanned.phone);
    expect(auditOf(cloud, 'records.reveal').at(-1)).toMatchObject({
      actorPositionId: changchun.id,
      target: scanId,
      reason: '联系发热人员复测体温',
      details: { outcome: 'revealed' },
    });
    // leaving the detail forgets what was shown
    await tap(p, '#close-detail');
    expect(textOf(p)).not.toContain(scanned.idNumber);
  });
});

describe('admin/agency: the provincial office', () => {
  it('should be one tap from the provincial desk, over the whole province, with no pushes to ask for', async () => {
    resetPhone(INITIATOR.openid);
    const hub = openPage('admin/desk/desk', { positionId: INITIATOR.id });
    await tap(hub, '#open-alerts');
    expect(phone.navigations).toEqual([`/admin/agency/agency?positionId=${INITIATOR.id}`]);
    closePage(hub);

    const p = await openDesk(INITIATOR);
    expect(textIn(p, '#title')).toContain('发起扫码员');
    expect(shows(p, '#subscribe')).toBe(false);
    await tapOption(p, '#tabs', '各地区情况', '.t-tabs__item');
    await until(() => shows(p, '#regions'), 'the figures');
    expect(textIn(p, '#regions')).toContain('吉林省 各地区情况');
    const changchunRow = figures(p, '220100');
    expect(changchunRow[0]).toBe('长春市');
    // every scan of this file was made at the market in 长春市, each one a fever
    expect(Number(changchunRow[1])).toBeGreaterThan(20);
    expect(changchunRow[2]).toBe(changchunRow[1]);
  });
});
