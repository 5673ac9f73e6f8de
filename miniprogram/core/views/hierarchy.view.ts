/**
 * The scanner hierarchy as the 码上行动 pages show it (rules 6, 10, 12): my identities with the pages each uses,
 * and the positions below me as a tree, with what I may do to each. Pure.
 */
import type { OrgReplies } from '../contracts/org.contract';
import type { ScanReplies } from '../contracts/scan.contract';
import { shanghaiClock } from '../calendar';
import { CREATABLE_ROLES, ROLE_NAMES, type Role } from '../org';
import { DISABLE_REASON_TEXT } from '../sms';

type Identity = ScanReplies['roles']['items'][number];
type Subordinate = OrgReplies['subordinates']['items'][number];

const STATUS_TEXT = { active: '正常', pending: '待认领', disabled: '已禁用' } as const;

/** One identity on the roles page, with the pages its role uses (all within three taps of the code page). */
export interface IdentityRow {
  positionId: string;
  title: string;
  status: string;
  active: boolean;
  disabled: boolean;
  /** 上岗扫码: every scanning role (not the initiator, rule 7; not an agency). */
  canScan: boolean;
  /** 下级管理: a role that creates positions. */
  canManage: boolean;
  /** 站点: a role that creates sites (an intermediate only at a village, rule 9). */
  canSites: boolean;
  /** 扫码数据. */
  canRecords: boolean;
  /** 省级工作台: the initiator. */
  canDesk: boolean;
  /** 有关部门工作台 (rule 15). */
  canAgency: boolean;
  /** 市政务服务局：申请转报 (rule 14): the senior of a city bureau. */
  canBureau: boolean;
  /** 申请激活 (rule 10): a disabled position asks its superior. */
  canRequest: boolean;
}

export function identityRowOf(identity: Identity): IdentityRow {
  const active = identity.status === 'active';
  const role = identity.role;
  return {
    positionId: identity.positionId,
    title: `${ROLE_NAMES[role]} · ${identity.site.name}`,
    status: STATUS_TEXT[identity.status],
    active,
    disabled: identity.status === 'disabled',
    canScan: active && role !== 'initiator' && role !== 'agency',
    canManage: active && CREATABLE_ROLES[role].length > 0,
    canSites:
      active &&
      (role === 'initiator' ||
        role === 'senior' ||
        (role === 'intermediate' && identity.site.type === 'village')),
    canRecords: active && role !== 'agency',
    canDesk: active && role === 'initiator',
    canAgency: active && role === 'agency',
    canBureau: active && role === 'senior' && identity.site.type === 'city_bureau',
    canRequest: identity.status === 'disabled',
  };
}

/** One position below me in the tree page. */
export interface SubordinateRow {
  positionId: string;
  /** 1 for my direct subordinates, 2 below them … (the list is in tree order). */
  depth: number;
  roleName: string;
  title: string;
  detail: string;
  status: string;
  tone: 'success' | 'warning' | 'danger';
  disabled: boolean;
  canDisable: boolean;
  canActivate: boolean;
  canReplace: boolean;
  /** The holder asked for activation (rule 10): when, and their note. */
  request: { at: string; note: string } | null;
}

function statusOf(p: Subordinate): { status: string; tone: SubordinateRow['tone'] } {
  if (p.status === 'active') return { status: '正常', tone: 'success' };
  if (p.status === 'pending') return { status: '待认领', tone: 'warning' };
  return { status: `已禁用（${DISABLE_REASON_TEXT[p.disabledReason ?? 'manual']}）`, tone: 'danger' };
}

function rowOf(p: Subordinate, depth: number, actingId: string, actingRole: Role): SubordinateRow {
  const direct = p.parentId === actingId;
  const disabled = p.status === 'disabled';
  return {
    positionId: p.positionId,
    depth,
    roleName: ROLE_NAMES[p.role],
    title: `${ROLE_NAMES[p.role]} ${p.holder.name}`,
    detail: `${p.site.name} · ${p.holder.phone}`,
    ...statusOf(p),
    disabled,
    // rule 10: any ancestor disables; the direct superior (or the initiator) activates; the direct superior
    // replaces the holder (a senior's is the initiator)
    canDisable: !disabled,
    canActivate: disabled && (direct || actingRole === 'initiator'),
    canReplace: direct,
    request:
      disabled && p.activationRequested
        ? {
            at: shanghaiClock(new Date(p.activationRequested.at)).slice(5, 16),
            note: p.activationRequested.note ?? '',
          }
        : null,
  };
}

/**
 * The subtree in tree order: each position followed by those below it (newest first among siblings, as the
 * server lists them). A position whose superior is not loaded yet (a later page) is shown at the top level.
 */
export function subordinateRows(items: Subordinate[], actingId: string, actingRole: Role): SubordinateRow[] {
  const ids = new Set(items.map((p) => p.positionId));
  const children = new Map<string, Subordinate[]>();
  const roots: Subordinate[] = [];
  for (const p of items) {
    if (p.parentId && p.parentId !== actingId && ids.has(p.parentId)) {
      children.set(p.parentId, [...(children.get(p.parentId) ?? []), p]);
    } else roots.push(p);
  }
  const rows: SubordinateRow[] = [];
  const visit = (p: Subordinate, depth: number) => {
    rows.push(rowOf(p, depth, actingId, actingRole));
    for (const child of children.get(p.positionId) ?? []) visit(child, depth + 1);
  };
  for (const p of roots) visit(p, 1);
  return rows;
}

/** How many holders below me are waiting for activation (the badge). */
export function activationRequestCount(items: Subordinate[]): number {
  return items.filter((p) => p.status === 'disabled' && p.activationRequested).length;
}

/** The roles this position may create (rule 6; core/org.ts CREATABLE_ROLES), as choices. */
export function creatableRoles(role: Role): Array<{ value: Role; label: string }> {
  return CREATABLE_ROLES[role].map((value) => ({ value, label: ROLE_NAMES[value] }));
}

/** What a form says above its fields when the server refused it: a malformed field is named under itself. */
export function formMessage(error: {
  code: string;
  message: string;
  fields?: Record<string, string>;
}): string {
  return error.code === 'BAD_REQUEST' && error.fields && Object.keys(error.fields).length > 0
    ? '请按提示修改标红的项目'
    : error.message;
}
