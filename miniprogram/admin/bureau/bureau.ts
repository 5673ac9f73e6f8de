/**
 * 市政务服务局：申请转报 (rule 14: 各市（州）政务服务局 collect the senior applications of their city's units for the
 * province): the senior of a `city_bureau` site sees the pending applications of its city — unit, credit code, type,
 * where it lies, the applicant masked — and forwards each to the provincial office (同意转报) or returns it to the
 * applicant (退回, with the reason), a comment going with either; 已转报 lists what it passed on.
 */
import { forwardRefusal, reviewRow, type ReviewRow } from '../core/applications.view';
import { callCloud } from '../../services/cloud';

type Tab = 'pending' | 'forwarded';

Component({
  data: {
    actingPositionId: '',
    tab: 'pending' as Tab,
    rows: [] as ReviewRow[],
    next: null as string | null,
    loaded: false,
    /** The comment on each application, by id (sent with 同意转报 or 退回). */
    comments: {} as Record<string, string>,
    hints: {} as Record<string, string>,
    busy: '',
    message: '',
    messageOk: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ actingPositionId: query.positionId ?? '' });
      void this.load(true);
    },
    async load(fresh: boolean) {
      const cursor = fresh ? null : this.data.next;
      const reply = await callCloud('org', 'applications', {
        actingPositionId: this.data.actingPositionId,
        status: this.data.tab,
        ...(cursor ? { cursor } : {}),
      });
      if (!reply.ok) {
        this.setData({ loaded: true, message: reply.error.message, messageOk: false });
        return;
      }
      const rows = reply.data.items.map(reviewRow);
      this.setData({
        loaded: true,
        rows: fresh ? rows : [...this.data.rows, ...rows],
        next: reply.data.next,
      });
    },
    more() {
      void this.load(false);
    },
    onTab(e: WechatMiniprogram.CustomEvent<{ value: Tab }>) {
      this.setData({ tab: e.detail.value, rows: [], next: null, loaded: false, message: '' });
      void this.load(true);
    },
    onComment(e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { id: string }>) {
      const id = e.currentTarget.dataset.id;
      this.setData({ [`comments.${id}`]: e.detail.value, [`hints.${id}`]: '' });
    },
    async decide(
      e: WechatMiniprogram.TouchEvent<
        Record<string, never>,
        Record<string, never>,
        { id: string; approve: boolean }
      >,
    ) {
      const { id, approve } = e.currentTarget.dataset;
      const comment = (this.data.comments[id] ?? '').trim();
      if (this.data.busy) return;
      // the applicant reads why it came back (admin/my-applications)
      if (!approve && !comment) {
        this.setData({ [`hints.${id}`]: '退回时请写明原因，申请人将看到' });
        return;
      }
      this.setData({ busy: id, message: '' });
      const reply = await callCloud('org', 'forwardApplication', {
        actingPositionId: this.data.actingPositionId,
        applicationId: id,
        approve,
        ...(comment ? { comment } : {}),
      });
      this.setData({ busy: '' });
      if (!reply.ok) {
        const refused = forwardRefusal(reply.error);
        this.setData({ message: refused.message, messageOk: false });
        if (refused.stale) await this.load(true);
        return;
      }
      this.setData({
        message: reply.data.status === 'forwarded' ? '已转报省政数局审核' : '已退回申请人',
        messageOk: true,
      });
      await this.load(true);
    },
  },
});
