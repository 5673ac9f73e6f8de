/**
 * 高级扫码员申请的审核 (rules 9, 13, 14): the initiator reviews pending applications and, on approval, hands the
 * invite code to the applicant. (A unit applies on admin/apply, reached from the code page.)
 */
import type { OrgReplies } from '../../core/contracts/org.contract';
import { SITE_TYPE_NAMES as SITE_TYPE_LABELS } from '../../core/org';
import { shanghaiClock } from '../../core/views/health-code.view';
import { callCloud } from '../../services/cloud';

type Application = OrgReplies['applications']['items'][number];

const rowOf = (a: Application) => ({
  id: a.applicationId,
  title: `${a.unitName}（${a.uscc}）`,
  detail: `${SITE_TYPE_LABELS[a.siteType]} · 申请人 ${a.applicant.name} ${a.applicant.phone}${a.replacesPositionId ? ' · 更换申请' : ''}`,
  when: shanghaiClock(new Date(a.createdAt)),
  letter: a.letter ?? '',
});

Component({
  data: {
    actingPositionId: '',
    rows: [] as ReturnType<typeof rowOf>[],
    /** The reviewer's comment on each application, by id (sent with 通过 or 驳回). */
    comments: {} as Record<string, string>,
    inviteCode: '',
    message: '',
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ actingPositionId: query.positionId ?? '' });
      void this.loadPending();
    },
    async loadPending() {
      const reply = await callCloud('org', 'applications', {
        actingPositionId: this.data.actingPositionId,
        status: 'pending',
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message });
        return;
      }
      this.setData({ rows: reply.data.items.map(rowOf) });
    },
    onComment(e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { id: string }>) {
      this.setData({ [`comments.${e.currentTarget.dataset.id}`]: e.detail.value });
    },
    async review(
      e: WechatMiniprogram.TouchEvent<
        Record<string, never>,
        Record<string, never>,
        { id: string; approve: boolean }
      >,
    ) {
      const { id, approve } = e.currentTarget.dataset;
      const comment = (this.data.comments[id] ?? '').trim();
      const reply = await callCloud('org', 'reviewApplication', {
        actingPositionId: this.data.actingPositionId,
        applicationId: id,
        approve,
        ...(comment ? { comment } : {}),
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message });
        return;
      }
      this.setData({
        inviteCode: reply.data.inviteCode ?? '',
        message: approve ? '已通过，站点与高级扫码员账号已开通' : '已驳回',
      });
      await this.loadPending();
    },
  },
});
