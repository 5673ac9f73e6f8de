/**
 * The bench's figures for filtered lists: `records.scans` with every combination of its filters (color, site,
 * from, to) and `records.alerts` with every combination of its own (status, kind), at every level given (the
 * initiator down to an ordinary scanner; agencies for the alerts), each read page after page through the cursor.
 * Every page is timed through HTTP → function → wx-server-sdk → engine, as the mini-program calls it, and the
 * embedded store's recorded plan is kept: the index, whether it delivered the page in order, and how many keys it
 * examined beyond the items returned — at most a page's worth (the filters are declared as equality prefixes of
 * their indexes: cloudfunctions/_server/db/collections.ts). The target: p99 ≤ 20 ms a page at 1,000,000 scans.
 *
 * Called by the bench with a seeded province (tools/bench/seed.ts); see `timeFilters`.
 */
import { performance } from 'node:perf_hooks';
import type { Color } from '../../miniprogram/core/health-code.rules';
import type { QueryPlan } from '../local-cloud/db/store';
import type { LocalCloud } from '../local-cloud/local-cloud';
import { post, type Reply } from './gates';

export const FILTER_P99_TARGET_MS = 20;

/** A position to read as: its label in the figures, its id, its holder's openid. */
export interface FilterLevel {
  label: string;
  positionId: string;
  openid: string;
}

export interface FilterBenchOptions {
  /** The scanner levels for `records.scans` (an agency sees no scans). */
  scanLevels: FilterLevel[];
  /** The levels for `records.alerts` (default: scanLevels); agencies read by region. */
  alertLevels?: FilterLevel[];
  /** The site filtered on per position id (default: the position's own site). */
  siteOf?: Record<string, string>;
  /** Colors filtered on (default: red, rare or absent, and yellow). */
  colors?: Color[];
  /** The `from` and `to` filtered on (default: 20 and 10 days before the local cloud's clock). */
  from?: Date;
  to?: Date;
  /** Alert statuses and kinds filtered on (default: both statuses; fever and color). */
  statuses?: Array<'open' | 'handled'>;
  kinds?: string[];
  /** Pages read per combination, the first one included (default 3: the later ones through the cursor). */
  pages?: number;
  /** Items per page (default 20, the lists' default). */
  limit?: number;
}

/** One combination at one level, over its pages. */
export interface FilterFigure {
  list: 'records.scans' | 'records.alerts';
  level: string;
  /** The filters set, `color=red+site+from+to`; `none` for none. */
  filter: string;
  pages: number;
  items: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  /** The index of the first page's plan (null: the collection was scanned). */
  index: string | null;
  /** Every page came from its index in order. */
  sortedByIndex: boolean;
  maxKeysExamined: number;
  /** The most keys one page examined beyond the items it returned. */
  maxExtraKeys: number;
}

export interface FilterFigures {
  p99TargetMs: number;
  /** Over every page of every combination. */
  pages: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  withinTarget: boolean;
  /** Every page came from one index in order and examined at most a page's worth of keys beyond its items. */
  bounded: boolean;
  /** The combinations that broke the bound (none, when bounded). */
  unbounded: FilterFigure[];
  /** The five slowest combinations by p99. */
  slowest: FilterFigure[];
  combinations: FilterFigure[];
}

const DAY = 24 * 3600_000;

const round = (x: number) => Math.round(x * 100) / 100;

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Every subset of the keys, in a stable order (the empty one first). */
function subsets<K extends string>(keys: K[]): K[][] {
  return keys.reduce<K[][]>((all, key) => [...all, ...all.map((s) => [...s, key])], [[]]);
}

const labelOf = (filters: Record<string, unknown>) =>
  Object.entries(filters)
    .map(([key, value]) =>
      key === 'siteId' ? 'site' : /^(from|to)$/.test(key) ? key : `${key}=${String(value)}`,
    )
    .join('+') || 'none';

