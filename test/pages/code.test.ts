/**
 * 我的吉祥码 (pages/code): the live code a citizen shows at the gate, driven as a finger does — the colour in words,
 * one explanation of what the colour means and what ends it (orange: the quarantine's release; bw: the national
 * platform answering again), the ways on to the citizen's other duties, and the end of the epidemic period.
 */
import jsQR from 'jsqr';
import { parsePass } from '../../miniprogram/core/signed-pass';
import type { LocalCloud } from '../../tools/local-cloud/local-cloud';
import { personOf } from '../helpers/identities';
import { textIn } from './citizen-helpers';
import {
  closePage,
  openPage,
  phone,
  resetPhone,
  startCloud,
  stopCloud,
  tap,
  textOf,
  until,
  type DrawnCanvas,
  type PageInstance,
} from './harness';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startCloud();
});
afterAll(stopCloud);
afterEach(() => {
  cloud.clock.set({ offsetMs: 0 });
  cloud.faults.set('national', 'up');
});

async function register(openid: string, n: number) {
  const me = personOf(n);
  const reply = await cloud.functions.invoke('citizen', { action: 'register', ...me }, { openid });
  expect(reply).toMatchObject({ ok: true });
  return me;
}

const maskedName = (n: number) => {
  const { name } = personOf(n);
  return name[0] + '*'.repeat(name.length - 1);
};

/** Opens the code page as `openid` and waits until the code (or what stands instead) is shown. */
async function codePage(openid: string): Promise<PageInstance> {
  resetPhone(openid);
  const page = openPage('pages/code/code');
  await until(() => !textOf(page).includes('正在加载'), 'the code page');
  return page;
}

/** How often a text is on the page: an explanation is given once. */
const timesOn = (page: PageInstance, text: string) => textOf(page).split(text).length - 1;

