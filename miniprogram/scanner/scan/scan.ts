/**
 * 扫码测温登记 at the gate (rules 4, 5, 18): pick the temperature (common values one tap away), scan the code,
 * read the result at arm's length. Without network a scan is kept on the device with its scanId and time and
 * sent exactly once when the network returns.
 */
import { GUEST_CATEGORIES, type GuestCategory, type ScanReplies } from '../../core/contracts/scan.contract';
import { COLOR_NAMES, FEVER_THRESHOLD_C } from '../../core/health-code.rules';
import { fieldHints } from '../../core/views/form-errors.view';
import { decisionText } from '../../core/views/health-code.view';
import { callCloud } from '../../services/cloud';
import { newScanId } from '../../services/random';
import { enqueueScan, pendingScans, syncScans, type RecordParams } from '../../services/scan-queue';

const COMMON_TEMPERATURES = [36.0, 36.2, 36.4, 36.5, 36.6, 36.8, 37.0, 37.3, 37.5, 38.0];
const CATEGORY_LABELS: Record<GuestCategory, string> = {
  elderly: '老人',
  child: '儿童',
  disabled: '残障人士',
  foreigner: '外籍人士',
  other: '其他',
};

interface Result {
  color: string;
  colorName: string;
  decision: string;
  allow: boolean;
  name: string;
  note: string;
}

function resultOf(reply: ScanReplies['record']): Result {
  return {
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
      fever: t >= FEVER_THRESHOLD_C,
    })),
    temperature: 36.5,
    /** Always with one decimal, as a thermometer reads: 38.0, not 38. */
    temperatureText: '36.5',
    customTemperature: '',
    result: null as Result | null,
    message: '',
    pending: 0,
    busy: false,
    guestMode: false,
    guest: { name: '', category: 'elderly' as GuestCategory, idNumber: '', phone: '' },
    categories: GUEST_CATEGORIES.map((value) => ({ value, label: CATEGORY_LABELS[value] })),
    hints: {} as Record<string, string>,
  },
  lifetimes: {
    attached() {
      this.setData({ pending: pendingScans().length });
      const self = this as unknown as { onNetwork: WechatMiniprogram.OnNetworkStatusChangeCallback };
      self.onNetwork = (res) => {
        if (res.isConnected) void this.sync();
      };
      wx.onNetworkStatusChange(self.onNetwork);
      if (pendingScans().length) void this.sync();
    },
    detached() {
      const self = this as unknown as { onNetwork: WechatMiniprogram.OnNetworkStatusChangeCallback };
      wx.offNetworkStatusChange(
        self.onNetwork as unknown as WechatMiniprogram.OffNetworkStatusChangeCallback,
      );
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
      this.setData({ temperature, temperatureText: temperature.toFixed(1), customTemperature: '' });
    },
    onCustomTemperature(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const value = Number(e.detail.value);
      const valid = Number.isFinite(value) && value > 0;
      this.setData({
        customTemperature: e.detail.value,
        ...(valid ? { temperature: value, temperatureText: value.toFixed(1) } : {}),
      });
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
    scanCode() {
      wx.scanCode({
        onlyFromCamera: true,
        scanType: ['qrCode'],
        success: (res) => void this.submit({ qr: res.result }),
        fail: () => undefined,
      });
    },
    registerGuest() {
      const g = this.data.guest;
      return this.submit({
        guest: {
          name: g.name,
          category: g.category,
          ...(g.idNumber.trim() ? { idNumber: g.idNumber.trim() } : {}),
          ...(g.phone.trim() ? { phone: g.phone.trim() } : {}),
        },
      });
    },
    async submit(subject: Pick<RecordParams, 'qr' | 'guest'>) {
      if (this.data.busy) return;
      this.setData({ busy: true, message: '', hints: {} });
      // the server's clock decides an online scan; the phone's time travels only with a scan kept offline
      const takenAt = new Date();
      const params: RecordParams = {
        positionId: this.data.positionId,
        scanId: await newScanId(),
        temperature: this.data.temperature,
        ...subject,
      };
      const reply = await callCloud('scan', 'record', params);
      if (reply.ok) {
        this.setData({ busy: false, result: resultOf(reply.data), guestMode: false });
        wx.vibrateShort({ type: reply.data.decision === 'allow' ? 'light' : 'heavy' });
        return;
      }
      if (reply.error.code === 'NETWORK') {
        const queue = enqueueScan({ ...params, scannedAt: takenAt.toISOString() }, new Date());
        this.setData({
          busy: false,
          pending: queue.length,
          result: null,
          message: '网络不可用：本次登记已保存在手机上，联网后自动上报。',
        });
        return;
      }
      this.setData({
        busy: false,
        result: null,
        message: reply.error.message,
        hints: fieldHints(reply.error.fields),
      });
    },
    async sync() {
      // one sync at a time: a second trigger while one runs would send the same scans twice
      const self = this as unknown as { syncing?: Promise<unknown> };
      if (self.syncing) return;
      const running = syncScans();
      self.syncing = running;
      const { synced, remaining } = await running.finally(() => (self.syncing = undefined));
      const refused = synced.filter((s) => s.error).length;
      this.setData({
        pending: remaining,
        message: synced.length
          ? `已同步 ${synced.length - refused} 条离线登记${refused ? `，${refused} 条被拒绝` : ''}`
          : this.data.message,
      });
    },
  },
});
