/**
 * The citizen's pages (main package): registration with field errors, the live code in all its states, the daily
 * check-in, and the scan history — through miniprogram-simulate, the real TDesign and the local cloud.
 */
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { idNumberOf, personOf } from '../helpers/identities';
import {
  closePage,
  openPage,
  phone,
  resetPhone,
  startCloud,
  stopCloud,
  textOf,
  until,
  type PageInstance,
} from './harness';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startCloud();
});
afterAll(stopCloud);

/** Types into a TDesign t-input the way its change event reports it. */
function type(page: PageInstance, field: string, value: string) {
  (page.instance as unknown as { onField(e: unknown): void }).onField({
    detail: { value },
    currentTarget: { dataset: { field } },
  });
}

const tap = (page: PageInstance, method: string) =>
  (page.instance as unknown as Record<string, () => Promise<void> | void>)[method]();

describe('pages/register', () => {
  it('should register and go on to the code', async () => {
    resetPhone('reg-page');
    const page = openPage('pages/register/register');
    const me = personOf(4001);
    type(page, 'name', me.name);
    type(page, 'idNumber', me.idNumber);
    type(page, 'phone', me.phone);
    await tap(page, 'submit');
    expect(phone.navigations).toEqual(['/pages/code/code']);
    expect(cloud.store.find('persons', { openid: 'reg-page' }).docs).toHaveLength(1);
  });

  it('should fill the phone from WeChat’s getPhoneNumber, and keep typed entry when it is declined', async () => {
    resetPhone('reg-page-phone');
    const page = openPage('pages/register/register');
    expect(textOf(page)).toContain('使用微信绑定的手机号');
    const onPhoneNumber = (page.instance as unknown as { onPhoneNumber(e: unknown): Promise<void> })
      .onPhoneNumber;
    await onPhoneNumber.call(page.instance, { detail: {} });
    expect(page.data.form.phone).toBe('');
    await onPhoneNumber.call(page.instance, { detail: { code: 'local-phone:13912345678' } });
    expect(page.data.form.phone).toBe('13912345678');
  });

  it('should show the cloud’s reasons under each wrong field', async () => {
    resetPhone('reg-page-bad');
    const page = openPage('pages/register/register');
    type(page, 'name', '张建国');
    type(page, 'idNumber', idNumberOf(5).slice(0, 17) + (idNumberOf(5).endsWith('1') ? '2' : '1'));
    type(page, 'phone', '12345');
    await tap(page, 'submit');
    expect(page.data.message).toBe('身份证号码校验失败');
    expect(page.data.hints).toEqual({ idNumber: '校验位错误，请核对号码', phone: '格式不正确' });
    expect(textOf(page)).toContain('校验位错误，请核对号码');
    expect(phone.navigations).toEqual([]);
  });
});

describe('pages/code', () => {
  it('should invite an unregistered user to register', async () => {
    resetPhone('code-nobody');
    const page = openPage('pages/code/code');
    await until(() => page.data.state === 'unregistered', 'the register invitation');
    expect(textOf(page)).toContain('实名注册领取吉祥码');
    tap(page, 'goRegister');
    expect(phone.navigations).toEqual(['/pages/register/register']);
  });

  it('should keep showing a live code offline from the cached seed', async () => {
    resetPhone('code-offline');
    await cloud.functions.invoke(
      'citizen',
      { action: 'register', ...personOf(4002) },
      { openid: 'code-offline' },
    );
    const online = openPage('pages/code/code');
    await until(() => online.data.state === 'ready', 'the code online');
    const onlineCodeId = (online.data.qrText as string).split('.')[1];
    closePage(online);
    phone.online = false;
    const offline = openPage('pages/code/code');
    await until(() => offline.data.state !== 'loading', 'the code offline');
    expect(offline.data.state).toBe('ready');
    expect(offline.data.offline).toBe(true);
    expect((offline.data.qrText as string).split('.')[1]).toBe(onlineCodeId);
    expect(textOf(offline)).toContain('离线显示');
    closePage(offline);
  });

  it('should explain a black-and-white code in words', async () => {
    resetPhone('code-bw');
    cloud.faults.set('national', 'down');
    try {
      await cloud.functions.invoke(
        'citizen',
        { action: 'register', ...personOf(4003) },
        { openid: 'code-bw' },
      );
      const page = openPage('pages/code/code');
      await until(() => page.data.state === 'ready', 'the bw code');
      expect(textOf(page)).toContain('黑白码');
      expect(textOf(page)).toContain('仅记录行程');
      closePage(page);
    } finally {
      cloud.faults.set('national', 'up');
    }
  });
});

describe('pages/check-in', () => {
  it('should check in once a day and refuse an implausible temperature', async () => {
    resetPhone('checkin-page');
    await cloud.functions.invoke(
      'citizen',
      { action: 'register', ...personOf(4004) },
      { openid: 'checkin-page' },
    );
    const page = openPage('pages/check-in/check-in');
    const inst = page.instance as unknown as {
      onSymptoms(e: unknown): void;
      onTemperature(e: unknown): void;
      submit(): Promise<void>;
    };
    inst.onSymptoms({ detail: { value: ['none', 'cough'] } });
    expect(page.data.symptoms).toEqual(['cough']);
    inst.onTemperature({ detail: { value: '45' } });
    await inst.submit();
    expect(page.data.message).toBe('体温数值不合理，请重新测量');
    expect(page.data.hints).toEqual({ temperature: '数值超出范围' });
    inst.onTemperature({ detail: { value: '36.6' } });
    await inst.submit();
    expect(page.data.done).toMatch(/已打卡 · 当前绿码$/);
    expect(phone.toasts).toEqual(['打卡成功']);
  });
});

describe('pages/history', () => {
  it('should list my scans, or say there are none', async () => {
    resetPhone('history-page');
    await cloud.functions.invoke(
      'citizen',
      { action: 'register', ...personOf(4005) },
      { openid: 'history-page' },
    );
    const page = openPage('pages/history/history');
    await until(() => page.data.loading === false, 'the history');
    expect(textOf(page)).toContain('还没有扫码记录');
  });
});
