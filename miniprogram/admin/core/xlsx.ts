/**
 * The first worksheet of an .xlsx file as rows of cells — the little of Office Open XML (ECMA-376) a list needs:
 * the zip (fflate), the workbook's first sheet, shared strings, inline strings, numbers, booleans. Pure: no wx, no
 * Node; a regular-expression reader, since a worksheet's XML is flat and no DOM parser exists in a mini-program.
 * Formulas are read by their cached value; styles are not read (a date is the number Excel stores: see
 * risk-list.ts).
 */
import { strFromU8, unzipSync } from 'fflate';

/** A cell as stored: its text, and whether Excel stored it as a number (dates and long digit strings are). */
export interface XlsxCell {
  text: string;
  numeric: boolean;
}

/** A worksheet row: its row number (as Excel shows it) and its cells by column (A = 0; gaps are empty). */
export interface XlsxRow {
  line: number;
  cells: XlsxCell[];
}

export class XlsxError extends Error {}

const EMPTY: XlsxCell = { text: '', numeric: false };

/** XML text with its five entities and character references decoded, and OOXML's `_x000D_` escapes. */
export function xmlText(raw: string): string {
  return raw
    .replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, ref: string) => {
      if (ref[0] === '#')
        return String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
      return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[ref] ?? '';
    })
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out[m[1]] = xmlText(m[2] ?? m[3]);
  return out;
}

const patterns = new Map<string, RegExp>();

/** Every element of this local name (any namespace prefix): its attributes and inner XML ('' when empty). */
function elements(xml: string, name: string): Array<{ attrs: Record<string, string>; inner: string }> {
  let pattern = patterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`<(?:\\w+:)?${name}((?:\\s[^>]*?)?)(?:/>|>([\\s\\S]*?)</(?:\\w+:)?${name}>)`, 'g');
    patterns.set(name, pattern);
  }
  return [...xml.matchAll(pattern)].map((m) => ({ attrs: attributes(m[1] ?? ''), inner: m[2] ?? '' }));
}

/** The visible text of a string item (`<si>`, `<is>`): its runs' `<t>`, without phonetic guides (`<rPh>`). */
function stringItem(inner: string): string {
  const visible = inner.replace(/<(?:\w+:)?rPh\b[\s\S]*?<\/(?:\w+:)?rPh>/g, '');
  return elements(visible, 't')
    .map((t) => xmlText(t.inner))
    .join('');
}

/** `B12` → column 1 (A = 0). */
function columnOf(ref: string | undefined): number | null {
  const letters = /^([A-Z]+)\d*$/i.exec(ref ?? '')?.[1];
  if (!letters) return null;
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function cellOf(attrs: Record<string, string>, inner: string, shared: string[]): XlsxCell {
  const value = elements(inner, 'v')[0]?.inner;
  switch (attrs.t) {
    case 's': {
      const text = shared[Number(value)];
      if (text === undefined) throw new XlsxError('共享字符串缺失');
      return { text, numeric: false };
    }
    case 'inlineStr':
      return { text: stringItem(elements(inner, 'is')[0]?.inner ?? ''), numeric: false };
    case 'str':
    case 'e':
    case 'd':
      return { text: xmlText(value ?? ''), numeric: false };
    case 'b':
      return { text: value === '1' ? 'TRUE' : 'FALSE', numeric: false };
    default:
      return value === undefined ? EMPTY : { text: xmlText(value).trim(), numeric: true };
  }
}

/** The path in the zip of the workbook's first sheet, from workbook.xml and its relationships. */
function firstSheetPath(files: Record<string, Uint8Array>): string {
  const fallback = 'xl/worksheets/sheet1.xml';
  const workbook = files['xl/workbook.xml'];
  const rels = files['xl/_rels/workbook.xml.rels'];
  if (!workbook || !rels) return fallback;
  const sheet = elements(strFromU8(workbook), 'sheet')[0];
  const id = sheet?.attrs['r:id'] ?? Object.entries(sheet?.attrs ?? {}).find(([k]) => k.endsWith(':id'))?.[1];
  const target = elements(strFromU8(rels), 'Relationship').find((r) => r.attrs.Id === id)?.attrs.Target;
  if (!target) return fallback;
  return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
}

function unzip(bytes: Uint8Array, wanted: (name: string) => boolean): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes, { filter: (file) => wanted(file.name) });
  } catch {
    throw new XlsxError('文件不是有效的 .xlsx（无法解压）');
  }
}

/** The rows of the first worksheet that have a cell, in order. Throws XlsxError when the file is not an .xlsx. */
export function readFirstSheet(bytes: Uint8Array): XlsxRow[] {
  const index = unzip(bytes, (name) => name === 'xl/workbook.xml' || name === 'xl/_rels/workbook.xml.rels');
  const sheetPath = firstSheetPath(index);
  const files = unzip(bytes, (name) => name === sheetPath || name === 'xl/sharedStrings.xml');
  const sheet = files[sheetPath];
  if (!sheet) throw new XlsxError('文件中没有工作表');
  const sharedXml = files['xl/sharedStrings.xml'];
  const shared = sharedXml ? elements(strFromU8(sharedXml), 'si').map((si) => stringItem(si.inner)) : [];
  const data = elements(strFromU8(sheet), 'sheetData')[0]?.inner ?? '';
  const rows: XlsxRow[] = [];
  let previous = 0;
  for (const row of elements(data, 'row')) {
    const line = Number(row.attrs.r) || previous + 1;
    previous = line;
    const cells: XlsxCell[] = [];
    for (const c of elements(row.inner, 'c')) {
      const column = columnOf(c.attrs.r) ?? cells.length;
      while (cells.length < column) cells.push(EMPTY);
      cells[column] = cellOf(c.attrs, c.inner, shared);
    }
    if (cells.length > 0) rows.push({ line, cells });
  }
  return rows;
}
