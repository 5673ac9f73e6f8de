/**
 * 省级工作台: the initiator's desk for the provincial office's duties — authorising reveals (rule 11), acting on one
 * person and the risk list (rule 4), credit flags (rule 17), senior applications (rules 9, 13) — each a page of its
 * own, one tap from here. Shows how many applications wait. The alerts of the province are handled on the agencies'
 * desk (admin/agency), which the initiator may use as well (API.md v1.1 `handleAlert`, `regionStats`).
 */
import { callCloud } from '../../services/cloud';

/** The desk's pages, by the `data-page` of their cell. */
const PAGES = {
  grants: '/admin/desk/grants/grants',
  person: '/admin/desk/person/person',
  riskList: '/admin/desk/risk-list/risk-list',
  applications: '/admin/applications/applications',
  records: '/admin/records/records',
  alerts: '/admin/agency/agency',
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
    /** Both wait for the province: sent to it (pending), and forwarded by a city bureau (rule 14). */
    async countPending() {
      const count = (status: 'pending' | 'forwarded') =>
        callCloud('org', 'applications', {
          actingPositionId: this.data.positionId,
          status,
          limit: PENDING_PAGE,
        });
      const replies = await Promise.all([count('pending'), count('forwarded')]);
      let n = 0;
      let more = false;
      for (const reply of replies) {
        if (!reply.ok) {
          this.setData({ message: reply.error.message });
          return;
        }
        n += reply.data.items.length;
        more = more || reply.data.next !== null;
      }
      this.setData({ pending: n === 0 ? '暂无待审核' : `${n}${more ? '+' : ''} 件待审核` });
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
