/**
 * 高级扫码员申请的审核 (rules 9, 13, 14): the initiator reviews the applications waiting — sent straight to the
 * province (待审核) or forwarded by a city's 市政务服务局 with its comment (已转报) — and, on approval, hands the invite
 * code to the applicant. (A unit applies on admin/apply, reached from the code page.)
 */
import { reviewRow, type ReviewRow } from '../core/applications.view';
import { callCloud } from '../../services/cloud';

/** The applications the province reviews: those sent to it, and those a city bureau forwarded. */
type Waiting = 'pending' | 'forwarded';

Component({
  data: {
    actingPositionId: '',
    status: 'pending' as Waiting,
    rows: [] as ReviewRow[],
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
    onStatus(e: WechatMiniprogram.CustomEvent<{ value: Waiting }>) {
      this.setData({ status: e.detail.value, rows: [], message: '' });
      void this.loadPending();
    },
    async loadPending() {
      const reply = await callCloud('org', 'applications', {
        actingPositionId: this.data.actingPositionId,
        status: this.data.status,
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message });
        return;
      }
      this.setData({ rows: reply.data.items.map(reviewRow) });
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
        // decided meanwhile (another reviewer): the list as it is now
        const stale = reply.error.code === 'CONFLICT';
        this.setData({ message: stale ? '该申请已处理' : reply.error.message });
        if (stale) await this.loadPending();
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
