/** 实名注册 (rules 1–2): name, ID number and mobile, checked by the cloud; field errors shown under each field. */
import { fieldHints } from '../../core/views/form-errors.view';
import { callCloud } from '../../services/cloud';

type Field = 'name' | 'idNumber' | 'phone';

Component({
  data: {
    form: { name: '', idNumber: '', phone: '' } as Record<Field, string>,
    hints: {} as Record<string, string>,
    message: '',
    submitting: false,
    /** WeChat's own phone number button, where this base library has it (typed entry otherwise). */
    canGetPhone: wx.canIUse('button.open-type.getPhoneNumber'),
  },
  methods: {
    async onPhoneNumber(e: WechatMiniprogram.CustomEvent<{ code?: string }>) {
      // no code: the user declined, or this WeChat cannot; the typed field stays
      if (!e.detail.code) return;
      const reply = await callCloud('citizen', 'phoneNumber', { code: e.detail.code });
      if (reply.ok && reply.data.phone) this.setData({ 'form.phone': reply.data.phone, 'hints.phone': '' });
      else this.setData({ message: '未能获取微信手机号，请手动填写' });
    },
    onField(e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { field: Field }>) {
      const field = e.currentTarget.dataset.field;
      this.setData({ [`form.${field}`]: e.detail.value, [`hints.${field}`]: '' });
    },
    async submit() {
      if (this.data.submitting) return;
      this.setData({ submitting: true, message: '' });
      const reply = await callCloud('citizen', 'register', this.data.form);
      if (reply.ok) {
        wx.redirectTo({ url: '/pages/code/code' });
        return;
      }
      this.setData({
        submitting: false,
        message: reply.error.message,
        hints: fieldHints(reply.error.fields),
      });
    },
  },
});
