/**
 * 我的申请 (rule 9; API.md v1.1 `myApplications`): the caller's own senior applications, newest first, with where
 * each stands — waiting, forwarded by the city bureau, approved (the new senior claims the invitation), or not
 * approved with the reviewer's comment — and the way to a new application.
 */
import { myApplicationRow, type MyApplicationRow } from '../core/applications.view';
import { callCloud } from '../../services/cloud';

Component({
  data: {
    rows: [] as MyApplicationRow[],
    loading: true,
    message: '',
    /** Whether the list was loaded once: coming back from the form loads it again. */
    shown: false,
  },
  lifetimes: {
    attached() {
      void this.load();
    },
  },
  pageLifetimes: {
    show() {
      if (this.data.shown) void this.load();
    },
  },
  methods: {
    async load() {
      const reply = await callCloud('org', 'myApplications', {});
      if (!reply.ok) {
        this.setData({ loading: false, shown: true, message: reply.error.message });
        return;
      }
      this.setData({
        loading: false,
        shown: true,
        message: '',
        rows: reply.data.items.map(myApplicationRow),
      });
    },
    goApply() {
      wx.navigateTo({ url: '/admin/apply/apply' });
    },
    goClaim() {
      wx.navigateTo({ url: '/scanner/claim/claim' });
    },
  },
});
