/**
 * 授权查阅 (rule 11: 须经省“数字吉林”建设领导小组办公室授权后，方可查阅相关人员的信息): the initiator authorises a
 * position's holder — picked among its subordinates, or by account id — for a reason, until a day at most 30 days
 * ahead; and sees every grant given, marked when it has ended.
 */
import { shanghaiDate } from '../../../core/calendar';
import { callCloud } from '../../../services/cloud';
import {
  grantable,
  grantDays,
  grantExpiresAt,
  granteeOption,
  grantRefusal,
  grantRow,
  untilText,
} from '../../core/desk.view';

/** Subordinates offered per page (the initiator's are the whole province: the newest first, more on demand). */
const GRANTEE_PAGE = 50;

Component({
  data: {
    positionId: '',
    days: { start: '', end: '', initial: '' },
    day: '',
    until: '',
    granteeId: '',
    granteeLabel: '',
    reason: '',
    hints: {} as Record<string, string>,
    options: [] as ReturnType<typeof granteeOption>[],
    optionsNext: null as string | null,
    rows: [] as ReturnType<typeof grantRow>[],
    next: null as string | null,
    notice: '',
    message: '',
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const now = new Date();
      const days = grantDays(now);
      this.setData({
        positionId: query.positionId ?? '',
        days,
        day: days.initial,
        until: untilText(grantExpiresAt(days.initial, now)),
      });
      void this.loadGrantees(false);
      void this.loadGrants(false);
    },
    async loadGrantees(more: boolean) {
      const reply = await callCloud('org', 'subordinates', {
        actingPositionId: this.data.positionId,
        limit: GRANTEE_PAGE,
        ...(more && this.data.optionsNext ? { cursor: this.data.optionsNext } : {}),
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message });
        return;
      }
      const options = reply.data.items.filter(grantable).map(granteeOption);
      this.setData({
        options: more ? [...this.data.options, ...options] : options,
        optionsNext: reply.data.next,
      });
    },
    moreGrantees() {
      void this.loadGrantees(true);
    },
    async loadGrants(more: boolean) {
      const reply = await callCloud('records', 'grants', {
        actingPositionId: this.data.positionId,
        ...(more && this.data.next ? { cursor: this.data.next } : {}),
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message });
        return;
      }
      const rows = reply.data.items.map(grantRow);
      this.setData({ rows: more ? [...this.data.rows, ...rows] : rows, next: reply.data.next });
    },
    moreGrants() {
      void this.loadGrants(true);
    },
    pick(
      e: WechatMiniprogram.CustomEvent<
        Record<string, never>,
        Record<string, never>,
        { id: string; label: string }
      >,
    ) {
      const { id, label } = e.currentTarget.dataset;
      this.setData({ granteeId: id, granteeLabel: label, 'hints.grantee': '' });
    },
    onGranteeId(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ granteeId: e.detail.value.trim(), granteeLabel: '', 'hints.grantee': '' });
    },
    onReason(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ reason: e.detail.value, 'hints.reason': '' });
    },
    onDay(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ day: e.detail.value, until: untilText(grantExpiresAt(e.detail.value, new Date())) });
    },
    async grant() {
      const reason = this.data.reason.trim();
      const hints: Record<string, string> = {};
      if (!this.data.granteeId) hints.grantee = '请选择授权对象，或输入其账号 ID';
      if (!reason) hints.reason = '请填写授权事由（记入审计）';
      if (hints.grantee || hints.reason) {
        this.setData({ hints, notice: '' });
        return;
      }
      const now = new Date();
      // a day chosen yesterday on a page left open is today's at the earliest
      const day = this.data.day < shanghaiDate(now) ? shanghaiDate(now) : this.data.day;
      const expiresAt = grantExpiresAt(day, now);
      this.setData({ busy: true, message: '', notice: '' });
      const reply = await callCloud('records', 'grantReveal', {
        actingPositionId: this.data.positionId,
        granteePositionId: this.data.granteeId,
        reason,
        expiresAt: expiresAt.toISOString(),
      });
      if (!reply.ok) {
        this.setData({ busy: false, message: grantRefusal(reply.error) });
        return;
      }
      const who = this.data.granteeLabel || this.data.granteeId;
      this.setData({
        busy: false,
        reason: '',
        hints: {},
        notice: `已授权 ${who} 查阅完整身份，有效至 ${untilText(expiresAt)}（已记入审计）`,
      });
      await this.loadGrants(false);
    },
  },
});
