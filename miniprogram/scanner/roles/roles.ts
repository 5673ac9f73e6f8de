/**
 * 码上行动 — choose the identity to act as (rule 12) and go on duty at its site with the current location
 * (rule 7). Each identity offers the pages its role uses (下级管理, 站点, 扫码数据; the initiator's 省级工作台; an
 * agency's 有关部门工作台, which scans nothing; a city bureau's senior its 申请转报), all
 * within three taps of the code page. A disabled identity asks its superior for activation (rule 10).
 */
import { fixOf, type Fix } from '../../core/geo';
import { identityRowOf, type IdentityRow } from '../../core/views/hierarchy.view';
import { callCloud } from '../../services/cloud';

type IdTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;

/** Only the fields the API takes: wx.getLocation reports speed, altitude … as well. */
function locate(): Promise<Fix> {
  return new Promise((resolve, reject) =>
    wx.getLocation({
      type: 'gcj02',
      isHighAccuracy: true,
      success: (res) => resolve(fixOf(res)),
      fail: reject,
    }),
  );
}

/** Refusals of goOnDuty after which the position is no longer what the list shows. */
const STATUS_CHANGED: readonly string[] = ['LOCATION_DEVIATION', 'POSITION_DISABLED', 'NOT_HOLDER'];

/** The pages an identity opens, by the `data-page` of its button. */
const PAGES = {
  manage: '/admin/tree/tree',
  sites: '/admin/sites/sites',
  records: '/admin/records/records',
  desk: '/admin/desk/desk',
  agency: '/admin/agency/agency',
  bureau: '/admin/bureau/bureau',
} as const;

Component({
  data: {
    rows: [] as IdentityRow[],
    loading: true,
    message: '',
    busy: '',
    /** The identity whose request for activation is being written, and its note. */
    asking: '',
    note: '',
    noteHint: '',
    /** Identities whose holder has asked for activation from this page. */
    asked: {} as Record<string, boolean>,
  },
  lifetimes: {
    attached() {
      void this.load();
    },
  },
  methods: {
    async load() {
      const reply = await callCloud('scan', 'roles', {});
      if (!reply.ok) {
        this.setData({ loading: false, message: reply.error.message });
        return;
      }
      this.setData({
        loading: false,
        rows: reply.data.items.map(identityRowOf),
        message: reply.data.items.length ? '' : '您还没有扫码员身份。如已收到邀请码，请先认领。',
      });
    },
    async goOnDuty(e: IdTap) {
      const positionId = e.currentTarget.dataset.id;
      this.setData({ busy: positionId, message: '' });
      let location;
      try {
        location = await locate();
      } catch {
        this.setData({ busy: '', message: '需要获取您的位置以确认在岗地点，请在设置中允许使用位置信息。' });
        return;
      }
      const reply = await callCloud('scan', 'goOnDuty', { positionId, location });
      this.setData({ busy: '' });
      if (!reply.ok) {
        // a deviation disables the position (rule 7): the list shows it so, with the way to ask for activation
        if (STATUS_CHANGED.includes(reply.error.code)) await this.load();
        this.setData({ message: reply.error.message });
        return;
      }
      wx.navigateTo({ url: `/scanner/scan/scan?positionId=${positionId}` });
    },
    goTo(
      e: WechatMiniprogram.TouchEvent<
        Record<string, never>,
        Record<string, never>,
        { id: string; page: keyof typeof PAGES }
      >,
    ) {
      const { id, page } = e.currentTarget.dataset;
      wx.navigateTo({ url: `${PAGES[page]}?positionId=${id}` });
    },
    claim() {
      wx.navigateTo({ url: '/scanner/claim/claim' });
    },
    askActivation(e: IdTap) {
      this.setData({ asking: e.currentTarget.dataset.id, note: '', noteHint: '', message: '' });
    },
    cancelAsk() {
      this.setData({ asking: '', note: '', noteHint: '' });
    },
    onNote(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ note: e.detail.value });
    },
    async sendRequest() {
      const positionId = this.data.asking;
      const note = this.data.note.trim();
      this.setData({ busy: positionId });
      const reply = await callCloud('org', 'requestActivation', { positionId, ...(note ? { note } : {}) });
      if (reply.ok) {
        this.setData({ busy: '', asking: '', note: '', [`asked.${positionId}`]: true });
        return;
      }
      if (reply.error.code === 'CONFLICT') {
        // no longer disabled (activated meanwhile): show the identity as it is now
        this.setData({ busy: '', asking: '', note: '' });
        await this.load();
        this.setData({ message: '该身份已不再是禁用状态，无需申请激活。' });
        return;
      }
      this.setData({
        busy: '',
        message: reply.error.message,
        noteHint: reply.error.fields?.note ? '说明最多200字，不能含控制字符' : '',
      });
    },
  },
});
