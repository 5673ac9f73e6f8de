/**
 * 下级管理 (rules 6, 10): every position below the acting one with its status and disable reason; create a
 * scanner (the invite code is shown once), disable (optionally with everything below), activate, replace.
 */
import type { OrgReplies } from '../../core/contracts/org.contract';
import { CREATABLE_ROLES, ROLE_NAMES, type Role } from '../../core/org';
import { DISABLE_REASON_TEXT } from '../../core/sms';
import { fieldHints } from '../../core/views/form-errors.view';
import { callCloud } from '../../services/cloud';

type Sub = OrgReplies['subordinates']['items'][number];

function rowOf(p: Sub, actingId: string, actingRole: Role) {
  const status =
    p.status === 'active'
      ? '正常'
      : p.status === 'pending'
        ? '待认领'
        : `已禁用（${DISABLE_REASON_TEXT[p.disabledReason ?? 'manual']}）`;
  return {
    positionId: p.positionId,
    title: `${ROLE_NAMES[p.role]} ${p.holder.name}`,
    detail: `${p.site.name} · ${p.holder.phone}`,
    status,
    disabled: p.status === 'disabled',
    direct: p.parentId === actingId,
    // rule 10: activation by the direct superior, or the initiator
    canActivate: p.status === 'disabled' && (p.parentId === actingId || actingRole === 'initiator'),
  };
}

Component({
  data: {
    actingPositionId: '',
    actingRole: 'ordinary' as Role,
    actingSiteId: '',
    rows: [] as ReturnType<typeof rowOf>[],
    next: null as string | null,
    creatable: [] as Array<{ value: Role; label: string }>,
    form: { role: '' as Role | '', holderName: '', holderPhone: '' },
    hints: {} as Record<string, string>,
    cascade: false,
    inviteCode: '',
    message: '',
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ actingPositionId: query.positionId ?? '' });
      void this.load();
    },
    async load() {
      const roles = await callCloud('scan', 'roles', {});
      const acting = roles.ok
        ? roles.data.items.find((r) => r.positionId === this.data.actingPositionId)
        : undefined;
      if (acting) {
        const creatable = CREATABLE_ROLES[acting.role].map((value) => ({ value, label: ROLE_NAMES[value] }));
        this.setData({
          actingRole: acting.role,
          actingSiteId: acting.site.id,
          creatable,
          'form.role': creatable[0]?.value ?? '',
        });
      }
      await this.refresh();
    },
    refresh() {
      return this.page(null);
    },
    more() {
      return this.page(this.data.next);
    },
    async page(cursor: string | null) {
      const reply = await callCloud('org', 'subordinates', {
        actingPositionId: this.data.actingPositionId,
        limit: 50,
        ...(cursor ? { cursor } : {}),
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message });
        return;
      }
      const rows = reply.data.items.map((p) => rowOf(p, this.data.actingPositionId, this.data.actingRole));
      this.setData({ rows: cursor ? [...this.data.rows, ...rows] : rows, next: reply.data.next });
    },
    onField(e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { field: string }>) {
      this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value });
    },
    onRole(e: WechatMiniprogram.CustomEvent<{ value: Role }>) {
      this.setData({ 'form.role': e.detail.value });
    },
    onCascade(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      this.setData({ cascade: e.detail.value });
    },
    async create() {
      const { role, holderName, holderPhone } = this.data.form;
      if (!role) return;
      this.setData({ busy: true, message: '', hints: {}, inviteCode: '' });
      const reply = await callCloud('org', 'createPosition', {
        actingPositionId: this.data.actingPositionId,
        siteId: this.data.actingSiteId,
        role,
        holderName,
        holderPhone,
      });
      this.setData({ busy: false });
      if (!reply.ok) {
        this.setData({ message: reply.error.message, hints: fieldHints(reply.error.fields) });
        return;
      }
      // shown once: only its hash is stored
      this.setData({ inviteCode: reply.data.inviteCode, form: { role, holderName: '', holderPhone: '' } });
      await this.refresh();
    },
    async disable(
      e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>,
    ) {
      const reply = await callCloud('org', 'disable', {
        actingPositionId: this.data.actingPositionId,
        positionId: e.currentTarget.dataset.id,
        cascade: this.data.cascade,
        reason: '上级扫码员禁用',
      });
      this.setData({
        message: reply.ok ? `已禁用 ${reply.data.disabled.length} 个账号` : reply.error.message,
      });
      await this.refresh();
    },
    async activate(
      e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>,
    ) {
      const reply = await callCloud('org', 'activate', {
        actingPositionId: this.data.actingPositionId,
        positionId: e.currentTarget.dataset.id,
      });
      this.setData({ message: reply.ok ? '已激活' : reply.error.message });
      await this.refresh();
    },
    async replace(
      e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>,
    ) {
      const { holderName, holderPhone } = this.data.form;
      const reply = await callCloud('org', 'replaceHolder', {
        actingPositionId: this.data.actingPositionId,
        positionId: e.currentTarget.dataset.id,
        holderName,
        holderPhone,
        reason: '岗位调整',
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message, hints: fieldHints(reply.error.fields) });
        return;
      }
      this.setData({ inviteCode: reply.data.inviteCode, message: '已更换，原持有人即时失去该账号' });
      await this.refresh();
    },
  },
});
