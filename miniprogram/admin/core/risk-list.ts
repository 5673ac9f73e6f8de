/**
 * The province's risk list as the office has it (rule 4: 省防疫部门的风险人员名单), read on the initiator's phone in
 * the admin subpackage: a .csv or an .xlsx with a header row — 身份证号 / 状态 / 隔离截止, or idNumber / status /
 * quarantineUntil, in any order, other columns ignored — checked row by row before anything is sent, so that the
 * office sees every bad row with its line number, then sent in batches that API.md v1.1 takes (1–1,000 rows, and
 * far below the 1 MB call limit). Pure: bytes and today's date in, rows and problems out.
 */
import { RISK_LIST_MAX_ROWS } from '../../core/contracts/health.contract';
import type { RiskStatus } from '../../core/health-code.rules';
import { checkIdNumber, maskIdNumber, type IdNumberProblem } from '../../core/identity';
import { decodeText, parseDelimited } from './text-file';
import { readFirstSheet, XlsxError, type XlsxCell } from './xlsx';

/** One row to send, with the line of the file it came from. */
export interface RiskListRow {
  line: number;
  idNumber: string;
  status: RiskStatus;
  /** ISO-8601 with +08:00; only for close contacts and quarantines. */
  quarantineUntil?: string;
}

export interface RiskListProblem {
  line: number;
  text: string;
}

export type ParsedRiskList =
  | { ok: true; format: 'csv' | 'xlsx'; rows: RiskListRow[]; problems: RiskListProblem[] }
  | { ok: false; error: string };

/** The largest JSON of one importRiskList call this client sends: far below the 1 MB call limit (API.md 1). */
export const RISK_BATCH_MAX_BYTES = 256 * 1024;

/** The words of the list, Chinese or the API's own. */
const STATUS_WORDS: Record<string, RiskStatus> = {
  确诊: 'confirmed',
  确诊病例: 'confirmed',
  疑似: 'suspected',
  疑似病例: 'suspected',
  密接: 'close_contact',
  密切接触: 'close_contact',
  密切接触者: 'close_contact',
  隔离: 'quarantine',
  居家隔离: 'quarantine',
  集中隔离: 'quarantine',
  解除: 'cleared',
  解除隔离: 'cleared',
  解除管控: 'cleared',
  confirmed: 'confirmed',
  suspected: 'suspected',
  close_contact: 'close_contact',
  quarantine: 'quarantine',
  cleared: 'cleared',
};

const HEADERS: Record<'idNumber' | 'status' | 'quarantineUntil', string[]> = {
  idNumber: ['身份证号', '身份证号码', '公民身份号码', 'idnumber'],
  status: ['状态', '风险状态', '人员状态', 'status'],
  quarantineUntil: ['隔离截止', '隔离截止时间', '隔离截止日期', '隔离至', 'quarantineuntil'],
};

const ID_PROBLEM_TEXT: Record<IdNumberProblem, string> = {
  length: '身份证号应为 18 位',
  format: '身份证号格式不正确',
  region: '身份证号地区码不正确',
  birthdate: '身份证号出生日期不正确',
  checksum: '身份证号校验位错误',
};

interface TableRow {
  line: number;
  cells: XlsxCell[];
}

const normalHeader = (text: string) => text.replace(/\s+/g, '').toLowerCase();

