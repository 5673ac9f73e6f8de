/**
 * 省级工作台: the initiator's desk for the provincial office's duties — authorising reveals (rule 11), acting on one
 * person and the risk list (rule 4), credit flags (rule 17), senior applications (rules 9, 13) — each a page of its
 * own, one tap from here. Shows how many applications wait.
 */
import { callCloud } from '../../services/cloud';

/** The desk's pages, by the `data-page` of their cell. */
const PAGES = {
  grants: '/admin/desk/grants/grants',
  person: '/admin/desk/person/person',
  riskList: '/admin/desk/risk-list/risk-list',
  applications: '/admin/applications/applications',
  records: '/admin/records/records',
} as const;

/** Applications counted on the desk: one page; more reads as "100+". */
const PENDING_PAGE = 100;

Component({
  data: {
    positionId: '',
    pending: '',
    message: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ positionId: query.positionId ?? '' });
      void this.countPending();
    },
    async countPending() {
      const reply = await callCloud('org', 'applications', {
        actingPositionId: this.data.positionId,
        status: 'pending',
        limit: PENDING_PAGE,
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message });
        return;
      }
      const n = reply.data.items.length;
      this.setData({ pending: n === 0 ? '暂无待审核' : `${n}${reply.data.next ? '+' : ''} 件待审核` });
    },
    open(
      e: WechatMiniprogram.CustomEvent<
        Record<string, never>,
        Record<string, never>,
        { page: keyof typeof PAGES }
      >,
    ) {
      wx.navigateTo({ url: `${PAGES[e.currentTarget.dataset.page]}?positionId=${this.data.positionId}` });
    },
  },
});
