/**
 * 扫码数据 (rules 11, 15): the scans in the acting position's scope, masked, filtered by colour; today's figures;
 * the alerts. Tapping a scan or an alert opens its detail, where — with the provincial office's authorisation —
 * 查看完整身份 asks for the reason and reveals the person behind the scan (every reveal audited with its reason).
 */
import type { RecordsReplies } from '../../core/contracts/records.contract';
import { COLOR_NAMES, type Color } from '../../core/health-code.rules';
import { shanghaiClock, startOfShanghaiDay } from '../../core/calendar';
import { alertLines } from '../core/alerts.view';
import { decisionText } from '../../core/views/health-code.view';
import { callCloud } from '../../services/cloud';
import { alertDetail, scanDetail, type DetailView } from '../core/records.view';
import { revealPerson, revealRequest } from '../services/reveal';

type ScanItem = RecordsReplies['scans']['items'][number];
type AlertItem = RecordsReplies['alerts']['items'][number];

const scanRow = (s: ScanItem) => ({
  id: s.scanId,
  title: `${s.person.name} ${s.person.idNumber}`,
  detail: `${s.site.name} · ${COLOR_NAMES[s.color]} · ${s.temperature}℃ · ${decisionText(s.decision)}`,
  when: shanghaiClock(new Date(s.at)),
  view: scanDetail(s),
});
const alertRow = (a: AlertItem) => ({
  id: a.alertId,
  ...alertLines(a),
  when: shanghaiClock(new Date(a.at)),
  view: alertDetail(a),
});

Component({
  data: {
    actingPositionId: '',
    tab: 'scans' as 'scans' | 'stats' | 'alerts',
    color: '' as Color | '',
    colors: [
      { value: '', label: '全部' },
      ...(['green', 'yellow', 'orange', 'red', 'bw'] as Color[]).map((c) => ({
        value: c,
        label: COLOR_NAMES[c],
      })),
    ],
    scans: [] as ReturnType<typeof scanRow>[],
    next: null as string | null,
    alerts: [] as ReturnType<typeof alertRow>[],
    stats: null as null | {
      total: number;
      fever: number;
      refusals: number;
      colors: Array<{ name: string; count: number }>;
      sites: RecordsReplies['stats']['bySite'];
    },
    /** The scan or alert opened, and the reveal of its person: asked for, with its reason, and the answer. */
    detail: null as DetailView | null,
    asking: false,
    revealReason: '',
    reasonHint: '',
    revealing: false,
    revealed: null as null | { name: string; idNumber: string; phone: string },
    refusal: '',
    message: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ actingPositionId: query.positionId ?? '' });
      void this.loadScans(true);
    },
    onTab(e: WechatMiniprogram.CustomEvent<{ value: 'scans' | 'stats' | 'alerts' }>) {
      this.setData({ tab: e.detail.value, message: '' });
      if (e.detail.value === 'stats') void this.loadStats();
      if (e.detail.value === 'alerts') void this.loadAlerts();
    },
    onColor(
      e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { value: Color | '' }>,
    ) {
      this.setData({ color: e.currentTarget.dataset.value });
      void this.loadScans(true);
    },
    async loadScans(fresh: boolean) {
      const cursor = fresh ? null : this.data.next;
      const reply = await callCloud('records', 'scans', {
        actingPositionId: this.data.actingPositionId,
        ...(this.data.color ? { color: this.data.color } : {}),
        ...(cursor ? { cursor } : {}),
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message });
        return;
      }
      const rows = reply.data.items.map(scanRow);
      this.setData({ scans: fresh ? rows : [...this.data.scans, ...rows], next: reply.data.next });
    },
    more() {
      void this.loadScans(false);
    },
    async loadStats() {
      const now = new Date();
      const reply = await callCloud('records', 'stats', {
        actingPositionId: this.data.actingPositionId,
        from: startOfShanghaiDay(now).toISOString(),
        to: now.toISOString(),
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message });
        return;
      }
      const colors = (Object.entries(reply.data.byColor) as Array<[Color, number]>).map(([c, count]) => ({
        name: COLOR_NAMES[c],
        count,
      }));
      this.setData({
        stats: {
          total: reply.data.total,
          fever: reply.data.fever,
          refusals: reply.data.refusals,
          colors,
          sites: reply.data.bySite,
        },
      });
    },
    async loadAlerts() {
      const reply = await callCloud('records', 'alerts', { actingPositionId: this.data.actingPositionId });
      if (!reply.ok) {
        this.setData({ message: reply.error.message });
        return;
      }
      this.setData({ alerts: reply.data.items.map(alertRow) });
    },
    openScan(
      e: WechatMiniprogram.CustomEvent<Record<string, never>, Record<string, never>, { index: number }>,
    ) {
      this.openDetail(this.data.scans[e.currentTarget.dataset.index]!.view);
    },
    openAlert(
      e: WechatMiniprogram.CustomEvent<Record<string, never>, Record<string, never>, { index: number }>,
    ) {
      this.openDetail(this.data.alerts[e.currentTarget.dataset.index]!.view);
    },
    openDetail(detail: DetailView) {
      this.setData({
        detail,
        asking: false,
        revealReason: '',
        reasonHint: '',
        revealed: null,
        refusal: '',
      });
    },
    onPopup(e: WechatMiniprogram.CustomEvent<{ visible: boolean }>) {
      if (!e.detail.visible) this.closeDetail();
    },
    closeDetail() {
      this.setData({ detail: null, revealed: null, revealReason: '', asking: false });
    },
    askReveal() {
      this.setData({ asking: true, refusal: '' });
    },
    onRevealReason(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ revealReason: e.detail.value, reasonHint: '' });
    },
    async reveal() {
      const scanId = this.data.detail?.scanId;
      if (!scanId) return;
      const request = revealRequest(this.data.revealReason);
      if ('reasonHint' in request) {
        this.setData(request);
        return;
      }
      this.setData({ revealing: true });
      this.setData(await revealPerson(this.data.actingPositionId, scanId, request.reason));
    },
  },
});