/** Shown in a problem: enough to find the row, not a whole identity on the screen. */
const shown = (text: string) => (text.length >= 8 ? maskIdNumber(text) : text);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant in Asia/Shanghai's wall clock as ISO-8601 with +08:00, if it is a real date from 1970 to 2100. */
function shanghaiInstant(y: number, mo: number, d: number, h: number, mi: number, s: number): string | null {
  const wall = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (
    wall.getUTCFullYear() !== y ||
    wall.getUTCMonth() !== mo - 1 ||
    wall.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59 ||
    y < 1970 ||
    y > 2100
  )
    return null;
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}+08:00`;
}

/**
 * 隔离截止 as an instant: a date alone is the end of that day in Asia/Shanghai (the quarantine runs through it);
 * a date and time without offset is Shanghai's wall clock; ISO-8601 with an offset is taken as written; a number
 * from an .xlsx is Excel's serial date (days since 1899-12-30, Shanghai's wall clock). Null if it is none of these.
 */
export function quarantineInstant(cell: XlsxCell): string | null {
  const text = cell.text.trim();
  if (cell.numeric && /^\d+(\.\d+)?$/.test(text)) {
    const serial = Number(text);
    const days = Math.floor(serial);
    const wall = new Date(Date.UTC(1899, 11, 30) + days * 86_400_000);
    const seconds = Math.round((serial - days) * 86_400);
    const [h, mi, s] =
      seconds === 0
        ? [23, 59, 59]
        : [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
    if (h > 23) return null;
    return shanghaiInstant(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate(), h, mi, s);
  }
  const local = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(
    text,
  );
  if (local) {
    const [y, mo, d] = [Number(local[1]), Number(local[2]), Number(local[3])];
    if (local[4] === undefined) return shanghaiInstant(y, mo, d, 23, 59, 59);
    return shanghaiInstant(y, mo, d, Number(local[4]), Number(local[5]), Number(local[6] ?? 0));
  }
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|([+-])(\d{2}):?(\d{2}))$/.exec(text);
  if (!iso) return null;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(iso[i] ?? 0));
  if (!shanghaiInstant(y, mo, d, h, mi, s)) return null;
  const offsetMin = iso[7] === 'Z' ? 0 : (iso[8] === '-' ? -1 : 1) * (Number(iso[9]) * 60 + Number(iso[10]));
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s) - offsetMin * 60_000 + 8 * 3600_000);
  return shanghaiInstant(
    at.getUTCFullYear(),
    at.getUTCMonth() + 1,
    at.getUTCDate(),
    at.getUTCHours(),
    at.getUTCMinutes(),
    at.getUTCSeconds(),
  );
}

/** The status a cell names, or null. */
export function riskStatusOf(text: string): RiskStatus | null {
  return STATUS_WORDS[text.replace(/\s+/g, '').toLowerCase()] ?? null;
}

function rowOf(
  row: TableRow,
  columns: Record<keyof typeof HEADERS, number>,
  today: string,
): RiskListRow | RiskListProblem {
  const cell = (column: number): XlsxCell => row.cells[column] ?? { text: '', numeric: false };
  const problems: string[] = [];
  const idCell = cell(columns.idNumber);
  const id = checkIdNumber(idCell.text, today);
  if (!id.ok) {
    if (idCell.text.trim() === '') problems.push('缺少身份证号');
    else if (idCell.numeric)
      problems.push('身份证号被存为数字（Excel 只保留 15 位有效数字），请将该列设为文本后重新填写');
    else problems.push(`${ID_PROBLEM_TEXT[id.problem]}（${shown(idCell.text.trim())}）`);
  }
  const statusText = cell(columns.status).text.trim();
  const status = riskStatusOf(statusText);
  if (!status)
    problems.push(
      statusText === ''
        ? '缺少状态'
        : `状态“${statusText.slice(0, 10)}”无法识别（应为 确诊、疑似、密接、隔离 或 解除）`,
    );
  let quarantineUntil: string | undefined;
  const untilCell = columns.quarantineUntil >= 0 ? cell(columns.quarantineUntil) : null;
  // only a quarantine has an end (API.md 4); the server ignores it on other rows, and so does this check
  if (untilCell && untilCell.text.trim() !== '' && (status === 'close_contact' || status === 'quarantine')) {
    const at = quarantineInstant(untilCell);
    if (at) quarantineUntil = at;
    else problems.push(`隔离截止“${untilCell.text.trim().slice(0, 20)}”不是有效日期（如 2026-12-08）`);
  }
  if (problems.length > 0 || !id.ok || !status) return { line: row.line, text: problems.join('；') };
  return { line: row.line, idNumber: id.value, status, ...(quarantineUntil ? { quarantineUntil } : {}) };
}

/** The rows and problems of a table whose first non-empty row is the header. */
export function riskListOfTable(
  table: TableRow[],
  today: string,
): { ok: true; rows: RiskListRow[]; problems: RiskListProblem[] } | { ok: false; error: string } {
  const filled = table.filter((row) => row.cells.some((c) => c.text.trim() !== ''));
  const header = filled[0];
  if (!header) return { ok: false, error: '文件是空的' };
  const names = header.cells.map((c) => normalHeader(c.text));
  const find = (key: keyof typeof HEADERS) => names.findIndex((n) => HEADERS[key].includes(n));
  const columns = {
    idNumber: find('idNumber'),
    status: find('status'),
    quarantineUntil: find('quarantineUntil'),
  };
  if (columns.idNumber < 0 || columns.status < 0) {
    return {
      ok: false,
      error: `第 ${header.line} 行应为表头：身份证号、状态、隔离截止（或 idNumber、status、quarantineUntil）`,
    };
  }
  const rows: RiskListRow[] = [];
  const problems: RiskListProblem[] = [];
  for (const row of filled.slice(1)) {
    const checked = rowOf(row, columns, today);
    if ('text' in checked) problems.push(checked);
    else rows.push(checked);
  }
  if (rows.length === 0 && problems.length === 0) return { ok: false, error: '文件中只有表头，没有名单行' };
  return { ok: true, rows, problems };
}

const isZip = (bytes: Uint8Array) =>
  bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/**
 * The risk list in a file the office picked: `.xlsx` (its first sheet) or `.csv` (UTF-8 with or without BOM, or
 * UTF-16 with BOM; comma or tab). `today` (YYYY-MM-DD in Asia/Shanghai) bounds the birth dates of ID numbers.
 */
export function parseRiskList(file: { name: string; bytes: Uint8Array }, today: string): ParsedRiskList {
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  if (ext === 'xls')
    return { ok: false, error: '不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV UTF-8 后再导入' };
  if (ext !== 'csv' && ext !== 'xlsx') return { ok: false, error: '只支持 .csv 和 .xlsx 文件' };
  if (ext === 'xlsx' || isZip(file.bytes)) {
    try {
      const parsed = riskListOfTable(readFirstSheet(file.bytes), today);
      return parsed.ok ? { ...parsed, format: 'xlsx' } : parsed;
    } catch (err) {
      if (err instanceof XlsxError) return { ok: false, error: err.message };
      throw err;
    }
  }
  const text = decodeText(file.bytes);
  if (text === null) {
    return {
      ok: false,
      error: '文件不是 UTF-8 编码（可能是 GBK）：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入',
    };
  }
  const table = parseDelimited(text).map((r) => ({
    line: r.line,
    cells: r.cells.map((text) => ({ text, numeric: false })),
  }));
  const parsed = riskListOfTable(table, today);
  return parsed.ok ? { ...parsed, format: 'csv' } : parsed;
}

/** What one importRiskList call carries for a row (no line number). */
export function apiRow(row: RiskListRow): { idNumber: string; status: RiskStatus; quarantineUntil?: string } {
  return {
    idNumber: row.idNumber,
    status: row.status,
    ...(row.quarantineUntil ? { quarantineUntil: row.quarantineUntil } : {}),
  };
}

/**
 * The rows in batches, in order: at most `maxRows` (API.md v1.1: 1,000) and at most `maxBytes` of JSON rows each
 * (ASCII: one byte a character), so that no call comes near the 1 MB limit.
 */
export function riskBatches(
  rows: RiskListRow[],
  maxRows = RISK_LIST_MAX_ROWS,
  maxBytes = RISK_BATCH_MAX_BYTES,
): RiskListRow[][] {
  const batches: RiskListRow[][] = [];
  let current: RiskListRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = JSON.stringify(apiRow(row)).length + 1;
    if (current.length > 0 && (current.length >= maxRows || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The source named in the audit (API.md `source`: a free text of at most 100 characters). */
export function riskListSource(fileName: string): string {
  const plain = fileName.replace(
    /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g,
    '',
  );
  return [...plain.trim()].slice(0, 100).join('') || '风险人员名单';
}
