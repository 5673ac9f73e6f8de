/**
 * 扫码测温登记 at the gate (rules 4, 5, 7, 18): pick this person's temperature (common values one tap away; nothing
 * is preselected and the reading resets after every scan, so a reading nobody took never clears a code), scan the
 * code, read the result at arm's length. The page follows the phone's location and sends it with every scan
 * (rule 7). Someone who will not be scanned, or forces their way in, is recorded with one tap (rule 18). Without
 * network a scan or refusal is kept on the device with its scanId, time and location and sent exactly once when the
 * network returns; a scan is decided there and then from the code's signed pass and the province's keys cached on
 * the phone (API.md 2.3, rule 16), and the screen says allow or deny and why.
 */
import {
  GUEST_CATEGORIES,
  type GuestCategory,
  type RefusalReason,
  type ScanReplies,
} from '../../core/contracts/scan.contract';
import { shanghaiDate } from '../../core/calendar';
import { ERROR_MESSAGES } from '../../core/errors';
import { FIX_SEND_MAX_AGE_MS } from '../../core/geo';
import { checkGuestIdentity } from '../../core/guest';
import { COLOR_NAMES, FEVER_THRESHOLD_C, PLAUSIBLE_TEMPERATURE_C } from '../../core/health-code.rules';
import { fieldHints } from '../../core/views/form-errors.view';
import { decisionText } from '../../core/views/health-code.view';
import { callCloud } from '../../services/cloud';
import { newScanId } from '../../services/random';
import {
  askForLocationInSettings,
  watchLocation,
  type LiveFix,
  type LocationWatch,
} from '../../services/location';
import {
  enqueueRefusal,
  enqueueScan,
  pendingScans,
  syncScans,
  type RecordParams,
} from '../../services/scan-queue';
import { decideOffline, guestOfflineDecision, offlineResultView } from '../core/offline-gate';
import { refusedItemOf, syncedText, type RefusedItem } from '../core/sync.view';
import { cachedPassKeys, refreshPassKeys } from '../services/pass-keys';

const COMMON_TEMPERATURES = [36.0, 36.2, 36.4, 36.5, 36.6, 36.8, 37.0, 37.3, 37.5, 38.0];
const CATEGORY_LABELS: Record<GuestCategory, string> = {
  elderly: '老人',
  child: '儿童',
  disabled: '残障人士',
  foreigner: '外籍人士',
  other: '其他',
};

const REFUSAL_TEXT: Record<RefusalReason, { confirm: string; done: string }> = {
  refused_scan: { confirm: '记录：此人拒绝扫码登记？', done: '已记录：拒绝扫码（未登记身份）' },
  forced_entry: { confirm: '记录：此人强行闯入？将同时上报上级。', done: '已记录强行闯入，并已上报' },
};

/** The guest form as it opens: nobody's details (the last guest's never show to the next). */
const NO_GUEST = { name: '', category: 'elderly' as GuestCategory, idNumber: '', phone: '', document: '' };

/** What the custom reading says when a thermometer could not show it (API.md: 34–43 °C, TEMPERATURE_INVALID). */
const TEMPERATURE_RANGE_HINT = `体温应在 ${PLAUSIBLE_TEMPERATURE_C.min.toFixed(1)}–${PLAUSIBLE_TEMPERATURE_C.max.toFixed(1)} ℃ 之间`;

const LOCATION_REFUSED =
  '无法获取位置：扫码须核对您在站点范围内。请点“开启定位”，在设置中允许使用位置信息；并确认手机定位已打开。';

/** What the page keeps outside `data`: the location watch and the newest fix. */
interface PageState {
  watch?: LocationWatch;
  live?: LiveFix;
  onNetwork?: WechatMiniprogram.OnNetworkStatusChangeCallback;
  syncing?: Promise<unknown>;
}

interface Result {
  color: string;
  colorName: string;
  decision: string;
  allow: boolean;
  name: string;
  note: string;
  /** Decided on the phone without network (API.md 2.3). */
  offline: boolean;
}

function resultOf(reply: ScanReplies['record']): Result {
  return {
    offline: false,
    color: reply.color,
    colorName: COLOR_NAMES[reply.color],
    decision: decisionText(reply.decision),
    allow: reply.decision === 'allow',
    name: reply.person.name,
    note: [
      reply.duplicate ? '重复提交，已按首次结果处理' : '',
      reply.replayed ? '该码疑似截图转发，已上报' : '',
    ]
      .filter(Boolean)
      .join(' · '),
  };
}

