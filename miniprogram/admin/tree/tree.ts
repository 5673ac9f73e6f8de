/**
 * 下级管理 (rules 6, 10): every position below the acting one, as a tree with its status and disable reason;
 * create a scanner at a chosen site (the invite code is shown once, with a copy button), replace a holder,
 * disable (optionally with everything below), activate. Holders who asked for activation are counted in a badge
 * and their note shows on their row, with 激活 one tap away.
 */
import type { OrgReplies } from '../../core/contracts/org.contract';
import { ROLE_NAMES, type Role } from '../../core/org';
import { fieldHints } from '../../core/views/form-errors.view';
import {
  activationRequestCount,
  creatableRoles,
  formMessage,
  subordinateRows,
  type SubordinateRow,
} from '../../core/views/hierarchy.view';
import { callCloud } from '../../services/cloud';

type Subordinate = OrgReplies['subordinates']['items'][number];
type IdTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;
type FieldChange = WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { field: string }>;

const NO_PANEL = {
  kind: '' as '' | 'disable' | 'replace',
  positionId: '',
  reason: '',
  cascade: false,
  holderName: '',
  holderPhone: '',
};

/** What the page keeps outside `data`: the subordinates as the server listed them (for the tree and the badge). */
interface PageState {
  items?: Subordinate[];
}

/** A route query value as WeChat hands it over (encoded by the page that navigated here). */
function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

