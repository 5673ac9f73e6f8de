/**
 * The citizen's pages of the main package — registration with its field errors, the daily check-in, the scan
 * history — driven as a finger does: typing into the rendered fields, tapping the rendered buttons, reading what
 * the page shows afterwards (miniprogram-simulate, the real TDesign, the in-process local cloud).
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { idNumberOf, personOf } from '../helpers/identities';
import { citizenWithCode, newScanId, onDuty, buildWorld } from '../helpers/world';
import { answerPhoneNumber, flip, isRendered, tapOption, textIn, valueIn } from './citizen-helpers';
import {
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
} from './harness';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startCloud();
});
afterAll(stopCloud);

async function register(openid: string, n: number) {
  const reply = await cloud.functions.invoke('citizen', { action: 'register', ...personOf(n) }, { openid });
  expect(reply).toMatchObject({ ok: true });
}

describe('pages/register', () => {
  it('should register and go on to the code', async () => {
    resetPhone('reg-page');
    const page = openPage('pages/register/register');
    const me = personOf(4001);
    await type(page, '#name', me.name);
    await type(page, '#id-number', me.idNumber);
    await type(page, '#phone', me.phone);
    await tap(page, '#submit');
    await until(() => phone.navigations.length > 0, 'the way on');
    expect(phone.navigations).toEqual(['/pages/code/code']);
    expect(cloud.store.find('persons', { openid: 'reg-page' }).docs).toHaveLength(1);
    closePage(page);
  });

  it('should fill the phone from WeChat’s getPhoneNumber, and keep typed entry when it is declined', async () => {
    resetPhone('reg-page-phone');
    const page = openPage('pages/register/register');
    expect(textIn(page, '#wx-phone')).toBe('使用微信绑定的手机号');
    await answerPhoneNumber(page, '#wx-phone', {});
    expect(valueIn(page, '#phone')).toBe('');
    expect(phone.cloudCalls).toEqual([]);
    await answerPhoneNumber(page, '#wx-phone', { code: 'local-phone:13912345678' });
    await until(() => valueIn(page, '#phone') === '13912345678', 'the phone from WeChat');
    closePage(page);
  });

  it('should show the cloud’s reasons under each wrong field, and clear a hint when the field is typed again', async () => {
    resetPhone('reg-page-bad');
    const page = openPage('pages/register/register');
    const wrongCheckDigit = idNumberOf(5).slice(0, 17) + (idNumberOf(5).endsWith('1') ? '2' : '1');
    await type(page, '#name', '张建国');
    await type(page, '#id-number', wrongCheckDigit);
    await type(page, '#phone', '12345');
    await tap(page, '#submit');
    await until(() => isRendered(page, '#message'), 'the refusal');
    expect(textIn(page, '#message')).toBe('身份证号码校验失败');
    expect(textIn(page, '#id-number')).toContain('校验位错误，请核对号码');
    expect(textIn(page, '#phone')).toContain('格式不正确');
    expect(textIn(page, '#name')).not.toContain('格式不正确');
    await type(page, '#phone', '13912345678');
    expect(textIn(page, '#phone')).not.toContain('格式不正确');
    expect(textIn(page, '#id-number')).toContain('校验位错误');
    expect(phone.navigations).toEqual([]);
    closePage(page);
  });
});

describe('pages/check-in', () => {
  it('should check in once a day and refuse an implausible temperature', async () => {
    resetPhone('checkin-page');
    await register('checkin-page', 4004);
    const page = openPage('pages/check-in/check-in');
    // "无不适" and a symptom exclude each other: the latest choice wins
    expect(valueIn(page, '#symptoms')).toEqual(['none']);
    await tapOption(page, '#symptoms', '咳嗽');
    expect(valueIn(page, '#symptoms')).toEqual(['cough']);
    await tapOption(page, '#symptoms', '乏力');
    expect(valueIn(page, '#symptoms')).toEqual(['cough', 'fatigue']);
    await tapOption(page, '#symptoms', '无不适');
    expect(valueIn(page, '#symptoms')).toEqual(['none']);
    await type(page, '#temperature', '45');
    await tap(page, '#submit');
    await until(() => isRendered(page, '#message'), 'the refusal');
    expect(textIn(page, '#message')).toBe('体温数值不合理，请重新测量');
    expect(textIn(page, '#temperature')).toContain('数值超出范围');
    await type(page, '#temperature', '36.6');
    expect(textIn(page, '#temperature')).not.toContain('数值超出范围');
    await flip(page, '#contact');
    expect(valueIn(page, '#contact')).toBe(true);
    await type(page, '#travel', '长春—吉林');
    await tap(page, '#submit');
    await until(() => isRendered(page, '#done'), 'the check-in');
    expect(textIn(page, '#done')).toMatch(/^\d{4}-\d{2}-\d{2} 已打卡 · 当前绿码$/);
    expect(phone.toasts).toEqual(['打卡成功']);
    const [stored] = cloud.store.find('checkins', {}).docs.filter((d) => d.temperature === 36.6);
    expect(stored).toMatchObject({ symptoms: ['none'], contact: true });
    closePage(page);
  });
});

describe('pages/history', () => {
  it('should say there are no scans yet', async () => {
    resetPhone('history-page');
    await register('history-page', 4005);
    const page = openPage('pages/history/history');
    await until(() => isRendered(page, '#none'), 'the empty history');
    expect(textOf(page)).toContain('还没有扫码记录');
    closePage(page);
  });

  it('should list my scans with the site, the colour in words, the temperature and the decision', async () => {
    const world = await buildWorld(cloud, 'page-initiator', 'historypage');
    await onDuty(cloud, world.ordinary);
    const me = await citizenWithCode(cloud, 'history-scanned');
    const scanId = newScanId();
    const scanned = await cloud.functions.invoke(
      'scan',
      { action: 'record', positionId: world.ordinary.id, scanId, qr: me.qrAt(Date.now()), temperature: 36.5 },
      { openid: world.ordinary.openid },
    );
    expect(scanned).toMatchObject({ ok: true });
    resetPhone('history-scanned');
    const page = openPage('pages/history/history');
    await until(() => isRendered(page, `#scan-${scanId}`), 'the scan');
    const row = textIn(page, `#scan-${scanId}`);
    expect(row).toContain('长春站');
    expect(row).toContain('绿码 · 36.5℃ · 准予通行');
    expect(isRendered(page, '#none')).toBe(false);
    expect(isRendered(page, '#more')).toBe(false);
    closePage(page);
  });
});
