/**
 * 高级扫码员申请 (rules 9, 10): a unit asks for its senior scanner — unit name, unified social credit code
 * (GB 32100), type of place, address, the place picked on the map, region — or, with the switch on, asks to
 * replace its current senior, naming the position and attaching the letter. The initiator (or the city bureau)
 * reviews it on admin/applications; where it stands shows on admin/my-applications.
 */
import {
  EMPTY_APPLY_FORM,
  SITE_TYPE_CHOICES,
  applyRefusal,
  applyRequest,
  placeText,
  regionText,
  siteTypeAt,
  withPlace,
  type ApplyForm,
  type Place,
} from '../core/applications.view';
import { callCloud } from '../../services/cloud';

type TextField = Exclude<keyof ApplyForm, 'siteType' | 'replacing' | 'place'>;

function choosePlace(): Promise<Place | null> {
  return new Promise((resolve) =>
    wx.chooseLocation({
      success: (res) => resolve(res),
      fail: () => resolve(null),
    }),
  );
}

Component({
  data: {
    form: { ...EMPTY_APPLY_FORM } as ApplyForm,
    siteTypeNames: SITE_TYPE_CHOICES.map((choice) => choice.label),
    siteTypeIndex: 0,
    siteTypeLabel: SITE_TYPE_CHOICES[0]!.label,
    placeText: placeText(null),
    regionText: regionText(EMPTY_APPLY_FORM.regionCode),
    hints: {} as Record<string, string>,
    message: '',
    busy: false,
  },
  methods: {
    onField(
      e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { field: TextField }>,
    ) {
      const field = e.currentTarget.dataset.field;
      this.setData({
        [`form.${field}`]: e.detail.value,
        [`hints.${field}`]: '',
        message: '',
        ...(field === 'regionCode' ? { regionText: regionText(e.detail.value) } : {}),
      });
    },
    onSiteType(e: WechatMiniprogram.PickerChange) {
      const index = Number(e.detail.value);
      this.setData({
        'form.siteType': siteTypeAt(index),
        siteTypeIndex: index,
        siteTypeLabel: SITE_TYPE_CHOICES[index]?.label ?? '',
      });
    },
    onReplacing(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      this.setData({ 'form.replacing': e.detail.value, message: '' });
    },
    async pickPlace() {
      const place = await choosePlace();
      if (!place) return;
      const form = withPlace(this.data.form, place);
      this.setData({ form, placeText: placeText(place), 'hints.location': '', 'hints.address': '' });
    },
    async submit() {
      if (this.data.busy) return;
      const request = applyRequest(this.data.form);
      if (!request.ok) {
        this.setData({ hints: request.hints, message: '请按提示修改标红的项目' });
        return;
      }
      this.setData({ busy: true, message: '', hints: {} });
      const reply = await callCloud('org', 'applySenior', request.params);
      if (reply.ok) {
        this.setData({ busy: false });
        wx.showToast({ title: '申请已提交' });
        wx.navigateBack();
        return;
      }
      this.setData({ busy: false, ...applyRefusal(reply.error, this.data.form) });
    },
  },
});
