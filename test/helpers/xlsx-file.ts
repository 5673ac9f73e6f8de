/**
 * A real .xlsx built in memory (fflate's zipSync over the Office Open XML parts Excel writes): the risk list a
 * provincial office would pick, for tests of the parser and of the import page. Strings go to the shared-strings
 * table (as Excel does) or inline (as some exporters do); numbers are number cells (as Excel stores dates).
 */
import { strToU8, zipSync } from 'fflate';

export type XlsxValue = string | number | null;

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const column = (i: number): string =>
  (i < 26 ? '' : column(Math.floor(i / 26) - 1)) + String.fromCharCode(65 + (i % 26));

export function xlsxOf(
  rows: XlsxValue[][],
  options: { inlineStrings?: boolean; sheetName?: string; firstRow?: number } = {},
): Uint8Array {
  const shared: string[] = [];
  const sharedIndex = new Map<string, number>();
  const firstRow = options.firstRow ?? 1;
  const sheetRows = rows
    .map((cells, r) => {
      const line = r + firstRow;
      const xmlCells = cells
        .map((value, c) => {
          const ref = `${column(c)}${line}`;
          if (value === null) return '';
          if (typeof value === 'number') return `<c r="${ref}" s="1"><v>${value}</v></c>`;
          if (options.inlineStrings)
            return `<c r="${ref}" t="inlineStr"><is><t>${escape(value)}</t></is></c>`;
          if (!sharedIndex.has(value)) {
            sharedIndex.set(value, shared.length);
            shared.push(value);
          }
          return `<c r="${ref}" t="s"><v>${sharedIndex.get(value)}</v></c>`;
        })
        .join('');
      return `<row r="${line}">${xmlCells}</row>`;
    })
    .join('');
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    ),
    '_rels/.rels': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    'xl/workbook.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}" xmlns:r="${rel}"><sheets><sheet name="${escape(options.sheetName ?? '名单')}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ),
    'xl/worksheets/sheet1.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}"><sheetData>${sheetRows}</sheetData></worksheet>`,
    ),
  };
  if (!options.inlineStrings) {
    files['xl/sharedStrings.xml'] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${ns}" count="${shared.length}" uniqueCount="${shared.length}">${shared
        .map((s) => `<si><t xml:space="preserve">${escape(s)}</t></si>`)
        .join('')}</sst>`,
    );
  }
  return zipSync(files);
}

/** The text as a file's bytes: UTF-8, with Excel's BOM unless told otherwise. */
export function csvOf(text: string, options: { bom?: boolean } = {}): Uint8Array {
  const body = strToU8(text);
  if (options.bom === false) return body;
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(body, 3);
  return out;
}
