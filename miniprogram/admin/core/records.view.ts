/**
 * How a scan or an alert reads in its detail, and what a refused reveal says (rule 11: full identities only with
 * the provincial office's authorisation, every look audited). Pure.
 */
import { shanghaiClock } from '../../core/calendar';
import type { RecordsReplies } from '../../core/contracts/records.contract';
import { COLOR_NAMES } from '../../core/health-code.rules';
import { ROLE_NAMES } from '../../core/org';
import { decisionText } from '../../core/views/health-code.view';
import { ALERT_KIND_NAMES } from './alerts.view';

type ScanItem = RecordsReplies['scans']['items'][number];
type AlertItem = RecordsReplies['alerts']['items'][number];

export interface DetailView {
  /** The scan whose person may be revealed; empty when there is none (a forced entry). */
  scanId: string;
  title: string;
  lines: Array<{ label: string; value: string }>;
}

export function scanDetail(s: ScanItem): DetailView {
  return {
    scanId: s.scanId,
    title: '扫码记录',
    lines: [
      { label: '时间', value: shanghaiClock(new Date(s.at)) },
      { label: '站点', value: s.site.name },
      { label: '人员', value: `${s.person.name} ${s.person.idNumber}`.trim() },
      { label: '健康码', value: COLOR_NAMES[s.color] },
      { label: '体温', value: `${s.temperature}℃` },
      { label: '结果', value: decisionText(s.decision) },
      { label: '扫码员', value: `${ROLE_NAMES[s.scanner.role] ?? s.scanner.role} ${s.scanner.name}`.trim() },
    ],
  };
}

export function alertDetail(a: AlertItem): DetailView {
  const lines = [
    { label: '时间', value: shanghaiClock(new Date(a.at)) },
    { label: '类型', value: ALERT_KIND_NAMES[a.kind] },
    { label: '站点', value: a.site.name },
  ];
  if (a.person) lines.push({ label: '人员', value: a.person.name });
  if (a.color) lines.push({ label: '健康码', value: COLOR_NAMES[a.color] });
  if (a.temperature !== undefined) lines.push({ label: '体温', value: `${a.temperature}℃` });
  if (!a.scanId) lines.push({ label: '说明', value: '强行闯入未扫码，没有可查阅的身份信息' });
  return { scanId: a.scanId ?? '', title: '异常提醒', lines };
}

/** What a refused reveal tells the person who asked. */
export function revealRefusal(error: { code: string; message: string }): string {
  if (error.code === 'NO_GRANT')
    return '您没有有效的查阅授权（未授权、授权已过期，或账号持有人变更后授权失效）。查阅完整身份须经省“数字吉林”建设领导小组办公室授权，请联系省政数局。';
  if (error.code === 'FORBIDDEN') return '该记录不在您的查阅范围内';
  return error.message;
}