Component({
  data: {
    actingPositionId: '',
    actingRole: 'ordinary' as Role,
    actingSiteId: '',
    creatable: [] as Array<{ value: Role; label: string }>,
    sites: [] as Array<{ siteId: string; label: string }>,
    form: { siteId: '', role: '' as Role | '', holderName: '', holderPhone: '' },
    hints: {} as Record<string, string>,
    inviteCode: '',
    inviteFor: '',
    rows: [] as SubordinateRow[],
    next: null as string | null,
    loaded: false,
    requests: 0,
    onlyRequests: false,
    panel: { ...NO_PANEL },
    panelHints: {} as Record<string, string>,
    message: '',
    messageOk: false,
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ actingPositionId: query.positionId ?? '' });
      void this.load(query.siteId, query.siteName && decoded(query.siteName));
    },
    async load(siteId?: string, siteName?: string) {
      const roles = await callCloud('scan', 'roles', {});
      const acting = roles.ok
        ? roles.data.items.find((r) => r.positionId === this.data.actingPositionId)
        : undefined;
      if (acting) {
        const creatable = creatableRoles(acting.role);
        this.setData({
          actingRole: acting.role,
          actingSiteId: acting.site.id,
          creatable,
          'form.role': creatable[0]?.value ?? '',
        });
        if (creatable.length) await this.loadSites(acting.site, siteId, siteName);
      }
      await this.refresh();
    },
    /** The sites a position may be created at: my own first, then the sites below me (org.sites), newest first. */
    async loadSites(own: { id: string; name: string }, chosen?: string, chosenName?: string) {
      const reply = await callCloud('org', 'sites', {
        actingPositionId: this.data.actingPositionId,
        limit: 100,
      });
      const below = reply.ok ? reply.data.items.filter((s) => s.siteId !== own.id) : [];
      const sites = [
        { siteId: own.id, label: `${own.name}（本站点）` },
        ...below.map((s) => ({ siteId: s.siteId, label: s.name })),
      ];
      // a site chosen on the sites page that is not among the newest: offered with the name it came with
      if (chosen && !sites.some((s) => s.siteId === chosen))
        sites.splice(1, 0, { siteId: chosen, label: chosenName || '所选站点' });
      this.setData({ sites, 'form.siteId': chosen ?? own.id });
    },
    refresh() {
      return this.list(null);
    },
    more() {
      return this.list(this.data.next);
    },
    async list(cursor: string | null) {
      const reply = await callCloud('org', 'subordinates', {
        actingPositionId: this.data.actingPositionId,
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      if (!reply.ok) {
        this.setData({ loaded: true, message: reply.error.message, messageOk: false });
        return;
      }
      const state = this as unknown as PageState;
      state.items = cursor ? [...(state.items ?? []), ...reply.data.items] : reply.data.items;
      this.show(reply.data.next);
    },
    show(next: string | null) {
      const items = (this as unknown as PageState).items ?? [];
      const rows = subordinateRows(items, this.data.actingPositionId, this.data.actingRole);
      const requests = activationRequestCount(items);
      const onlyRequests = this.data.onlyRequests && requests > 0;
      this.setData({
        loaded: true,
        rows: onlyRequests ? rows.filter((r) => r.request) : rows,
        next,
        requests,
        onlyRequests,
      });
    },
    toggleRequests() {
      this.setData({ onlyRequests: !this.data.onlyRequests });
      this.show(this.data.next);
    },
    pickSite(e: IdTap) {
      this.setData({ 'form.siteId': e.currentTarget.dataset.id });
    },
    pickRole(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { value: Role }>) {
      this.setData({ 'form.role': e.currentTarget.dataset.value });
    },
    onField(e: FieldChange) {
      this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value });
    },
    async create() {
      const { siteId, role, holderName, holderPhone } = this.data.form;
      if (!role || this.data.busy) return;
      this.setData({ busy: true, message: '', hints: {}, inviteCode: '' });
      const reply = await callCloud('org', 'createPosition', {
        actingPositionId: this.data.actingPositionId,
        siteId: siteId || this.data.actingSiteId,
        role,
        holderName,
        holderPhone,
      });
      if (!reply.ok) {
        this.setData({
          busy: false,
          message: formMessage(reply.error),
          messageOk: false,
          hints: fieldHints(reply.error.fields),
        });
        return;
      }
      const site = this.data.sites.find((s) => s.siteId === siteId)?.label ?? '';
      // shown once: only its hash is stored
      this.setData({
        busy: false,
        inviteCode: reply.data.inviteCode,
        inviteFor: `${ROLE_NAMES[role]} ${holderName.trim()}${site ? ` · ${site}` : ''}`,
        'form.holderName': '',
        'form.holderPhone': '',
      });
      await this.refresh();
    },
    copyInvite() {
      wx.setClipboardData({
        data: this.data.inviteCode,
        success: () => wx.showToast({ title: '邀请码已复制', icon: 'none' }),
      });
    },
    /** Opens the disable or replace form on one row (`data-kind`). */
    openPanel(
      e: WechatMiniprogram.TouchEvent<
        Record<string, never>,
        Record<string, never>,
        { id: string; kind: 'disable' | 'replace' }
      >,
    ) {
      const { id, kind } = e.currentTarget.dataset;
      this.setData({ panel: { ...NO_PANEL, kind, positionId: id }, panelHints: {}, message: '' });
    },
    closePanel() {
      this.setData({ panel: { ...NO_PANEL }, panelHints: {} });
    },
    onPanelField(e: FieldChange) {
      this.setData({ [`panel.${e.currentTarget.dataset.field}`]: e.detail.value });
    },
    onCascade(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      this.setData({ 'panel.cascade': e.detail.value });
    },
    async disable() {
      const { positionId, cascade, reason } = this.data.panel;
      const reply = await callCloud('org', 'disable', {
        actingPositionId: this.data.actingPositionId,
        positionId,
        cascade,
        reason,
      });
      if (!reply.ok) {
        this.setData({
          message: formMessage(reply.error),
          messageOk: false,
          panelHints: fieldHints(reply.error.fields),
        });
        return;
      }
      this.setData({
        panel: { ...NO_PANEL },
        message: `已禁用 ${reply.data.disabled.length} 个账号`,
        messageOk: true,
      });
      await this.refresh();
    },
    async replace() {
      const { positionId, holderName, holderPhone, reason } = this.data.panel;
      const reply = await callCloud('org', 'replaceHolder', {
        actingPositionId: this.data.actingPositionId,
        positionId,
        holderName,
        holderPhone,
        reason,
      });
      if (!reply.ok) {
        this.setData({
          message: formMessage(reply.error),
          messageOk: false,
          panelHints: fieldHints(reply.error.fields),
        });
        return;
      }
      const row = this.data.rows.find((r) => r.positionId === positionId);
      this.setData({
        panel: { ...NO_PANEL },
        inviteCode: reply.data.inviteCode,
        inviteFor: `${row?.roleName ?? ''} ${holderName.trim()}（更换持有人）`,
        message: '已更换，原持有人即时失去该账号',
        messageOk: true,
      });
      await this.refresh();
    },
    async activate(e: IdTap) {
      const reply = await callCloud('org', 'activate', {
        actingPositionId: this.data.actingPositionId,
        positionId: e.currentTarget.dataset.id,
      });
      this.setData({
        message: reply.ok ? '已激活' : reply.error.message,
        messageOk: reply.ok,
        panel: { ...NO_PANEL },
      });
      await this.refresh();
    },
  },
});
