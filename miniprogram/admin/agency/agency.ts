/**
 * 有关部门工作台 (rule 15: 各地区、各有关部门 receive the anomalies of their region and deal with them): the alerts of
 * every site in the agency's region, open (待处置, counted in a badge) or handled (已处置), by kind, newest first;
 * an alert's detail with the handling form (what was done, a note) and — under the provincial office's grant — the
 * person behind its scan, the reason audited; the request for alert pushes (a WeChat subscribe message, which
 * opens this page with no query: the caller's agency position is then found among its identities); and the figures
 * per district. The initiator may use the page as well (from the provincial desk).
 */
import type { AlertKind, AlertOutcome } from '../../core/contracts/records.contract';
import type { Role } from '../../core/org';
import { PUSH_TEMPLATE_ID } from '../../config';
import { callCloud } from '../../services/cloud';
import {
  KIND_FILTERS,
  OPEN_COUNT_LIMIT,
  OUTCOME_CHOICES,
  REGION_PERIODS,
  deskAlertRow,
  deskIdentity,
  deskTitle,
  handleRefusal,
  openBadge,
  periodOf,
  regionTable,
  subscribeResult,
  type DeskAlertRow,
  type DeskAlertView,
  type RegionPeriod,
  type RegionTable,
} from '../core/agency.view';
import { revealPerson, revealRequest } from '../services/reveal';

type Tab = 'open' | 'handled' | 'regions';
type IndexTap = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { index: number }
>;
type ValueTap<T> = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { value: T }>;

Component({
  data: {
    actingPositionId: '',
    role: '' as Role | '',
    title: '',
    tab: 'open' as Tab,
    kind: '' as AlertKind | '',
    kinds: KIND_FILTERS,
    rows: [] as DeskAlertRow[],
    next: null as string | null,
    loaded: false,
    /** The open alerts loaded for the badge, as the badge reads. */
    badge: '',
    /** The alert opened, its handling form, and the reveal of its person. */
    detail: null as DeskAlertView | null,
    outcomes: OUTCOME_CHOICES,
    outcome: '' as AlertOutcome | '',
    note: '',
    hints: {} as Record<string, string>,
    handling: false,
    asking: false,
    revealReason: '',
    reasonHint: '',
    revealing: false,
    revealed: null as null | { name: string; idNumber: string; phone: string },
    refusal: '',
    /** What the request for alert pushes came to. */
    subscribed: null as null | { on: boolean; text: string },
    periods: REGION_PERIODS,
    period: 'today' as RegionPeriod,
    regions: null as RegionTable | null,
    message: '',
    messageOk: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      void this.start(query.positionId ?? '');
    },
    async start(wanted: string) {
      const roles = await callCloud('scan', 'roles', {});
      if (!roles.ok) {
        this.setData({ loaded: true, message: roles.error.message });
        return;
      }
      const identity = deskIdentity(roles.data.items, wanted);
      if (!identity) {
        this.setData({
          loaded: true,
          message: '您没有有关部门身份。如已收到邀请码，请先在“码上行动”中认领。',
        });
        return;
      }
      this.setData({
        actingPositionId: identity.positionId,
        role: identity.role,
        title: deskTitle(identity),
      });
      await Promise.all([this.loadAlerts(true), this.countOpen()]);
    },
    /** The list of the tab's status and the chosen kind: the first page, or the next one. */
    async loadAlerts(fresh: boolean) {
      const status = this.data.tab === 'handled' ? 'handled' : 'open';
      const cursor = fresh ? null : this.data.next;
      const reply = await callCloud('records', 'alerts', {
        actingPositionId: this.data.actingPositionId,
        status,
        ...(this.data.kind ? { kind: this.data.kind } : {}),
        ...(cursor ? { cursor } : {}),
      });
      if (!reply.ok) {
        this.setData({ loaded: true, message: reply.error.message, messageOk: false });
        return;
      }
      const rows = reply.data.items.map(deskAlertRow);
      this.setData({
        loaded: true,
        rows: fresh ? rows : [...this.data.rows, ...rows],
        next: reply.data.next,
      });
    },
    /** The badge: the open alerts of every kind, one page of at most 100 (agency.view openBadge). */
    async countOpen() {
      const reply = await callCloud('records', 'alerts', {
        actingPositionId: this.data.actingPositionId,
        status: 'open',
        limit: OPEN_COUNT_LIMIT,
      });
      if (reply.ok) this.setData({ badge: openBadge(reply.data.items.length) });
    },
    more() {
      void this.loadAlerts(false);
    },
    onTab(e: WechatMiniprogram.CustomEvent<{ value: Tab }>) {
      const tab = e.detail.value;
      this.setData({ tab, message: '', rows: [], next: null, loaded: false });
      if (tab === 'regions') void this.loadRegions();
      else void this.loadAlerts(true);
    },
    onKind(e: ValueTap<AlertKind | ''>) {
      this.setData({ kind: e.currentTarget.dataset.value, rows: [], next: null, loaded: false });
      void this.loadAlerts(true);
    },
    onPeriod(e: ValueTap<RegionPeriod>) {
      this.setData({ period: e.currentTarget.dataset.value });
      void this.loadRegions();
    },
    async loadRegions() {
      const reply = await callCloud('records', 'regionStats', {
        actingPositionId: this.data.actingPositionId,
        ...periodOf(this.data.period, new Date()),
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message, messageOk: false });
        return;
      }
      this.setData({ regions: regionTable(reply.data) });
    },
    openAlert(e: IndexTap) {
      this.setData({
        detail: this.data.rows[e.currentTarget.dataset.index]!.view,
        outcome: '',
        note: '',
        hints: {},
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
      this.setData({ detail: null, revealed: null, revealReason: '', asking: false, note: '', outcome: '' });
    },
    onOutcome(e: WechatMiniprogram.CustomEvent<{ value: AlertOutcome }>) {
      this.setData({ outcome: e.detail.value, 'hints.outcome': '' });
    },
    onNote(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ note: e.detail.value, 'hints.note': '' });
    },
    async handle() {
      const detail = this.data.detail;
      const outcome = this.data.outcome;
      if (!detail || this.data.handling) return;
      if (!outcome) {
        this.setData({ hints: { outcome: '请选择处置结果' } });
        return;
      }
      const note = this.data.note.trim();
      this.setData({ handling: true });
      const reply = await callCloud('records', 'handleAlert', {
        actingPositionId: this.data.actingPositionId,
        alertId: detail.alertId,
        outcome,
        ...(note ? { note } : {}),
      });
      this.setData({ handling: false });
      if (reply.ok) {
        this.closeDetail();
        this.setData({ message: '已记录处置结果', messageOk: true });
      } else {
        const refused = handleRefusal(reply.error);
        if (!refused.conflict) {
          this.setData({ hints: refused.hints, message: refused.message, messageOk: false });
          return;
        }
        // handled meanwhile by someone else: the lists as they are now
        this.closeDetail();
        this.setData({ message: refused.message, messageOk: false });
      }
      await Promise.all([this.loadAlerts(true), this.countOpen()]);
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
    /**
     * 接收异常提醒: WeChat asks the user to accept the alert pushes' template (a one-time subscription allows one
     * message; tapping again allows more). Refused or failed, the page says how to find the alerts anyway.
     */
    subscribe() {
      wx.requestSubscribeMessage({
        tmplIds: [PUSH_TEMPLATE_ID],
        success: (res) => this.setData({ subscribed: subscribeResult(res[PUSH_TEMPLATE_ID]) }),
        fail: () => this.setData({ subscribed: subscribeResult(undefined) }),
      });
    },
  },
});
