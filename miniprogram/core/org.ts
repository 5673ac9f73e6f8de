/** The words of the scanner hierarchy (regulation rules 6–14; API.md section 2). */

/** 发起 / 高级 / 中级 / 普通 扫码员. */
export const ROLES = ['initiator', 'senior', 'intermediate', 'ordinary'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  initiator: '发起扫码员',
  senior: '高级扫码员',
  intermediate: '中级扫码员',
  ordinary: '普通扫码员',
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
] as const;
export type SiteType = (typeof SITE_TYPES)[number];

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
  initiator: ['senior'],
  senior: ['intermediate', 'ordinary'],
  intermediate: ['ordinary'],
  ordinary: [],
};
