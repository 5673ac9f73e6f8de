/** How the risk-list import reads: what was found in the file, the progress of the batches, the summary. Pure. */
import type { RiskStatus } from '../../core/health-code.rules';
import { maskIdNumber } from '../../core/identity';
import { shanghaiClock } from '../../core/calendar';
import type { RiskListProblem, RiskListRow } from './risk-list';

export const RISK_STATUS_NAMES: Record<RiskStatus, string> = {
  confirmed: '确诊',
  suspected: '疑似',
  close_contact: '密接',
  quarantine: '隔离',
  cleared: '解除',
};

/** Problems shown at once; the rest are counted. */
export const PROBLEMS_SHOWN = 50;
/** Rows shown as a sample of what will be sent. */
export const PREVIEW_ROWS = 5;

/** 2500 → `2,500`. */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export interface Totals {
  matched: number;
  updated: number;
  unknown: number;
}

export const NO_TOTALS: Totals = { matched: 0, updated: 0, unknown: 0 };

export const addTotals = (a: Totals, b: Totals): Totals => ({
  matched: a.matched + b.matched,
  updated: a.updated + b.updated,
  unknown: a.unknown + b.unknown,
});

export function previewRow(row: RiskListRow) {
  return {
    line: row.line,
    idNumber: maskIdNumber(row.idNumber),
    status: RISK_STATUS_NAMES[row.status],
    until: row.quarantineUntil ? `隔离至 ${shanghaiClock(new Date(row.quarantineUntil)).slice(0, 16)}` : '',
  };
}

/** What the page shows once a file is read, before anything is sent. */
export function fileView(
  fileName: string,
  format: 'csv' | 'xlsx',
  rows: RiskListRow[],
  problems: RiskListProblem[],
  batches: number,
) {
  return {
    fileName,
    format: format === 'xlsx' ? 'Excel 工作簿' : 'CSV',
    good: rows.length,
    goodText: thousands(rows.length),
    bad: problems.length,
    batches,
    problems: problems.slice(0, PROBLEMS_SHOWN),
    moreProblems: Math.max(0, problems.length - PROBLEMS_SHOWN),
    preview: rows.slice(0, PREVIEW_ROWS).map(previewRow),
  };
}

/** `批次 3/10 · 已导入 2,000/9,500 行`: the batch being sent (or the last one), and the rows already imported. */
export function progressText(batch: number, of: number, rowsDone: number, rowsTotal: number): string {
  return `批次 ${batch}/${of} · 已导入 ${thousands(rowsDone)}/${thousands(rowsTotal)} 行`;
}

export function summaryText(totals: Totals, rowsSent: number): string {
  return (
    `已导入 ${thousands(rowsSent)} 行：匹配已登记人员 ${thousands(totals.matched)} 人，` +
    `其中健康码标记更新 ${thousands(totals.updated)} 人；未登记 ${thousands(totals.unknown)} 人（标记在其登记时生效）。`
  );
}

/**
 * Why a batch was refused, by the lines of the file: a row the server named (`rows.N.idNumber`) is line
 * `batch[N].line`.
 */
export function batchFailureText(
  index: number,
  batch: RiskListRow[],
  error: { message: string; fields?: Record<string, string> },
): string {
  const lines = Object.keys(error.fields ?? {})
    .map((key) => /^rows\.(\d+)\./.exec(key)?.[1])
    .filter((i): i is string => i !== undefined)
    .map((i) => batch[Number(i)]?.line)
    .filter((line): line is number => line !== undefined);
  const where = `第 ${index + 1} 批（第 ${thousands(batch[0]!.line)}–${thousands(batch[batch.length - 1]!.line)} 行）`;
  const rows = lines.length > 0 ? `，问题在第 ${lines.map(thousands).join('、')} 行` : '';
  return `${where}未能导入：${error.message}${rows}。之前的批次已导入，可修改后重新选择文件，或点“继续导入”重试本批。`;
}
