/** The words of the scanner hierarchy (regulation rules 6–14; API.md section 2). */

/**
 * 发起 / 高级 / 中级 / 普通 扫码员, and (v1.1, rule 15) 有关部门: a region's department that receives and handles the
 * alerts of its region. An agency is a position like the others (created, claimed, disabled, activated) but not a
 * scanner: it scans nothing and sees no scan lists.
 */
export const ROLES = ['initiator', 'senior', 'intermediate', 'ordinary', 'agency'] as const;
export type Role = (typeof ROLES)[number];

/** The roles of the scanner hierarchy: everyone but the agencies. */
export const SCANNER_ROLES = [
  'initiator',
  'senior',
  'intermediate',
  'ordinary',
] as const satisfies readonly Role[];

export const ROLE_NAMES: Record<Role, string> = {
  initiator: '发起扫码员',
  senior: '高级扫码员',
  intermediate: '中级扫码员',
  ordinary: '普通扫码员',
  agency: '有关部门',
};

export const SITE_TYPES = [
  'gov',
  'department',
  'village',
  'station',
  'market',
  'mall',
  'supermarket',
  'shop',
  'hospital',
  'school',
  'bank',
  'residential',
  'building',
  'other',
  'city_bureau',
] as const;
export type SiteType = (typeof SITE_TYPES)[number];

/** Public places (rule 9: 农贸市场、商场、超市、店铺、医院、学校、银行、居民小区等公共场所; API.md 2). */
export const PUBLIC_PLACE_TYPES = [
  'market',
  'mall',
  'supermarket',
  'shop',
  'hospital',
  'school',
  'bank',
  'residential',
  'building',
  'other',
] as const satisfies readonly SiteType[];

/**
 * The types of site each role may create (rule 6, rule 9; API.md v1.1 `createSite`): the initiator any; a senior
 * its departments and subsidiaries, unit sites on application, and the villages (村/社区) of a 乡镇（街道）; an
 * intermediate at a village site the public places the village opens; an ordinary scanner none. A type added to
 * SITE_TYPES later is the initiator's until it is listed here.
 */
export const CREATABLE_SITE_TYPES: Record<Role, readonly SiteType[]> = {
  initiator: SITE_TYPES,
  senior: ['gov', 'department', 'village', 'station', ...PUBLIC_PLACE_TYPES],
  intermediate: PUBLIC_PLACE_TYPES,
  ordinary: [],
  agency: [],
};

/** pending: created, waiting for its holder to claim the invite. */
export const POSITION_STATUSES = ['pending', 'active', 'disabled'] as const;
export type PositionStatus = (typeof POSITION_STATUSES)[number];

/** Why a position was disabled: by a superior, with its superior (cascade), silent 15 days, or off its site. */
export const DISABLE_REASONS = ['manual', 'cascade', 'silent', 'geofence'] as const;
export type DisableReason = (typeof DISABLE_REASONS)[number];

/** Default geofence radius of a site, in metres (API.md `goOnDuty`). */
export const DEFAULT_SITE_RADIUS_M = 1000;

/** Which roles each role may create (rule 6; API.md `createPosition`). */
export const CREATABLE_ROLES: Record<Role, readonly Role[]> = {
  initiator: ['senior', 'agency'],
  senior: ['intermediate', 'ordinary'],
  intermediate: ['ordinary'],
  ordinary: [],
  agency: [],
};

/** Site types in the words people use (API.md 2). */
export const SITE_TYPE_NAMES: Record<SiteType, string> = {
  gov: '机关/政务大厅', department: '内设部门/直属机构', village: '村/社区便民服务中心', station: '车站',
  market: '农贸市场', mall: '商场', supermarket: '超市', shop: '店铺', hospital: '医院', school: '学校',
  bank: '银行', residential: '居民小区', building: '楼宇', other: '其他', city_bureau: '市政务服务局',
}; // prettier-ignore
