/**
 * 码上行动 — choose the identity to act as (rule 12) and go on duty at its site with the current location
 * (rule 7). Seniors and intermediates can also open the hierarchy and the records from here.
 */
import type { ScanReplies } from '../../core/contracts/scan.contract';
import { fixOf, type Fix } from '../../core/geo';
import { ROLE_NAMES } from '../../core/org';
import { callCloud } from '../../services/cloud';

type Role = ScanReplies['roles']['items'][number];

const STATUS_TEXT = { active: '正常', pending: '待认领', disabled: '已禁用' } as const;

function rowOf(role: Role) {
  return {
    positionId: role.positionId,
    title: `${ROLE_NAMES[role.role]} · ${role.site.name}`,
    status: STATUS_TEXT[role.status],
    canScan: role.status === 'active' && role.role !== 'initiator',
    canManage: role.status === 'active' && role.role !== 'ordinary',
  };
}

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

Component({
  data: { rows: [] as ReturnType<typeof rowOf>[], loading: true, message: '', busy: '' },
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
        rows: reply.data.items.map(rowOf),
        message: reply.data.items.length ? '' : '您还没有扫码员身份。如已收到邀请码，请在认领后使用。',
      });
    },
    async goOnDuty(
      e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>,
    ) {
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
        this.setData({ message: reply.error.message });
        return;
      }
      wx.navigateTo({ url: `/scanner/scan/scan?positionId=${positionId}` });
    },
    manage(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>) {
      wx.navigateTo({ url: `/admin/tree/tree?positionId=${e.currentTarget.dataset.id}` });
    },
    records(e: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>) {
      wx.navigateTo({ url: `/admin/records/records?positionId=${e.currentTarget.dataset.id}` });
    },
  },
});
