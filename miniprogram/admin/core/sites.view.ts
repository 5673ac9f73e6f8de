/** Sites as the sites page shows them (API.md v1.1 `org.sites`, `org.createSite`). Pure. */
import type { OrgReplies } from '../../core/contracts/org.contract';
import type { FieldErrors } from '../../core/errors';
import { CREATABLE_SITE_TYPES, SITE_TYPE_NAMES, type Role, type SiteType } from '../../core/org';

export { SITE_TYPE_NAMES };
import { regionName } from '../../core/regions';
import { fieldHints } from '../../core/views/form-errors.view';

type Site = OrgReplies['sites']['items'][number];

/**
 * The site types this position may create (rule 6, rule 9; core/org.ts CREATABLE_SITE_TYPES): an intermediate
 * only at a village site. The server decides; the page offers no more than the role may create.
 */
export function creatableSiteTypes(
  role: Role,
  ownSiteType: SiteType,
): Array<{ value: SiteType; label: string }> {
  if (role === 'intermediate' && ownSiteType !== 'village') return [];
  return CREATABLE_SITE_TYPES[role].map((value) => ({ value, label: SITE_TYPE_NAMES[value] }));
}

export interface SiteRow {
  siteId: string;
  name: string;
  title: string;
  detail: string;
  regionCode: string;
}

export function siteRowOf(site: Site): SiteRow {
  return {
    siteId: site.siteId,
    name: site.name,
    title: `${site.name}（${SITE_TYPE_NAMES[site.type] ?? site.type}）`,
    detail: `${site.address} · 半径 ${site.radiusM} 米 · ${regionName(site.regionCode)}（${site.regionCode}）`,
    regionCode: site.regionCode,
  };
}

/** What the site form says under each field the server refused (API.md `fields`; docs/api.md org). */
const SITE_FIELD_TEXT: Record<string, Record<string, string>> = {
  name: {
    empty: '请填写站点名称',
    tooLong: '站点名称最多40个字',
    format: '名称不能含引号、尖括号、链接或控制字符',
  },
  address: { empty: '请填写地址', tooLong: '地址最多120个字', format: '地址不能含控制字符' },
  radiusM: { range: '半径为50至50000米', type: '请填写数字' },
  regionCode: {
    format: '请填写吉林省的六位地区代码，如220102',
    range: '须在上级站点所在地区之内',
    tooShort: '请填写六位地区代码',
    tooLong: '请填写六位地区代码',
    empty: '请填写六位地区代码',
  },
  location: { required: '请在地图上选择站点位置' },
  type: { required: '请选择站点类型', enum: '请选择站点类型' },
};

export function siteFormHints(fields: FieldErrors | undefined): Record<string, string> {
  const hints = fieldHints(fields);
  for (const [field, reason] of Object.entries(fields ?? {})) {
    const key = field.split('.')[0]!;
    const text = SITE_FIELD_TEXT[key]?.[reason];
    if (text) hints[key] = text;
  }
  return hints;
}

/** The radius typed in the form as the API takes it: a number, or nothing (the default, 1000 m). */
export function radiusOf(typed: string): number | undefined {
  const text = typed.trim();
  if (text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
