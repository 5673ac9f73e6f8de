/**
 * The risk-list file as the provincial office has it (admin/core/risk-list.ts): CSV and XLSX, the header in
 * Chinese or the API's words, bad rows named by their line, batches within API.md v1.1's 1,000 rows.
 */
import { strToU8, unzipSync, zipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiRow,
  parseRiskList,
  quarantineInstant,
  riskBatches,
  riskListSource,
  type RiskListRow,
} from '../../miniprogram/admin/core/risk-list';
import { decodeText, parseDelimited } from '../../miniprogram/admin/core/text-file';
import { readFirstSheet, xmlText } from '../../miniprogram/admin/core/xlsx';
import { idNumberOf } from '../helpers/identities';
import { csvOf, xlsxOf } from '../helpers/xlsx-file';

const TODAY = '2026-12-01';
const A = idNumberOf(1);
const B = idNumberOf(2);
const C = idNumberOf(3);
/** A with its check character changed: a checksum error. */
const BAD = A.slice(0, 17) + (A[17] === '0' ? '1' : '0');

const csv = (text: string, options?: { bom?: boolean }) =>
  parseRiskList({ name: '名单.csv', bytes: csvOf(text, options) }, TODAY);

describe('parseRiskList: CSV', () => {
  it('should read the Chinese header and words, with BOM and CRLF', () => {
    const parsed = csv(`身份证号,状态,隔离截止\r\n${A},确诊,\r\n${B},密接,2026-12-08\r\n${C},解除,\r\n`);
    expect(parsed).toEqual({
      ok: true,
      format: 'csv',
      problems: [],
      rows: [
        { line: 2, idNumber: A, status: 'confirmed' },
        { line: 3, idNumber: B, status: 'close_contact', quarantineUntil: '2026-12-08T23:59:59+08:00' },
        { line: 4, idNumber: C, status: 'cleared' },
      ],
    });
  });

  it('should read the API’s own header in another order, extra columns ignored, no BOM, LF', () => {
    const parsed = csv(`name,status,idNumber,quarantineUntil\n张三,quarantine,${A},2026-12-08T12:00:00Z\n`, {
      bom: false,
    });
    expect(parsed.ok && parsed.rows).toEqual([
      { line: 2, idNumber: A, status: 'quarantine', quarantineUntil: '2026-12-08T20:00:00+08:00' },
    ]);
  });

  it('should name every bad row by its line, and keep the good ones', () => {
    const parsed = csv(
      `身份证号,状态,隔离截止\n${A},确诊,\n${BAD},确诊,\n\n12345,疑似,\n${B},阳性,\n${C},隔离,2026-02-30\n,密接,\n`,
    );
    expect(parsed.ok && parsed.rows.map((r) => r.line)).toEqual([2]);
    expect(parsed.ok && parsed.problems).toEqual([
      { line: 3, text: expect.stringContaining('身份证号校验位错误') },
      { line: 5, text: '身份证号应为 18 位' + '（12345）' },
      { line: 6, text: expect.stringContaining('状态“阳性”无法识别') },
      { line: 7, text: expect.stringContaining('隔离截止“2026-02-30”不是有效日期') },
      { line: 8, text: '缺少身份证号' },
    ]);
    // a problem never shows a whole ID number
    expect(JSON.stringify(parsed)).not.toContain(BAD);
  });

  it('should count lines inside quoted fields, and unquote', () => {
    const parsed = csv(`身份证号,状态,备注\n"${A}","疑似","两行\n备注, 含逗号"\n${B},"密接",""""\n`);
    expect(parsed.ok && parsed.rows.map((r) => [r.line, r.status])).toEqual([
      [2, 'suspected'],
      [4, 'close_contact'],
    ]);
  });

  it('should refuse a file without the header, an empty file, and GBK', () => {
    expect(csv(`${A},确诊\n`)).toEqual({ ok: false, error: expect.stringContaining('第 1 行应为表头') });
    expect(csv('')).toEqual({ ok: false, error: '文件是空的' });
    expect(csv('身份证号,状态\n')).toEqual({ ok: false, error: '文件中只有表头，没有名单行' });
    // “身份证号” in GBK
    const gbk = new Uint8Array([0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, 0xba, 0xc5, 0x0a]);
    expect(parseRiskList({ name: 'gbk.csv', bytes: gbk }, TODAY)).toEqual({
      ok: false,
      error: expect.stringContaining('不是 UTF-8 编码'),
    });
  });

  it('should refuse other kinds of file by name', () => {
    expect(parseRiskList({ name: 'a.xls', bytes: new Uint8Array(4) }, TODAY)).toEqual({
      ok: false,
      error: expect.stringContaining('另存为 .xlsx'),
    });
    expect(parseRiskList({ name: 'a.pdf', bytes: new Uint8Array(4) }, TODAY).ok).toBe(false);
  });
});

