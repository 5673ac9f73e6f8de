/**
 * How a health code is shown (regulation rule 4): the colour always named in words, never by colour alone, and
 * what it means at the gate. Pure: pages map replies through these functions and setData once.
 */
import { COLOR_NAMES, COLOR_REASON_TEXT, type Color, type ColorReason } from '../health-code.rules';

export interface ColorView {
  color: Color;
  /** 绿码, 黄码 … */
  name: string;
  /** What it means at the gate, in a few words (on the colour band). */
  meaning: string;
  /**
   * The one explanation under the code: why it has this colour and, for a colour that ends, what ends it. Never
   * a second sentence beside it (the colour's reason is folded in here, not shown apart).
   */
  explanation: string;
}

const MEANING: Record<Color, string> = {
  green: '可正常通行',
  yellow: '现场测温异常，暂不能通行',
  orange: '密切接触或隔离期间，请配合防疫管理',
  red: '请立即配合防疫人员管控',
  bw: '已核实身份，仅记录行程',
};

/** Set by the province (health.setColor): only the province lifts it, whatever the colour. */
const PROVINCIAL = '依省防疫规定调整，由省防疫部门核定后解除。';

/**
 * What ends each colour (API.md 4; the cron timers): orange through quarantineRelease, hourly; bw as soon as the
 * national platform answers; yellow at the next normal reading; red only through the province.
 */
export function codeExplanation(color: Color, reason: ColorReason): string {
  if (color === 'bw')
    return '国家健康数据平台暂时无法核验您的健康状况。平台恢复应答后，本码自动转为您的实际颜色，无需任何操作。';
  if (color === 'green') return `${COLOR_REASON_TEXT[reason]}。`;
  if (reason === 'provincial') return PROVINCIAL;
  if (color === 'orange')
    return `${COLOR_REASON_TEXT[reason]}。隔离期满后，若期满当天或之后的最近一次健康打卡无症状，且国家平台核验无新的风险，系统每小时核对一次，自动恢复绿码。`;
  if (color === 'yellow')
    return `${COLOR_REASON_TEXT[reason]}。体温恢复正常后，经任意扫码员测温登记即恢复绿码。`;
  return `${COLOR_REASON_TEXT[reason]}。红码须经省防疫部门核实后解除，不会自动转变。`;
}

export function colorView(color: Color, reason: ColorReason): ColorView {
  return {
    color,
    name: COLOR_NAMES[color],
    meaning: MEANING[color],
    explanation: codeExplanation(color, reason),
  };
}

export { shanghaiClock } from '../calendar';

export function decisionText(decision: 'allow' | 'deny'): string {
  return decision === 'allow' ? '准予通行' : '禁止通行';
}
