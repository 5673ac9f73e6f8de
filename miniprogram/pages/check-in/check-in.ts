/** 每日健康打卡 (rule 1): one declaration a day; a second one the same day replaces the first. */
import { SYMPTOMS, type Symptom } from '../../core/health-code.rules';
import { fieldHints } from '../../core/views/form-errors.view';
import { colorView } from '../../core/views/health-code.view';
import { callCloud } from '../../services/cloud';

const SYMPTOM_LABELS: Record<Symptom, string> = {
  none: '无不适',
  fever: '发热',
  cough: '咳嗽',
  fatigue: '乏力',
  sore_throat: '咽痛',
  loss_of_taste: '嗅（味）觉减退',
};

Component({
  data: {
    options: SYMPTOMS.map((value) => ({ value, label: SYMPTOM_LABELS[value] })),
    symptoms: ['none'] as Symptom[],
    temperature: '',
    contact: false,
    travel: '',
    hints: {} as Record<string, string>,
    message: '',
    done: '',
    submitting: false,
  },
  methods: {
    onSymptoms(e: WechatMiniprogram.CustomEvent<{ value: Symptom[] }>) {
      const picked = e.detail.value;
      // "无不适" and a symptom exclude each other: the latest choice wins
      const last = picked[picked.length - 1];
      this.setData({ symptoms: last === 'none' ? ['none'] : picked.filter((s) => s !== 'none') });
    },
    onTemperature(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ temperature: e.detail.value, 'hints.temperature': '' });
    },
    onContact(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      this.setData({ contact: e.detail.value });
    },
    onTravel(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ travel: e.detail.value });
    },
    async submit() {
      if (this.data.submitting) return;
      this.setData({ submitting: true, message: '', done: '' });
      const temperature = this.data.temperature.trim() === '' ? undefined : Number(this.data.temperature);
      const reply = await callCloud('citizen', 'checkIn', {
        symptoms: this.data.symptoms.length ? this.data.symptoms : ['none'],
        contact: this.data.contact,
        ...(temperature !== undefined ? { temperature } : {}),
        ...(this.data.travel.trim() ? { travel: this.data.travel.trim() } : {}),
      });
      if (reply.ok) {
        const view = colorView(reply.data.color, 'national_normal');
        this.setData({ submitting: false, done: `${reply.data.date} 已打卡 · 当前${view.name}` });
        wx.showToast({ title: '打卡成功', icon: 'success' });
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
