/** How an alert reads in a list (rule 15): what happened, to whom (masked), where, and the reading. Pure. */
import type { AlertKind, AlertOutcome, RecordsReplies } from '../../core/contracts/records.contract';
import { COLOR_NAMES } from '../../core/health-code.rules';

export const ALERT_KIND_NAMES: Record<AlertKind, string> = {
  fever: '体温异常',
  color: '健康码异常',
  replay: '疑似截图转发',
  forced_entry: '强行闯入',
  stale_pass: '离线通行证过期',
};

/** What an agency did about an alert (API.md v1.1 `handleAlert`), in the order the handling form offers them. */
export const ALERT_OUTCOME_NAMES: Record<AlertOutcome, string> = {
  contacted: '已联系',
  tested: '已核酸检测',
  isolated: '已隔离',
  cleared: '已排除',
  other: '其他',
};

type AlertItem = RecordsReplies['alerts']['items'][number];

/** The title and detail lines of one alert; a forced entry names nobody and has no reading. */
export function alertLines(alert: AlertItem): { title: string; detail: string } {
  const kind = ALERT_KIND_NAMES[alert.kind];
  const reading = [
    alert.site.name,
    alert.color ? COLOR_NAMES[alert.color] : '',
    alert.temperature !== undefined ? `${alert.temperature}℃` : '',
  ].filter(Boolean);
  return {
    title: alert.person ? `${kind} · ${alert.person.name}` : kind,
    detail: reading.join(' · '),
  };
}