describe('parseRiskList: XLSX', () => {
  it('should read a real .xlsx with shared strings and an Excel date', () => {
    // 46364 = 2026-12-08 in Excel's serial dates; 46364.5 its noon
    const bytes = xlsxOf([
      ['身份证号', '状态', '隔离截止'],
      [A, '确诊', null],
      [B, '隔离', 46364],
      [C, '密接', 46364.5],
    ]);
    expect(parseRiskList({ name: 'list.XLSX', bytes }, TODAY)).toEqual({
      ok: true,
      format: 'xlsx',
      problems: [],
      rows: [
        { line: 2, idNumber: A, status: 'confirmed' },
        { line: 3, idNumber: B, status: 'quarantine', quarantineUntil: '2026-12-08T23:59:59+08:00' },
        { line: 4, idNumber: C, status: 'close_contact', quarantineUntil: '2026-12-08T12:00:00+08:00' },
      ],
    });
  });

  it('should read inline strings, gaps between columns, and a sheet that starts lower', () => {
    const bytes = xlsxOf(
      [
        ['idNumber', null, 'status'],
        [A, null, 'suspected'],
      ],
      { inlineStrings: true, firstRow: 3 },
    );
    const parsed = parseRiskList({ name: 'l.xlsx', bytes }, TODAY);
    expect(parsed.ok && parsed.rows).toEqual([{ line: 4, idNumber: A, status: 'suspected' }]);
  });

  it('should tell an ID number that Excel stored as a number', () => {
    const bytes = xlsxOf([
      ['身份证号', '状态'],
      [2.20102199001011e17, '确诊'],
    ]);
    const parsed = parseRiskList({ name: 'l.xlsx', bytes }, TODAY);
    expect(parsed.ok && parsed.problems).toEqual([{ line: 2, text: expect.stringContaining('被存为数字') }]);
  });

  it('should refuse a file that is not a zip', () => {
    expect(parseRiskList({ name: 'l.xlsx', bytes: csvOf('身份证号,状态\n') }, TODAY)).toEqual({
      ok: false,
      error: '文件不是有效的 .xlsx（无法解压）',
    });
  });

  it('should decode XML entities and OOXML escapes, and skip phonetic guides', () => {
    expect(xmlText('A&amp;B &lt;&#x4E2D;&#25991;&gt; _x000D_')).toBe('A&B <中文> \r');
    // a Japanese or Chinese workbook may carry a reading (<rPh>) beside the text: not part of the value
    const files = unzipSync(xlsxOf([['确诊']]));
    files['xl/sharedStrings.xml'] = strToU8(
      '<sst><si><r><t>确</t></r><r><t>诊</t></r><rPh sb="0" eb="2"><t>quezhen</t></rPh></si></sst>',
    );
    expect(readFirstSheet(zipSync(files))[0]!.cells[0]!.text).toBe('确诊');
    const rows = readFirstSheet(xlsxOf([['a & b', 1.5]]));
    expect(rows).toEqual([
      {
        line: 1,
        cells: [
          { text: 'a & b', numeric: false },
          { text: '1.5', numeric: true },
        ],
      },
    ]);
  });
});

describe('quarantineInstant', () => {
  const text = (t: string) => quarantineInstant({ text: t, numeric: false });
  it('should read the usual ways of writing a date in Shanghai time', () => {
    expect(text('2026/12/8')).toBe('2026-12-08T23:59:59+08:00');
    expect(text('2026年12月8日')).toBe('2026-12-08T23:59:59+08:00');
    expect(text('2026-12-08 08:30')).toBe('2026-12-08T08:30:00+08:00');
    expect(text('2026-12-07T16:00:00-08:00')).toBe('2026-12-08T08:00:00+08:00');
  });
  it('should refuse what is no date of 1970–2100', () => {
    for (const t of ['2026-13-01', '2026-12-08 24:00', '2101-01-01', 'tomorrow', '2026-02-29'])
      expect(text(t)).toBeNull();
  });
});

describe('riskBatches', () => {
  const rows = (n: number): RiskListRow[] =>
    Array.from({ length: n }, (_, i) => ({
      line: i + 2,
      idNumber: idNumberOf(i),
      status: 'confirmed' as const,
    }));

  it('should send 2,500 rows in 3 calls of at most 1,000, in order', () => {
    const batches = riskBatches(rows(2500));
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches.flat().map((r) => r.line)).toEqual(rows(2500).map((r) => r.line));
  });

  it('should keep each call’s JSON under the byte budget', () => {
    const batches = riskBatches(rows(100), 1000, 2000);
    for (const batch of batches) expect(JSON.stringify(batch.map(apiRow)).length).toBeLessThanOrEqual(2000);
    expect(batches.length).toBeGreaterThan(1);
  });
});

describe('text files', () => {
  it('should decode UTF-16 with its BOM, and refuse broken UTF-8', () => {
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x2d, 0x4e]))).toBe('中');
    expect(decodeText(new Uint8Array([0xe4, 0xb8]))).toBeNull();
    expect(decodeText(new Uint8Array([0xc0, 0x80]))).toBeNull();
    expect(decodeText(new TextEncoder().encode('𠀀a'))).toBe('𠀀a');
  });
  it('should read tab-separated text', () => {
    expect(parseDelimited('a\tb\r\nc\td')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['c', 'd'] },
    ]);
  });
  it('should name the source without control characters, at most 100 characters', () => {
    expect(riskListSource('名单\u202e.csv')).toBe('名单.csv');
    expect([...riskListSource('长'.repeat(150))]).toHaveLength(100);
  });
});

describe('the admin subpackage’s own npm', () => {
  it('should pin the versions the root installs', () => {
    const root = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const admin = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'miniprogram', 'admin', 'package.json'), 'utf8'),
    );
    for (const [name, version] of Object.entries(admin.dependencies as Record<string, string>))
      expect(root.devDependencies[name] ?? root.dependencies[name]).toBe(version);
  });
});