/** Reads one combination page after page; every page timed, with its recorded plan. */
async function pagesOf(
  cloud: LocalCloud,
  list: FilterFigure['list'],
  level: FilterLevel,
  filters: Record<string, unknown>,
  pages: number,
  limit: number,
): Promise<{ figure: FilterFigure; samples: number[] }> {
  const collection = list === 'records.scans' ? 'scans' : 'alerts';
  const samples: number[] = [];
  const plans: Array<{ plan: QueryPlan | undefined; returned: number }> = [];
  let items = 0;
  let cursor: string | null = null;
  for (let page = 0; page < pages; page++) {
    cloud.store.lastPlan.delete(collection);
    const body: Record<string, unknown> = {
      action: list.slice('records.'.length),
      actingPositionId: level.positionId,
      ...filters,
      limit,
      ...(cursor ? { cursor } : {}),
    };
    const started = performance.now();
    const reply: Reply<{ items: unknown[]; next: string | null }> = await post(
      cloud,
      'records',
      body,
      level.openid,
    );
    samples.push(performance.now() - started);
    if (!reply.ok || !reply.data) {
      throw new Error(`${list} ${labelOf(filters)} as ${level.label} failed: ${JSON.stringify(reply.error)}`);
    }
    const plan = cloud.store.lastPlan.get(collection);
    plans.push({ plan: plan && { ...plan }, returned: reply.data.items.length });
    items += reply.data.items.length;
    cursor = reply.data.next;
    if (!cursor) break;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const figure: FilterFigure = {
    list,
    level: level.label,
    filter: labelOf(filters),
    pages: samples.length,
    items,
    medianMs: round(quantile(sorted, 0.5)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted[sorted.length - 1]),
    index: plans[0].plan?.index ?? null,
    sortedByIndex: plans.every((p) => p.plan?.sortedByIndex === true),
    maxKeysExamined: Math.max(...plans.map((p) => p.plan?.keysExamined ?? Number.POSITIVE_INFINITY)),
    maxExtraKeys: Math.max(
      ...plans.map((p) => (p.plan?.keysExamined ?? Number.POSITIVE_INFINITY) - p.returned),
    ),
  };
  return { figure, samples };
}

/**
 * Times every filter combination of `records.scans` and `records.alerts` at every level given, and checks each
 * page's plan against the bound (the index in order, at most `limit` keys beyond the items returned).
 *
 *   const figures = await timeFilters(cloud, { scanLevels, alertLevels, siteOf });
 *   figures.p99Ms, figures.withinTarget, figures.bounded, figures.slowest, figures.combinations
 *
 * Each combination is read once first to warm it up (not counted). The reads go through HTTP, one at a time.
 */
export async function timeFilters(cloud: LocalCloud, options: FilterBenchOptions): Promise<FilterFigures> {
  const pages = options.pages ?? 3;
  const limit = options.limit ?? 20;
  const now = cloud.clock.nowMs();
  const from = options.from ?? new Date(now - 20 * DAY);
  const to = options.to ?? new Date(now - 10 * DAY);
  const colors = options.colors ?? ['red', 'yellow'];
  const statuses = options.statuses ?? ['open', 'handled'];
  const kinds = options.kinds ?? ['fever', 'color'];
  const siteOf = (positionId: string): string => {
    const given = options.siteOf?.[positionId];
    if (given) return given;
    const position = cloud.store.get('positions', positionId)?.doc as { siteId?: string } | undefined;
    if (!position?.siteId) throw new Error(`no position ${positionId} to read the scans of`);
    return position.siteId;
  };

  const runs: Array<{ list: FilterFigure['list']; level: FilterLevel; filters: Record<string, unknown> }> =
    [];
  for (const level of options.scanLevels) {
    for (const set of subsets(['color', 'siteId', 'from', 'to'] as const)) {
      for (const color of set.includes('color') ? colors : [undefined]) {
        runs.push({
          list: 'records.scans',
          level,
          filters: {
            ...(color ? { color } : {}),
            ...(set.includes('siteId') ? { siteId: siteOf(level.positionId) } : {}),
            ...(set.includes('from') ? { from: from.toISOString() } : {}),
            ...(set.includes('to') ? { to: to.toISOString() } : {}),
          },
        });
      }
    }
  }
  for (const level of options.alertLevels ?? options.scanLevels) {
    for (const status of [undefined, ...statuses]) {
      for (const kind of [undefined, ...kinds]) {
        runs.push({
          list: 'records.alerts',
          level,
          filters: { ...(status ? { status } : {}), ...(kind ? { kind } : {}) },
        });
      }
    }
  }

  for (const run of runs) await pagesOf(cloud, run.list, run.level, run.filters, 1, limit);
  const combinations: FilterFigure[] = [];
  const all: number[] = [];
  for (const run of runs) {
    const { figure, samples } = await pagesOf(cloud, run.list, run.level, run.filters, pages, limit);
    combinations.push(figure);
    all.push(...samples);
  }
  all.sort((a, b) => a - b);
  const p99Ms = round(quantile(all, 0.99));
  const unbounded = combinations.filter((c) => !c.index || !c.sortedByIndex || !(c.maxExtraKeys <= limit));
  return {
    p99TargetMs: FILTER_P99_TARGET_MS,
    pages: all.length,
    medianMs: round(quantile(all, 0.5)),
    p99Ms,
    maxMs: round(all[all.length - 1] ?? 0),
    withinTarget: p99Ms <= FILTER_P99_TARGET_MS,
    bounded: unbounded.length === 0,
    unbounded,
    slowest: [...combinations].sort((a, b) => b.p99Ms - a.p99Ms).slice(0, 5),
    combinations,
  };
}

/** The figures as lines for the bench's table. */
export function filterLines(figures: FilterFigures): string[] {
  const lines = [
    `  records filters (${figures.combinations.length} combinations, ${figures.pages} pages): median ${figures.medianMs} ms, p99 ${figures.p99Ms} ms (target ≤ ${figures.p99TargetMs} ms: ${figures.withinTarget ? 'met' : 'MISSED'}), max ${figures.maxMs} ms; keys ${figures.bounded ? 'bounded by a page everywhere' : `UNBOUNDED in ${figures.unbounded.length}`}`,
  ];
  for (const c of figures.slowest) {
    lines.push(
      `    ${c.list} ${c.level} ${c.filter}: p99 ${c.p99Ms} ms, ${c.index ?? 'collection scan'}, ≤ ${c.maxKeysExamined} keys a page`,
    );
  }
  for (const c of figures.unbounded) {
    lines.push(
      `    UNBOUNDED ${c.list} ${c.level} ${c.filter}: ${c.index ?? 'collection scan'}${c.sortedByIndex ? '' : ' (not in order)'}, ${c.maxExtraKeys} keys beyond a page`,
    );
  }
  return lines;
}