describe('pages/code: the code', () => {
  it('should show the colour in words, the masked name, a live clock, a QR and why it is green', async () => {
    const me = await register('code-green', 3001);
    const page = await codePage('code-green');
    expect(textIn(page, '#color-band')).toBe('绿码可正常通行');
    expect(textIn(page, '#masked-name')).toBe(me.name[0] + '*'.repeat(me.name.length - 1));
    expect(textOf(page)).not.toContain(me.name);
    expect(textIn(page, '#clock')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(textIn(page, '#code-explanation')).toBe('国家政务服务平台核验无异常。');
    // the QR's content is not text a person reads: it is checked as the page holds it
    expect(page.data.qrText).toMatch(/^JXM[12]\.[0-9a-f]{16}\.\d+\.[0-9a-f]{16}/);
    closePage(page);
  });

  it('should invite an unregistered user to register, and let a scanner without a code reach 码上行动', async () => {
    const page = await codePage('code-nobody');
    expect(textOf(page)).toContain('您还没有吉祥码');
    await tap(page, '#register');
    // the initiator's holder needs no citizen code (API.md 2.1): their desks are reached through 码上行动
    await tap(page, '#scanner');
    expect(phone.navigations).toEqual(['/pages/register/register', '/scanner/roles/roles']);
    closePage(page);
  });

  it('should offer a retry when no code can be shown, and show the code once the network is back', async () => {
    await register('code-retry', 3010);
    resetPhone('code-retry');
    phone.online = false;
    const page = openPage('pages/code/code');
    await until(() => textOf(page).includes('暂时无法显示吉祥码'), 'the unavailable state');
    await tap(page, '#scanner');
    expect(phone.navigations).toEqual(['/scanner/roles/roles']);
    phone.online = true;
    await tap(page, '#retry');
    await until(() => textOf(page).includes('绿码'), 'the code after the retry');
    expect(textIn(page, '#masked-name')).toBe(maskedName(3010));
    closePage(page);
  });

  it('should keep showing a live code offline from the cached seed', async () => {
    await register('code-offline', 4002);
    const online = await codePage('code-offline');
    const onlineCodeId = (online.data.qrText as string).split('.')[1];
    closePage(online);
    phone.online = false;
    const offline = openPage('pages/code/code');
    await until(() => textOf(offline).includes('离线显示'), 'the code offline');
    expect(textIn(offline, '#updated')).toMatch(/^离线显示 · 更新于 \d{4}-/);
    expect(textIn(offline, '#color-band')).toContain('绿码');
    expect((offline.data.qrText as string).split('.')[1]).toBe(onlineCodeId);
    // the name as the code's signed pass carries it, masked: the profile cannot be asked offline
    expect(textIn(offline, '#masked-name')).toBe(maskedName(4002));
    closePage(offline);
  });

  it('should lead on to check-in, history, 码上行动, claiming an invitation and a unit’s application', async () => {
    await register('code-ways', 3003);
    const page = await codePage('code-ways');
    for (const id of ['#check-in', '#history', '#scanner', '#claim', '#applications']) await tap(page, id);
    expect(phone.navigations).toEqual([
      '/pages/check-in/check-in',
      '/pages/history/history',
      '/scanner/roles/roles',
      '/scanner/claim/claim',
      '/admin/my-applications/my-applications',
    ]);
    expect(textOf(page)).toContain('我收到了扫码员邀请码');
    expect(textOf(page)).toContain('单位申请高级扫码员');
    closePage(page);
  });
});

describe('pages/code: what ends an orange or a black-and-white code (one explanation each)', () => {
  it('should say what ends an orange code, and turn green once the quarantine is released', async () => {
    const me = personOf(3004);
    cloud.national.set({
      idNumber: me.idNumber,
      status: 'quarantine',
      quarantineUntil: new Date(Date.now() + 3600_000),
    });
    await register('code-orange', 3004);
    const orange = await codePage('code-orange');
    expect(textIn(orange, '#color-band')).toBe('橙码密切接触或隔离期间，请配合防疫管理');
    const explanation = textIn(orange, '#code-explanation');
    expect(explanation).toMatch(/^依规定进行隔离。隔离期满后/);
    expect(explanation).toContain('最近一次健康打卡无症状');
    expect(explanation).toContain('国家平台核验无新的风险');
    expect(explanation).toContain('每小时核对一次，自动恢复绿码');
    // once: the reason is folded into the explanation, not repeated beside it
    expect(timesOn(orange, '依规定进行隔离')).toBe(1);
    closePage(orange);

    // two hours on the quarantine is over; the check-in after it says no symptoms; the hourly release runs
    cloud.clock.set({ offsetMs: 2 * 3600_000 });
    cloud.national.set({ idNumber: me.idNumber, status: 'normal', quarantineUntil: null });
    const checkIn = openPage('pages/check-in/check-in');
    await tap(checkIn, '#submit');
    await until(() => textOf(checkIn).includes('已打卡'), 'the check-in');
    closePage(checkIn);
    await cloud.runTimer('cron', 'quarantineRelease');
    const green = await codePage('code-orange');
    expect(textIn(green, '#color-band')).toBe('绿码可正常通行');
    expect(textIn(green, '#code-explanation')).toBe('隔离期满、无症状且核验无异常，已恢复。');
    closePage(green);
  });

  it('should say a black-and-white code turns to the real colour by itself, once the platform answers', async () => {
    cloud.faults.set('national', 'down');
    await register('code-bw', 4003);
    const bw = await codePage('code-bw');
    expect(textIn(bw, '#color-band')).toBe('黑白码已核实身份，仅记录行程');
    expect(textIn(bw, '#code-explanation')).toBe(
      '国家健康数据平台暂时无法核验您的健康状况。平台恢复应答后，本码自动转为您的实际颜色，无需任何操作。',
    );
    // one explanation: the old second sentence and the colour's reason are not shown beside it
    expect(textOf(bw)).not.toContain('暂未完成国家平台核验');
    expect(timesOn(bw, '仅记录行程')).toBe(1);
    closePage(bw);

    // the platform answers again; the page asks at most once a minute
    cloud.faults.set('national', 'up');
    cloud.clock.set({ offsetMs: 2 * 60_000 });
    const green = await codePage('code-bw');
    expect(textIn(green, '#color-band')).toBe('绿码可正常通行');
    closePage(green);
  });
});

describe('pages/code: the end of the epidemic period (rule 3)', () => {
  it('should say that the period has ended, and show no code, not even the one kept on the phone', async () => {
    await register('code-ended', 3002);
    const before = await codePage('code-ended');
    expect(textIn(before, '#color-band')).toContain('绿码');
    closePage(before);
    process.env.JXM_EPIDEMIC_END = new Date(Date.now() - 1000).toISOString();
    try {
      const page = openPage('pages/code/code');
      await until(() => textOf(page).includes('本次疫情防控期已结束'), 'the end');
      expect(textIn(page, '#ended')).toContain('不再收集');
      expect(page.data.qrText).toBe('');
      expect(phone.storage.get('jxm.code.v1')).toBeNull();
      // what the person did and where they stand stay reachable, and a scanner's desks
      await tap(page, '#history');
      await tap(page, '#scanner');
      expect(phone.navigations).toEqual(['/pages/history/history', '/scanner/roles/roles']);
      closePage(page);
    } finally {
      delete process.env.JXM_EPIDEMIC_END;
    }
  });
});

/**
 * The image the code page drew: the harness's canvas recorded every rectangle the component filled, in device
 * pixels; they are painted here into RGBA pixels (a fresh canvas is transparent black) for jsQR to read.
 */
function pixelsOf(drawn: DrawnCanvas): Uint8ClampedArray {
  const pixels = new Uint8ClampedArray(drawn.width * drawn.height * 4);
  for (const rect of drawn.rects) {
    const rgb = [1, 3, 5].map((i) => parseInt(rect.fill.slice(i, i + 2), 16));
    for (let y = Math.max(0, rect.y); y < Math.min(drawn.height, rect.y + rect.h); y++)
      for (let x = Math.max(0, rect.x); x < Math.min(drawn.width, rect.x + rect.w); x++)
        pixels.set([...rgb, 255], (y * drawn.width + x) * 4);
  }
  return pixels;
}

/** The QR last drawn, as a scanner's camera would read it, and the text the page meant to draw then. */
function drawnQr(page: PageInstance): { decoded: string | null; meant: string; side: number } {
  const drawn = phone.canvases.at(-1)!;
  return {
    decoded: jsQR(pixelsOf(drawn), drawn.width, drawn.height)?.data ?? null,
    meant: page.data.qrText as string,
    side: drawn.width,
  };
}

describe('pages/code: the QR on a canvas, with the signed pass (API.md 2.3)', () => {
  it('should draw JXM2 while the pass holds, and the drawn image should decode to it at the page’s size', async () => {
    await register('code-canvas', 3005);
    const page = await codePage('code-canvas');
    await until(() => (phone.canvases.at(-1)?.rects.length ?? 0) > 100, 'the QR drawn');
    const { decoded, meant, side } = drawnQr(page);
    expect(meant).toMatch(/^JXM2\.[0-9a-f]{16}\.\d+\.[0-9a-f]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
    expect(meant.length).toBeGreaterThan(250);
    // 440 rpx on a 375 px wide phone at 2 device pixels per px
    expect(side).toBe(440);
    expect(decoded).toBe(meant);
    // the citizen is told until when the code can be checked without network
    const exp = parsePass(meant.split('.').slice(4).join('.'))!.claims.exp;
    expect(textIn(page, '#pass-until')).toBe(
      `含离线核验签名，有效至 ${new Date(exp * 1000 + 8 * 3600_000).toISOString().slice(5, 16).replace('T', ' ')}`,
    );
    closePage(page);
  });

  it('should still decode on a small phone (320 px wide)', async () => {
    await register('code-canvas-small', 3006);
    const wx = (globalThis as unknown as { wx: { getWindowInfo: () => Record<string, number> } }).wx;
    const normal = wx.getWindowInfo;
    wx.getWindowInfo = () => ({ ...normal(), windowWidth: 320, screenWidth: 320 });
    try {
      const page = await codePage('code-canvas-small');
      await until(() => (phone.canvases.at(-1)?.rects.length ?? 0) > 100, 'the QR drawn');
      const { decoded, meant, side } = drawnQr(page);
      expect(side).toBe(Math.round(((440 * 320) / 750) * 2));
      expect(decoded).toBe(meant);
      closePage(page);
    } finally {
      wx.getWindowInfo = normal;
    }
  });

  it('should draw JXM1 once the pass has expired, offline, and that image should decode too', async () => {
    await register('code-canvas-expired', 3007);
    const online = await codePage('code-canvas-expired');
    closePage(online);
    // a day and more later, without network: the seed still draws a live code, the pass no longer
    const realNow = Date.now;
    Date.now = () => realNow() + 25 * 3600_000;
    try {
      phone.online = false;
      const page = openPage('pages/code/code');
      await until(() => textOf(page).includes('离线显示'), 'the code offline');
      await until(() => (phone.canvases.at(-1)?.rects.length ?? 0) > 100, 'the QR drawn');
      const { decoded, meant } = drawnQr(page);
      expect(meant).toMatch(/^JXM1\./);
      expect(decoded).toBe(meant);
      expect(textOf(page)).not.toContain('离线核验签名');
      closePage(page);
    } finally {
      Date.now = realNow;
    }
  });
});
