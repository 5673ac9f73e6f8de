/**
 * How a health code is shown (regulation rule 4): the colour always named in words, never by colour alone, and
 * what it means at the gate. Pure: pages map replies through these functions and setData once.
 */
import { COLOR_NAMES, COLOR_REASON_TEXT, type Color, type ColorReason } from '../health-code.rules';

export interface ColorView {
  color: Color;
  /** 绿码, 黄码 … */
  name: string;
  /** What the holder may do with it. */
  meaning: string;
  /** Why the code has this colour. */
  reason: string;
}

const MEANING: Record<Color, string> = {
  green: '可正常通行',
  yellow: '现场测温异常，体温恢复正常经任意扫码员测温登记后可恢复绿码',
  orange: '密切接触或隔离期间，请配合防疫管理',
  red: '请立即配合防疫人员管控',
  bw: '暂未完成国家平台健康核验，本码仅记录行程；平台恢复后将自动更新',
};

export function colorView(color: Color, reason: ColorReason): ColorView {
  return { color, name: COLOR_NAMES[color], meaning: MEANING[color], reason: COLOR_REASON_TEXT[reason] };
}

export { shanghaiClock } from '../calendar';

export function decisionText(decision: 'allow' | 'deny'): string {
  return decision === 'allow' ? '准予通行' : '禁止通行';
}
