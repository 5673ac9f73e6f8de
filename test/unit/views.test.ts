/**
 * The pure view mappers of the pages (miniprogram/core/views): the colour always named in words with what it means
 * at the gate, decisions in words, alerts as two lines, and the hint under each form field.
 */
import { ALERT_KIND_NAMES, alertLines } from '../../miniprogram/admin/core/alerts.view';
import { fieldHints } from '../../miniprogram/core/views/form-errors.view';
import { colorView, decisionText, shanghaiClock } from '../../miniprogram/core/views/health-code.view';
import { COLOR_NAMES, COLOR_REASON_TEXT } from '../../miniprogram/core/health-code.rules';
import { shanghaiClock as calendarClock } from '../../miniprogram/core/calendar';

describe('health-code view', () => {
  it('names each colour in words (never by colour alone)', () => {
    expect(COLOR_NAMES).toEqual({ green: '绿码', yellow: '黄码', orange: '橙码', red: '红码', bw: '黑白码' });
  });

  it('says what each colour means at the gate, in words of its own', () => {
    const colors = ['green', 'yellow', 'orange', 'red', 'bw'] as const;
    const views = colors.map((color) => colorView(color, 'national_normal'));
    expect(views.map((view) => [view.color, view.name])).toEqual(
      colors.map((color) => [color, COLOR_NAMES[color]]),
    );
    expect(views[0].meaning).toBe('可正常通行');
    expect(views[3].meaning).toBe('请立即配合防疫人员管控');
    // five different meanings, none empty
    expect(new Set(views.map((view) => view.meaning)).size).toBe(5);
    for (const view of views) expect(view.meaning.length).toBeGreaterThan(0);
  });

  it('explains why the code has its colour, and what ends it', () => {
    expect(colorView('green', 'national_normal').explanation).toBe('国家政务服务平台核验无异常。');
    expect(colorView('green', 'quarantine_released').explanation).toBe(
      '隔离期满、无症状且核验无异常，已恢复。',
    );
    const yellow = colorView('yellow', 'onsite_fever').explanation;
    expect(yellow.startsWith('现场测温异常（≥37.3℃）。')).toBe(true);
    expect(yellow).toContain('恢复绿码');
    const orange = colorView('orange', 'close_contact').explanation;
    expect(orange.startsWith('国家政务服务平台核验为密切接触人员。')).toBe(true);
    expect(orange).toContain('每小时');
    const red = colorView('red', 'confirmed').explanation;
    expect(red.startsWith('国家政务服务平台核验为确诊病例。')).toBe(true);
    expect(red).toContain('省防疫部门');
    // set by the province: only the province lifts it, whatever the colour
    const provincial = ['yellow', 'orange', 'red'].map(
      (color) => colorView(color as 'red', 'provincial').explanation,
    );
    expect(new Set(provincial).size).toBe(1);
    expect(provincial[0]).toContain('省防疫');
    expect(provincial[0]).not.toBe(red);
    // bw: whatever the reason, the platform could not be asked
    expect(colorView('bw', 'unverified').explanation).toBe(colorView('bw', 'national_normal').explanation);
    expect(colorView('bw', 'unverified').explanation).toContain('平台');
    // five colours, five different explanations
    const all = (['green', 'yellow', 'orange', 'red', 'bw'] as const).map(
      (c) => colorView(c, 'quarantine').explanation,
    );
    expect(new Set(all).size).toBe(5);
  });

  it('explains every reason a code can have', () => {
    expect(COLOR_REASON_TEXT).toEqual({
      national_normal: '国家政务服务平台核验无异常',
      confirmed: '国家政务服务平台核验为确诊病例',
      suspected: '国家政务服务平台核验为疑似病例',
      close_contact: '国家政务服务平台核验为密切接触人员',
      quarantine: '依规定进行隔离',
      quarantine_released: '隔离期满、无症状且核验无异常，已恢复',
      onsite_fever: '现场测温异常（≥37.3℃）',
      provincial: '依省防疫规定调整',
      unverified: '暂未完成国家平台核验，仅记录行程',
    });
  });

  it('puts the gate decision in words', () => {
    expect(decisionText('allow')).toBe('准予通行');
    expect(decisionText('deny')).toBe('禁止通行');
  });

  it('shows clocks in Shanghai time', () => {
    expect(shanghaiClock).toBe(calendarClock);
  });
});

describe('alert view', () => {
  const base = {
    alertId: 'a1',
    at: '2026-11-27T00:00:00Z',
    site: { id: 's1', name: '长春站' },
    status: 'open' as const,
  };

  it('names every kind of alert', () => {
    expect(ALERT_KIND_NAMES).toEqual({
      fever: '体温异常',
      color: '健康码异常',
      replay: '疑似截图转发',
      forced_entry: '强行闯入',
      stale_pass: '离线通行证过期',
    });
  });

  it('shows the kind and the (masked) person, then the site, colour and reading', () => {
    expect(
      alertLines({ ...base, kind: 'fever', person: { name: '张*' }, color: 'yellow', temperature: 38.2 }),
    ).toEqual({ title: '体温异常 · 张*', detail: '长春站 · 黄码 · 38.2℃' });
    expect(alertLines({ ...base, kind: 'color', person: { name: '欧**' }, color: 'red' })).toEqual({
      title: '健康码异常 · 欧**',
      detail: '长春站 · 红码',
    });
  });

  it('names nobody and shows no reading for a forced entry', () => {
    expect(alertLines({ ...base, kind: 'forced_entry' })).toEqual({ title: '强行闯入', detail: '长春站' });
  });

  it('shows a reading of 0 (it is a reading), and no colour when there is none', () => {
    expect(alertLines({ ...base, kind: 'replay', person: { name: '王*' }, temperature: 0 }).detail).toBe(
      '长春站 · 0℃',
    );
  });
});

describe('form hints', () => {
  it('gives the Chinese hint of each reason', () => {
    expect(
      fieldHints({
        a: 'required',
        b: 'empty',
        c: 'type',
        d: 'format',
        e: 'length',
        f: 'tooShort',
        g: 'tooLong',
        h: 'range',
        i: 'enum',
        j: 'checksum',
        k: 'birthdate',
        l: 'region',
        m: 'unknown',
      }),
    ).toEqual({
      a: '请填写此项',
      b: '请填写此项',
      c: '格式不正确',
      d: '格式不正确',
      e: '长度不正确',
      f: '内容过短',
      g: '内容过长',
      h: '数值超出范围',
      i: '请选择有效选项',
      j: '校验位错误，请核对号码',
      k: '出生日期不正确',
      l: '地区码不正确',
      m: '不支持的字段',
    });
  });

  it('falls back to a general hint for a reason it does not know, and to none without fields', () => {
    expect(fieldHints({ 'rows.0.idNumber': 'integer' })).toEqual({ 'rows.0.idNumber': '请检查此项' });
    expect(fieldHints(undefined)).toEqual({});
    expect(fieldHints({})).toEqual({});
  });
});
