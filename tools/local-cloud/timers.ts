import { SHANGHAI_OFFSET_MS } from '../../miniprogram/core/calendar';

/**
 * Timer triggers from each function's config.json, in WeChat Cloud's seven-field cron form
 * (`second minute hour day-of-month month day-of-week year`, evaluated in UTC+8 as WeChat Cloud does), run on
 * the local cloud's clock.
 */

export interface TriggerSpec {
  functionName: string;
  name: string;
  cron: string;
}

type FieldMatcher = (value: number) => boolean;

const FIELD_RANGES: Array<[number, number]> = [
  [0, 59], // second
  [0, 59], // minute
  [0, 23], // hour
  [1, 31], // day of month
  [1, 12], // month
  [0, 6], // day of week (0 = Sunday; 7 accepted as Sunday)
  [1970, 2199], // year
];

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function parseNumber(text: string, field: number): number {
  const upper = text.toUpperCase();
  if (field === 4 && MONTHS.includes(upper)) return MONTHS.indexOf(upper) + 1;
  if (field === 5 && DAYS.includes(upper)) return DAYS.indexOf(upper);
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`not a number in cron field ${field + 1}: ${text}`);
  return field === 5 && n === 7 ? 0 : n;
}

function parseField(text: string, field: number): FieldMatcher {
  const [min, max] = FIELD_RANGES[field];
  const allowed = new Set<number>();
  for (const part of text.split(',')) {
    const [rangeText, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in cron field ${field + 1}: ${part}`);
    let from = min;
    let to = max;
    if (rangeText !== '*' && rangeText !== '?') {
      const [a, b] = rangeText.split('-');
      from = parseNumber(a, field);
      to = b === undefined ? (stepText === undefined ? from : max) : parseNumber(b, field);
    }
    if (from < min || to > max || from > to)
      throw new Error(`out of range in cron field ${field + 1}: ${part}`);
    for (let v = from; v <= to; v += step) allowed.add(v);
  }
  return (value) => allowed.has(value);
}

export function parseCron(expression: string): (at: Date) => boolean {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 7) throw new Error(`cron needs 7 fields (s m h dom mon dow year): ${expression}`);
  const [sec, min, hour, dom, month, dow, year] = parts.map((p, i) => parseField(p, i));
  return (at) => {
    const t = new Date(at.getTime() + SHANGHAI_OFFSET_MS); // UTC+8 wall clock read through UTC getters
    return (
      sec(t.getUTCSeconds()) &&
      min(t.getUTCMinutes()) &&
      hour(t.getUTCHours()) &&
      dom(t.getUTCDate()) &&
      month(t.getUTCMonth() + 1) &&
      dow(t.getUTCDay()) &&
      year(t.getUTCFullYear())
    );
  };
}

const CATCH_UP_SECONDS = 120;

/**
 * Checks every trigger once a second against the (possibly moved) clock and fires those whose time has come;
 * a trigger still running is not started again.
 */
export class TimerScheduler {
  private handle: NodeJS.Timeout | null = null;
  private lastSecond = 0;
  private readonly running = new Set<string>();
  private readonly compiled: Array<TriggerSpec & { due: (at: Date) => boolean }>;

  constructor(
    triggers: TriggerSpec[],
    private readonly nowMs: () => number,
    private readonly fire: (trigger: TriggerSpec) => Promise<unknown>,
  ) {
    this.compiled = triggers.map((t) => ({ ...t, due: parseCron(t.cron) }));
  }

  start(): void {
    this.lastSecond = Math.floor(this.nowMs() / 1000);
    this.handle = setInterval(() => this.tick(), 250);
    this.handle.unref();
  }

  stop(): void {
    if (this.handle) clearInterval(this.handle);
    this.handle = null;
  }

  private tick(): void {
    const second = Math.floor(this.nowMs() / 1000);
    // a clock no Date can show (1e300 ms) is skipped: `s++` cannot even move past such a second
    if (!Number.isSafeInteger(second) || Number.isNaN(new Date(second * 1000).getTime())) return;
    if (second < this.lastSecond) {
      // the clock was moved back: go on from there (else nothing would fire until it caught up again)
      this.lastSecond = second;
      return;
    }
    if (second === this.lastSecond) return;
    // every second since the last tick counts (a busy event loop must not skip a daily trigger), up to two
    // minutes back: a deliberate jump of the clock (/dev/clock), by minutes or by years, does not replay what it
    // skipped; at most CATCH_UP_SECONDS + 1 seconds are looked at per trigger, whatever the jump
    const count = Math.min(second - this.lastSecond, CATCH_UP_SECONDS + 1);
    const from = second - count + 1;
    this.lastSecond = second;
    for (const trigger of this.compiled) {
      const key = `${trigger.functionName}/${trigger.name}`;
      if (this.running.has(key)) continue;
      let due = false;
      for (let i = 0; i < count && !due; i++) due = trigger.due(new Date((from + i) * 1000));
      if (!due) continue;
      this.running.add(key);
      this.fire(trigger)
        .catch(() => undefined)
        .finally(() => this.running.delete(key));
    }
  }
}
