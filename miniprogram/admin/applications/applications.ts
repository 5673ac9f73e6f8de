/**
 * 高级扫码员申请 (rules 9, 13, 14): a unit applies with its unified social credit code; the initiator reviews
 * pending applications and, on approval, hands the invite code to the applicant.
 */
import type { OrgReplies } from '../../core/contracts/org.contract';
import { SITE_TYPES, type SiteType } from '../../core/org';
import { fieldHints } from '../../core/views/form-errors.view';
import { shanghaiClock } from '../../core/views/health-code.view';
import { callCloud } from '../../services/cloud';

type Application = OrgReplies['applications']['items'][number];

const SITE_TYPE_LABELS: Record<SiteType, string> = {
  gov: '机关/政务大厅', department: '内设部门/直属机构', village: '村/社区便民服务中心', station: '车站', market: '农贸市场',
  mall: '商场', supermarket: '超市', shop: '店铺', hospital: '医院', school: '学校', bank: '银行', residential: '居民小区',
  building: '楼宇', other: '其他',
}; // prettier-ignore

const rowOf = (a: Application) => ({
  id: a.applicationId,
  title: `${a.unitName}（${a.uscc}）`,
  detail: `${SITE_TYPE_LABELS[a.siteType]} · 申请人 ${a.applicant.name} ${a.applicant.phone}${a.replacesPositionId ? ' · 更换申请' : ''}`,
  when: shanghaiClock(new Date(a.createdAt)),
  letter: a.letter ?? '',
});

Component({
  data: {
    mode: 'apply' as 'apply' | 'review',
    actingPositionId: '',
    siteTypes: SITE_TYPES.map((value) => ({ value, label: SITE_TYPE_LABELS[value] })),
    form: {
      unitName: '',
      uscc: '',
      siteType: 'gov' as SiteType,
      address: '',
      applicantName: '',
      applicantPhone: '',
    },
    hints: {} as Record<string, string>,
    rows: [] as ReturnType<typeof rowOf>[],
    /** The reviewer's comment on each application, by id (sent with 通过 or 驳回). */
    comments: {} as Record<string, string>,
    inviteCode: '',
    message: '',
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      if (query.positionId) {
        this.setData({ mode: 'review', actingPositionId: query.positionId });
        void this.loadPending();
      }
    },
    onField(e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { field: string }>) {
      this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value });
    },
    onSiteType(e: WechatMiniprogram.CustomEvent<{ value: SiteType }>) {
      this.setData({ 'form.siteType': e.detail.value });
    },
    async apply() {
      this.setData({ busy: true, message: '', hints: {} });
      const location = await new Promise<{ latitude: number; longitude: number } | null>((resolve) =>
        wx.getLocation({
          type: 'gcj02',
          // only the coordinates: wx.getLocation reports speed, accuracy … which the API does not take
          success: (res) => resolve({ latitude: res.latitude, longitude: res.longitude }),
          fail: () => resolve(null),
        }),
      );
      if (!location) {
        this.setData({ busy: false, message: '需要单位所在位置，请在单位现场提交申请并允许使用位置信息。' });
        return;
      }
      const reply = await callCloud('org', 'applySenior', { ...this.data.form, location });
      this.setData({ busy: false });
      if (!reply.ok) {
        this.setData({ message: reply.error.message, hints: fieldHints(reply.error.fields) });
        return;
      }
      this.setData({ message: '申请已提交，请等待省政数局审核。' });
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
