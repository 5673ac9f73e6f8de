/**
 * 有关部门工作台 (rule 15; API.md v1.1 `records.alerts`, `handleAlert`, `regionStats`): which identity the desk acts
 * as, the alerts of its region as rows and details with their handling, the count of open ones, the choices of the
 * handling form, what the request for alert pushes came to, and the figures per city or district. Pure.
 */
import { shanghaiClock, startOfShanghaiDay } from '../../core/calendar';
import type { AlertKind, AlertOutcome, RecordsReplies } from '../../core/contracts/records.contract';
import type { ScanReplies } from '../../core/contracts/scan.contract';
import { ROLE_NAMES } from '../../core/org';
import { regionName } from '../../core/regions';
import { ALERT_KIND_NAMES, ALERT_OUTCOME_NAMES, alertLines } from './alerts.view';
import { alertDetail, type DetailView } from './records.view';

type AlertItem = RecordsReplies['alerts']['items'][number];
type Identity = ScanReplies['roles']['items'][number];

/**
 * The identity the desk acts as: the one the route names (from 码上行动, or the initiator's desk), else — an alert
 * push opens the page with no query — the caller's first active agency position. Null when there is none.
 */
export function deskIdentity(items: Identity[], wanted: string): Identity | null {
  if (wanted) return items.find((i) => i.positionId === wanted) ?? null;
  return items.find((i) => i.role === 'agency' && i.status === 'active') ?? null;
}

/** The desk's heading: 有关部门 · 长春市卫生健康委员会. */
export function deskTitle(identity: Identity): string {
  return `${ROLE_NAMES[identity.role]} · ${identity.site.name}`;
}

/** The page of open alerts the badge counts (the API's largest). */
export const OPEN_COUNT_LIMIT = 100;

/**
 * The badge of open alerts: it counts the open alerts the desk has loaded — one page of at most 100 — so it is
 * exact up to 99 and reads "99+" beyond (a full page of 100 means at least 100). Empty when there are none.
 */
export function openBadge(loaded: number): string {
  if (loaded > 99) return '99+';
  return loaded > 0 ? String(loaded) : '';
}

/** The kind filter: all, then each kind by its name. */
export const KIND_FILTERS: Array<{ value: AlertKind | ''; label: string }> = [
  { value: '', label: '全部' },
  ...(Object.keys(ALERT_KIND_NAMES) as AlertKind[]).map((value) => ({
    value,
    label: ALERT_KIND_NAMES[value],
  })),
];

/** The handling form's choices. */
export const OUTCOME_CHOICES = (Object.keys(ALERT_OUTCOME_NAMES) as AlertOutcome[]).map((value) => ({
  value,
  label: ALERT_OUTCOME_NAMES[value],
}));

const minute = (iso: string) => shanghaiClock(new Date(iso)).slice(0, 16);

/** An alert's detail on the desk: open (the handling form is offered) or how it was handled. */
export interface DeskAlertView extends DetailView {
  alertId: string;
  open: boolean;
}

export interface DeskAlertRow {
  id: string;
  title: string;
  detail: string;
  when: string;
  /** How it was handled, in one line; empty while open. */
  handled: string;
  view: DeskAlertView;
}

export function deskAlertRow(a: AlertItem): DeskAlertRow {
  const detail = alertDetail(a);
  const h = a.handled;
  const outcome = h ? ALERT_OUTCOME_NAMES[h.outcome] : '';
  const lines = h
    ? [
        ...detail.lines,
        { label: '处置结果', value: outcome },
        ...(h.note ? [{ label: '处置说明', value: h.note }] : []),
        { label: '处置人', value: h.by.name || '—' },
        { label: '处置时间', value: minute(h.at) },
      ]
    : detail.lines;
  return {
    id: a.alertId,
    ...alertLines(a),
    when: shanghaiClock(new Date(a.at)),
    handled: h ? `${minute(h.at)} ${outcome}${h.note ? `：${h.note}` : ''}` : '',
    view: { ...detail, lines, alertId: a.alertId, open: a.status !== 'handled' },
  };
}

/** What the page says when the server refused a handling; `conflict`: someone else handled it first. */
export function handleRefusal(error: { code: string; message: string; fields?: Record<string, string> }): {
  message: string;
  hints: Record<string, string>;
  conflict: boolean;
} {
  if (error.code === 'CONFLICT') return { message: '该异常已由他人处置', hints: {}, conflict: true };
  if (error.fields?.note)
    return {
      message: '请按提示修改标红的项目',
      hints: { note: '处置说明最多200字，不能含控制字符' },
      conflict: false,
    };
  return { message: error.message, hints: {}, conflict: false };
}

export const SUBSCRIBED = '已开启：新的异常会以微信消息提醒您';
export const NOT_SUBSCRIBED =
  '未开启提醒：新的异常不会推送到您的微信，请每天打开本页查看；可在小程序右上角“…”→设置→订阅消息中重新开启';

/**
 * What the request for alert pushes came to: WeChat answers `accept`, `reject`, `ban` or `filter` for the template
 * (undefined: the request failed, e.g. subscriptions switched off in the settings).
 */
export function subscribeResult(answer: string | undefined): { on: boolean; text: string } {
  return answer === 'accept' ? { on: true, text: SUBSCRIBED } : { on: false, text: NOT_SUBSCRIBED };
}

/** The figures' periods: today, or the last 7 days (today included). */
export const REGION_PERIODS = [
  { value: 'today', label: '今日' },
  { value: 'week', label: '近7日' },
] as const;
export type RegionPeriod = (typeof REGION_PERIODS)[number]['value'];

/** The period as regionStats takes it: from the start of the first day (Asia/Shanghai) to now. */
export function periodOf(period: RegionPeriod, now: Date): { from: string; to: string } {
  const days = period === 'week' ? 6 : 0;
  const first = startOfShanghaiDay(new Date(now.getTime() - days * 86_400_000));
  return { from: first.toISOString(), to: now.toISOString() };
}

export interface RegionTable {
  title: string;
  rows: RecordsReplies['regionStats']['rows'];
}

/** The figures per city (the province) or per district (a city), under the region's name. */
export function regionTable(reply: RecordsReplies['regionStats']): RegionTable {
  return { title: `${regionName(reply.regionCode)} 各地区情况`, rows: reply.rows };
}
