/**
 * 我的吉祥码: the dynamic code, redrawn every 30 seconds from the cached seed (offline too), with the colour
 * named in words, the masked name, a live clock and a moving bar — so that a screenshot is told from a live code.
 * While the code's signed pass holds (API.md 2.3) the QR is JXM2, which a scanner without network can check; the
 * page says until when.
 */
import { codeStep } from '../../core/dynamic-code';
import { parsePass, passUsableAt } from '../../core/signed-pass';
import { colorView, shanghaiClock, type ColorView } from '../../core/views/health-code.view';
import { qrTextAt } from '../../core/code-hmac';
import { callCloud } from '../../services/cloud';
import { cachedCode, refreshCode, type CachedCode } from '../../services/code-cache';

function nameOnPass(code: CachedCode): string {
  return (code.pass ? parsePass(code.pass)?.claims.name : undefined) ?? '';
}

interface CodePage {
  code: CachedCode | null;
  step: number;
  timer: number | null;
}

Component({
  data: {
    state: 'loading' as 'loading' | 'ready' | 'unregistered' | 'unavailable' | 'ended',
    maskedName: '',
    view: null as ColorView | null,
    qrText: '',
    clock: '',
    /** 0–99: the position of the moving bar, one sweep every 2 seconds. */
    sweep: 0,
    updatedAt: '',
    /** Until when the QR carries the signed pass (Shanghai time); empty once it has expired. */
    passUntil: '',
    offline: false,
    message: '',
  },
  lifetimes: {
    attached() {
      void this.load();
    },
    detached() {
      const self = this as unknown as CodePage;
      if (self.timer !== null) clearInterval(self.timer);
    },
  },
  methods: {
    async load() {
      const self = this as unknown as CodePage;
      self.timer = null;
      const profile = await callCloud('citizen', 'profile', {});
      if (!profile.ok && profile.error.code === 'NOT_REGISTERED') {
        this.setData({ state: 'unregistered' });
        return;
      }
      const now = new Date();
      const fresh = await refreshCode(now);
      if (!fresh.ok && fresh.error.code === 'EPIDEMIC_ENDED') {
        this.setData({ state: 'ended', message: fresh.error.message });
        return;
      }
      const code = fresh.ok ? fresh.data : cachedCode(now);
      if (!code) {
        this.setData({ state: 'unavailable', message: fresh.ok ? '' : fresh.error.message });
        return;
      }
      self.code = code;
      this.setData({
        state: 'ready',
        offline: !fresh.ok,
        // offline, the name the code's signed pass carries (masked, API.md 2.3)
        maskedName: profile.ok ? profile.data.masked.name : nameOnPass(code),
        view: colorView(code.color, code.colorReason),
        updatedAt: shanghaiClock(new Date(code.fetchedAt)),
      });
      this.tick();
      self.timer = setInterval(() => this.tick(), 200) as unknown as number;
    },
    /** Every 200 ms: the clock and the bar; at each new 30-second step, a new QR. */
    tick() {
      const self = this as unknown as CodePage;
      if (!self.code) return;
      const now = Date.now();
      const step = codeStep(now);
      const patch: Record<string, unknown> = {
        clock: shanghaiClock(new Date(now)),
        sweep: Math.floor((now % 2000) / 20),
      };
      if (step !== self.step) {
        self.step = step;
        patch.qrText = qrTextAt(self.code, now);
        const pass = passUsableAt(self.code.pass, now) ? parsePass(self.code.pass!) : null;
        patch.passUntil = pass ? shanghaiClock(new Date(pass.claims.exp * 1000)).slice(5, 16) : '';
      }
      this.setData(patch);
    },
    /** Unavailable: the network may be back. */
    retry() {
      this.setData({ state: 'loading', message: '' });
      return this.load();
    },
    goRegister() {
      wx.navigateTo({ url: '/pages/register/register' });
    },
    goCheckIn() {
      wx.navigateTo({ url: '/pages/check-in/check-in' });
    },
    goHistory() {
      wx.navigateTo({ url: '/pages/history/history' });
    },
    goScanner() {
      wx.navigateTo({ url: '/scanner/roles/roles' });
    },
    goClaim() {
      wx.navigateTo({ url: '/scanner/claim/claim' });
    },
    /** Rule 9: a unit's application for its senior scanner, and where the caller's own applications stand. */
    goApplications() {
      wx.navigateTo({ url: '/admin/my-applications/my-applications' });
    },
  },
});