Component({
  data: {
    positionId: '',
    temperatures: COMMON_TEMPERATURES.map((t) => ({
      value: t,
      label: t.toFixed(1),
      /** For the node's id: 36.5 → 365. */
      key: Math.round(t * 10),
      fever: t >= FEVER_THRESHOLD_C,
    })),
    /** This person's reading; null until one is chosen, and again after every scan. */
    temperature: null as number | null,
    /** Always with one decimal, as a thermometer reads: 38.0, not 38. */
    temperatureText: '未选择',
    /** waiting | ok | refused: the phone's location, which every scan carries. */
    locationState: 'waiting' as 'waiting' | 'ok' | 'refused',
    customTemperature: '',
    result: null as Result | null,
    message: '',
    pending: 0,
    busy: false,
    guestMode: false,
    guest: NO_GUEST,
    categories: GUEST_CATEGORIES.map((value) => ({ value, label: CATEGORY_LABELS[value] })),
    hints: {} as Record<string, string>,
    /** Queued scans the cloud refused at a sync: each shown until the scanner has read them. */
    refused: [] as RefusedItem[],
  },
  lifetimes: {
    attached() {
      this.setData({ pending: pendingScans().length });
      const self = this as unknown as PageState;
      self.onNetwork = (res) => {
        if (res.isConnected) void this.sync();
      };
      wx.onNetworkStatusChange(self.onNetwork);
      this.followLocation();
      // the page opens after going on duty: the keys that check passes without network are refreshed each time
      void refreshPassKeys(new Date());
      if (pendingScans().length) void this.sync();
    },
    detached() {
      const self = this as unknown as PageState;
      wx.offNetworkStatusChange(
        self.onNetwork as unknown as WechatMiniprogram.OffNetworkStatusChangeCallback,
      );
      self.watch?.stop();
    },
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ positionId: query.positionId ?? '' });
    },
    pickTemperature(
      e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { value: number }>,
    ) {
      const temperature = e.currentTarget.dataset.value;
      this.setData({
        temperature,
        temperatureText: temperature.toFixed(1),
        customTemperature: '',
        'hints.temperature': '',
      });
    },
    /**
     * A reading typed in counts only within what a thermometer shows (34–43 °C): anything else chooses nothing, and
     * says why — it would be refused as TEMPERATURE_INVALID, and a scan kept offline would let someone through on it.
     */
    onCustomTemperature(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const text = e.detail.value;
      const value = Number(text);
      if (!text.trim()) {
        this.setData({ customTemperature: text, 'hints.temperature': '' });
        return;
      }
      const plausible =
        Number.isFinite(value) &&
        value >= PLAUSIBLE_TEMPERATURE_C.min &&
        value <= PLAUSIBLE_TEMPERATURE_C.max;
      this.setData({
        customTemperature: text,
        'hints.temperature': plausible ? '' : TEMPERATURE_RANGE_HINT,
        ...(plausible
          ? { temperature: value, temperatureText: value.toFixed(1) }
          : { temperature: null, temperatureText: '未选择' }),
      });
    },
    followLocation() {
      const self = this as unknown as PageState;
      self.watch?.stop();
      self.watch = watchLocation(
        (live) => {
          self.live = live;
          if (this.data.locationState !== 'ok') {
            this.setData({
              locationState: 'ok',
              message: this.data.message === LOCATION_REFUSED ? '' : this.data.message,
            });
          }
        },
        () => this.setData({ locationState: 'refused', message: LOCATION_REFUSED }),
      );
    },
    async openLocationSettings() {
      if (await askForLocationInSettings()) this.followLocation();
    },
    /** The newest fix, if recent enough to stand for where the scanner is now. */
    currentFix() {
      const live = (this as unknown as PageState).live;
      return live && Date.now() - live.at <= FIX_SEND_MAX_AGE_MS ? live.fix : undefined;
    },
    toggleGuest() {
      this.setData({ guestMode: !this.data.guestMode, hints: {}, message: '' });
    },
    onGuestField(
      e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { field: string }>,
    ) {
      this.setData({ [`guest.${e.currentTarget.dataset.field}`]: e.detail.value });
    },
    onCategory(e: WechatMiniprogram.CustomEvent<{ value: GuestCategory }>) {
      this.setData({ 'guest.category': e.detail.value });
    },
    /** A scan needs this person's temperature, chosen for them: nothing is assumed. */
    readingChosen(): boolean {
      if (this.data.temperature !== null) return true;
      this.setData({ message: '请先为此人测温并选择体温', result: null });
      return false;
    },
    scanCode() {
      if (!this.readingChosen()) return;
      wx.scanCode({
        onlyFromCamera: true,
        scanType: ['qrCode'],
        success: (res) => void this.submit({ qr: res.result }),
        fail: () => undefined,
      });
    },
    registerGuest() {
      if (!this.readingChosen()) return;
      const g = this.data.guest;
      const guest = {
        name: g.name,
        category: g.category,
        ...(g.idNumber.trim() ? { idNumber: g.idNumber.trim() } : {}),
        ...(g.phone.trim() ? { phone: g.phone.trim() } : {}),
        // a foreigner's passport or other document (API.md guest.document); the field shows for 外籍人士 only
        ...(g.category === 'foreigner' && g.document.trim() ? { document: g.document.trim() } : {}),
      };
      // checked here as the server checks it: a guest kept offline is let through before the server sees it
      const checked = checkGuestIdentity(guest, shanghaiDate(new Date()));
      if (!checked.ok) {
        this.setData({
          result: null,
          message: ERROR_MESSAGES.GUEST_INVALID,
          hints: fieldHints(checked.fields),
        });
        return;
      }
      return this.submit({ guest });
    },
    async submit(subject: Pick<RecordParams, 'qr' | 'guest'>) {
      if (this.data.busy) return;
      this.setData({ busy: true, message: '', hints: {} });
      // the server's clock decides an online scan; the phone's time travels only with a scan kept offline
      const takenAt = new Date();
      const location = this.currentFix();
      const params: RecordParams = {
        positionId: this.data.positionId,
        scanId: await newScanId(),
        temperature: this.data.temperature!,
        ...(location ? { location } : {}),
        ...subject,
      };
      // the reading was this person's: the next person gets their own
      this.setData({ temperature: null, temperatureText: '未选择', customTemperature: '' });
      const reply = await callCloud('scan', 'record', params);
      if (reply.ok) {
        this.setData({ busy: false, result: resultOf(reply.data), guestMode: false, guest: NO_GUEST });
        wx.vibrateShort({ type: reply.data.decision === 'allow' ? 'light' : 'heavy' });
        return;
      }
      if (reply.error.code === 'NETWORK') {
        this.decideOffline(params, takenAt);
        return;
      }
      this.setData({
        busy: false,
        result: null,
        message: reply.error.message,
        hints: fieldHints(reply.error.fields),
      });
    },
    /**
     * No network (API.md 2.3): the pass decides, under the cached keys, on the phone's clock; a person without a code
     * as online (bw, allowed below 37.3 °C). The scan joins the queue with what was decided and why.
     */
    decideOffline(params: RecordParams, takenAt: Date) {
      const verdict =
        params.qr !== undefined
          ? decideOffline(params.qr, params.temperature, cachedPassKeys(), takenAt.getTime())
          : guestOfflineDecision(params.temperature);
      if (!verdict) {
        this.setData({ busy: false, result: null, message: '无法识别：这不是吉祥码，请持码人出示吉祥码。' });
        return;
      }
      const offline = { decision: verdict.decision, ...(verdict.reason ? { reason: verdict.reason } : {}) };
      const queue = enqueueScan({ ...params, scannedAt: takenAt.toISOString(), offline }, new Date());
      this.setData({
        busy: false,
        pending: queue.length,
        guestMode: false,
        guest: NO_GUEST,
        result: offlineResultView(verdict, params.guest?.name),
        message: '网络不可用：本次登记已保存在手机上，联网后自动上报。',
      });
      wx.vibrateShort({ type: verdict.decision === 'allow' ? 'light' : 'heavy' });
    },
    refuseScan() {
      return this.refusal('refused_scan');
    },
    forcedEntry() {
      return this.refusal('forced_entry');
    },
    async refusal(reason: RefusalReason) {
      if (this.data.busy) return;
      const confirmed = await new Promise<boolean>((resolve) =>
        wx.showModal({
          title: '拒绝或闯入登记',
          content: REFUSAL_TEXT[reason].confirm,
          success: (res) => resolve(res.confirm),
          fail: () => resolve(false),
        }),
      );
      if (!confirmed) return;
      this.setData({ busy: true, message: '', hints: {}, result: null });
      const takenAt = new Date();
      const params = { positionId: this.data.positionId, scanId: await newScanId(), reason };
      const reply = await callCloud('scan', 'refusal', params);
      if (reply.ok) {
        this.setData({ busy: false, message: REFUSAL_TEXT[reason].done });
        return;
      }
      if (reply.error.code === 'NETWORK') {
        const queue = enqueueRefusal({ ...params, scannedAt: takenAt.toISOString() }, new Date());
        this.setData({
          busy: false,
          pending: queue.length,
          message: '网络不可用：本次记录已保存在手机上，联网后自动上报。',
        });
        return;
      }
      this.setData({ busy: false, message: reply.error.message });
    },
    async sync() {
      // one sync at a time: a second trigger while one runs would send the same scans twice
      const self = this as unknown as PageState;
      if (self.syncing) return;
      const running = syncScans();
      self.syncing = running;
      const { synced, remaining } = await running.finally(() => (self.syncing = undefined));
      const refused = synced.filter((s) => s.error).map(refusedItemOf);
      this.setData({
        pending: remaining,
        refused: [...this.data.refused, ...refused],
        message: synced.length
          ? syncedText(synced.length - refused.length, refused.length)
          : this.data.message,
      });
    },
    dismissRefused() {
      this.setData({ refused: [] });
    },
  },
});
