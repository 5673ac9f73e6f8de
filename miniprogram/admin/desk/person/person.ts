/**
 * 人员查询与处置: the provincial office finds one person by ID number, with a reason (audited), sets their code's
 * colour with a reason (rule 4: the province decides; audited), and flags a person or a scanner for credit
 * discipline with evidence (rule 17); the flags given so far are listed.
 */
import type { CreditKind } from '../../../core/contracts/records.contract';
import { COLOR_NAMES } from '../../../core/health-code.rules';
import { fieldHints } from '../../../core/views/form-errors.view';
import { callCloud } from '../../../services/cloud';
import { CREDIT_KINDS_OFFERED, creditFlagRow, foundPerson, SETTABLE_COLORS } from '../../core/desk.view';

type SettableColor = 'green' | 'yellow' | 'orange' | 'red';

function confirm(content: string): Promise<boolean> {
  return new Promise((resolve) =>
    wx.showModal({
      title: '请确认',
      content,
      success: (res) => resolve(res.confirm),
      fail: () => resolve(false),
    }),
  );
}

Component({
  data: {
    positionId: '',
    idNumber: '',
    findReason: '',
    hints: {} as Record<string, string>,
    person: null as ReturnType<typeof foundPerson> | null,
    colors: SETTABLE_COLORS,
    color: '' as SettableColor | '',
    colorReason: '',
    subjects: [
      { value: 'person', label: '查询到的人员' },
      { value: 'scanner', label: '扫码员（按账号 ID）' },
    ],
    subject: 'person' as 'person' | 'scanner',
    scannerId: '',
    kinds: CREDIT_KINDS_OFFERED,
    kind: 'concealment' as CreditKind,
    evidence: '',
    flags: [] as ReturnType<typeof creditFlagRow>[],
    next: null as string | null,
    notice: '',
    message: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ positionId: query.positionId ?? '' });
      void this.loadFlags(false);
    },
    onField(e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { field: string }>) {
      const field = e.currentTarget.dataset.field;
      this.setData({ [field]: e.detail.value, [`hints.${field}`]: '' });
    },
    onChoice(e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { field: string }>) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value });
    },
    async find() {
      const idNumber = this.data.idNumber.trim();
      const reason = this.data.findReason.trim();
      const hints: Record<string, string> = {};
      if (!idNumber) hints.idNumber = '请填写身份证号';
      if (!reason) hints.findReason = '请填写查询事由（记入审计）';
      if (Object.keys(hints).length > 0) {
        this.setData({ hints });
        return;
      }
      this.setData({ message: '', notice: '', hints: {} });
      const reply = await callCloud('health', 'findPerson', {
        actingPositionId: this.data.positionId,
        idNumber,
        reason,
      });
      if (!reply.ok) {
        this.setData({ person: null, message: reply.error.message, hints: fieldHints(reply.error.fields) });
        return;
      }
      this.setData({ person: foundPerson(reply.data), color: '', colorReason: '', subject: 'person' });
    },
    async setColor() {
      const person = this.data.person;
      const reason = this.data.colorReason.trim();
      if (!person) return;
      if (!this.data.color || !reason) {
        this.setData({
          hints: {
            ...(this.data.color ? {} : { color: '请选择颜色' }),
            ...(reason ? {} : { colorReason: '请填写调整事由（记入审计）' }),
          },
        });
        return;
      }
      const color = this.data.color;
      if (!(await confirm(`将 ${person.name} 的健康码调整为${COLOR_NAMES[color]}？此操作记入审计。`))) return;
      const reply = await callCloud('health', 'setColor', {
        actingPositionId: this.data.positionId,
        personId: person.personId,
        color,
        reason,
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message, notice: '' });
        return;
      }
      this.setData({
        person: { ...person, color: reply.data.color, colorName: COLOR_NAMES[reply.data.color] },
        colorReason: '',
        message: '',
        notice: `已将 ${person.name} 的健康码调整为${COLOR_NAMES[reply.data.color]}（已记入审计）`,
      });
    },
    async flag() {
      const evidence = this.data.evidence.trim();
      const subject =
        this.data.subject === 'person'
          ? this.data.person
            ? { personId: this.data.person.personId }
            : null
          : this.data.scannerId.trim()
            ? { positionId: this.data.scannerId.trim() }
            : null;
      const hints: Record<string, string> = {};
      if (!subject)
        hints[this.data.subject === 'person' ? 'subject' : 'scannerId'] =
          this.data.subject === 'person' ? '请先按身份证号查询到人员' : '请填写扫码员账号 ID';
      if (!evidence) hints.evidence = '请填写事实与证据';
      if (!subject || !evidence) {
        this.setData({ hints });
        return;
      }
      const reply = await callCloud('records', 'flagCredit', {
        actingPositionId: this.data.positionId,
        ...subject,
        kind: this.data.kind,
        evidence,
      });
      if (!reply.ok) {
        const message = reply.error.code === 'NOT_FOUND' ? '找不到该人员或扫码员账号' : reply.error.message;
        this.setData({ message, notice: '' });
        return;
      }
      this.setData({ evidence: '', hints: {}, message: '', notice: '已提交信用标记（已记入审计）' });
      await this.loadFlags(false);
    },
    async loadFlags(more: boolean) {
      const reply = await callCloud('records', 'creditFlags', {
        actingPositionId: this.data.positionId,
        ...(more && this.data.next ? { cursor: this.data.next } : {}),
      });
      if (!reply.ok) {
        this.setData({ message: reply.error.message });
        return;
      }
      const flags = reply.data.items.map(creditFlagRow);
      this.setData({ flags: more ? [...this.data.flags, ...flags] : flags, next: reply.data.next });
    },
    moreFlags() {
      void this.loadFlags(true);
    },
  },
});
