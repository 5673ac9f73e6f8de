/**
 * How the initiator's provincial desk reads (rules 4, 11, 17): grants of reveal and their state, the positions one
 * may grant to, a person found by ID number, credit flags. Pure: pages map replies through these and setData once.
 */
import { shanghaiClock, shanghaiDate } from '../../core/calendar';
import type { CreditKind, GrantState, RecordsReplies } from '../../core/contracts/records.contract';
import type { HealthReplies } from '../../core/contracts/health.contract';
import type { OrgReplies } from '../../core/contracts/org.contract';
import { COLOR_NAMES, type Color } from '../../core/health-code.rules';
import { ROLE_NAMES, type Role } from '../../core/org';

const DAY_MS = 24 * 3600_000;
/** The longest a grant may run (API.md v1.1: at most 30 days ahead). */
export const GRANT_MAX_DAYS = 30;
/** The default length of a grant, in days. */
export const GRANT_DEFAULT_DAYS = 7;
/** Kept off the 30-day limit: the server's clock may run a little ahead of the phone's. */
const GRANT_MARGIN_MS = 10 * 60_000;

const roleName = (role: Role) => ROLE_NAMES[role] ?? role;

/** The days a grant may end on (YYYY-MM-DD, Asia/Shanghai): today to 30 days ahead, 7 days ahead by default. */
export function grantDays(now: Date): { start: string; end: string; initial: string } {
  return {
    start: shanghaiDate(now),
    end: shanghaiDate(new Date(now.getTime() + GRANT_MAX_DAYS * DAY_MS)),
    initial: shanghaiDate(new Date(now.getTime() + GRANT_DEFAULT_DAYS * DAY_MS)),
  };
}

/**
 * When a grant chosen to end on `day` ends: the end of that day in Asia/Shanghai, but never more than 30 days
 * (less a margin) from now — so the last day offered ends a little early rather than being refused.
 */
export function grantExpiresAt(day: string, now: Date): Date {
  const endOfDay = new Date(`${day}T23:59:59+08:00`);
  const latest = new Date(now.getTime() + GRANT_MAX_DAYS * DAY_MS - GRANT_MARGIN_MS);
  return endOfDay.getTime() > latest.getTime() ? latest : endOfDay;
}

/** `2026-12-08 23:59`: minutes are enough for an end of authorisation. */
export const untilText = (at: Date) => shanghaiClock(at).slice(0, 16);

const GRANT_STATE_VIEW: Record<GrantState, { label: string; theme: 'success' | 'default' | 'warning' }> = {
  in_force: { label: '有效', theme: 'success' },
  expired: { label: '已过期', theme: 'default' },
  holder_changed: { label: '持有人已变更，已失效', theme: 'warning' },
};

type GrantItem = RecordsReplies['grants']['items'][number];

export function grantRow(g: GrantItem) {
  const where = g.grantee.site ? `${g.grantee.site.name} · ` : '';
  return {
    id: g.grantId,
    title: `${where}${roleName(g.grantee.role)} ${g.grantee.name}`.trim(),
    detail: `事由：${g.reason}`,
    until: `有效至 ${untilText(new Date(g.expiresAt))}`,
    state: GRANT_STATE_VIEW[g.state].label,
    theme: GRANT_STATE_VIEW[g.state].theme,
    inForce: g.state === 'in_force',
  };
}

type Subordinate = OrgReplies['subordinates']['items'][number];

/** A position the office may authorise: claimed and active (a pending one has nobody to authorise). */
export function grantable(p: Subordinate): boolean {
  return p.status === 'active';
}

export function granteeOption(p: Subordinate) {
  return {
    value: p.positionId,
    label: `${p.site.name} · ${roleName(p.role)}`,
    holder: `${p.holder.name} ${p.holder.phone}`,
  };
}

/** A person found by ID number (masked), with the colour in words. */
export function foundPerson(p: HealthReplies['findPerson']) {
  return {
    personId: p.personId,
    name: p.masked.name,
    idNumber: p.masked.idNumber,
    phone: p.masked.phone,
    color: p.color,
    colorName: COLOR_NAMES[p.color],
  };
}

/** The colours the province may set (API.md `setColor`: not bw). */
export const SETTABLE_COLORS = (['green', 'yellow', 'orange', 'red'] as Color[]).map((value) => ({
  value,
  label: COLOR_NAMES[value],
}));

/** Rule 17's two kinds of dishonesty, in its words. */
export const CREDIT_KIND_NAMES: Record<CreditKind, string> = {
  concealment: '故意隐瞒健康状况、病史、行程或接触史',
  false_report: '扫码员上报信息严重失实',
};

export const CREDIT_KINDS_OFFERED = (Object.keys(CREDIT_KIND_NAMES) as CreditKind[]).map((value) => ({
  value,
  label: CREDIT_KIND_NAMES[value],
}));

type CreditFlag = RecordsReplies['creditFlags']['items'][number];

export function creditFlagRow(f: CreditFlag) {
  const subject = f.subject.type === 'person' ? '人员' : '扫码员';
  return {
    id: f.flagId,
    title: `${subject} ${f.subject.name} · ${CREDIT_KIND_NAMES[f.kind]}`,
    detail: f.evidence,
    when: untilText(new Date(f.at)),
  };
}

/** What a refused grant tells the office: a grantee id that names nothing reads as such, not as a lack of rights. */
export function grantRefusal(error: {
  code: string;
  message: string;
  fields?: Record<string, string>;
}): string {
  if (error.code === 'FORBIDDEN') return '找不到该扫码员账号，请核对账号 ID';
  if (error.code === 'BAD_REQUEST' && error.fields?.expiresAt) return '有效期须在今后 30 天以内';
  return error.message;
}
