/**
 * The local cloud's stand-ins for what lies outside WeChat Cloud: the clock (moved by /dev/clock), the state of
 * the external services (taken down by /dev/faults) and the SMS sender (read back through /dev/sms). They are
 * lent to the hosted functions through the `__jxmLocalCloud` global (cloudfunctions/_server/ports.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NATIONAL_STATUSES, type NationalStatus } from '../../miniprogram/core/health-code.rules';
import type { FieldErrors } from '../../miniprogram/core/errors';
import { checkIdNumber } from '../../miniprogram/core/identity';
import { DATE_MAX_MS, DATE_MIN_MS, parseInstant } from '../../miniprogram/core/validation';
import { REPO_ROOT } from './repo-root';
import {
  PushRefused,
  ServiceUnavailable,
  type Clock,
  type NationalHealthService,
  type NationalRecord,
  type PhoneNumberService,
  type PushSender,
  type RealnameVerifier,
  type SmsSender,
} from '../../cloudfunctions/_server/ports';

const FIXTURES = join(REPO_ROOT, 'tools', 'local-cloud', 'fixtures');

/** How far the clock may be moved from real time: ±100 years. */
export const MAX_CLOCK_OFFSET_MS = 100 * 365.25 * 24 * 3600_000;

export interface ClockSetting {
  offsetMs?: unknown;
  now?: unknown;
}

/**
 * The offset a clock setting asks for, or why it is refused (per field, as `BAD_REQUEST` names them): `now` must
 * be an ISO-8601 instant and `offsetMs` a finite number; either way the offset stays within ±100 years of real
 * time and the date it shows within 1970-01-01T00:00:00Z … 2100-12-31T23:59:59Z. A clock beyond those would
 * show invalid dates (`new Date(1e300)`) and spin the timers.
 */
export function clockOffsetFor(
  setting: ClockSetting,
  realNowMs = Date.now(),
): { offsetMs: number } | { fields: FieldErrors } {
  let field: 'now' | 'offsetMs';
  let offsetMs: number;
  if (setting.now !== undefined) {
    field = 'now';
    if (typeof setting.now !== 'string') return { fields: { now: 'type' } };
    const at = setting.now.length > 40 ? 'format' : parseInstant(setting.now);
    if (typeof at === 'string') return { fields: { now: at } };
    offsetMs = at - realNowMs;
  } else {
    field = 'offsetMs';
    if (setting.offsetMs === undefined) return { fields: { offsetMs: 'required' } };
    if (typeof setting.offsetMs !== 'number' || !Number.isFinite(setting.offsetMs))
      return { fields: { offsetMs: 'type' } };
    offsetMs = setting.offsetMs;
  }
  const shown = realNowMs + offsetMs;
  if (Math.abs(offsetMs) > MAX_CLOCK_OFFSET_MS || shown < DATE_MIN_MS || shown > DATE_MAX_MS)
    return { fields: { [field]: 'range' } };
  return { offsetMs };
}

export class LocalClock implements Clock {
  offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /**
   * `{ offsetMs }` shifts the clock; `{ now }` sets it to that instant (and keeps it running from there). A setting
   * that clockOffsetFor refuses throws a RangeError and leaves the clock as it was.
   */
  set(setting: { offsetMs?: number; now?: string }): void {
    const result = clockOffsetFor(setting.now === undefined ? { offsetMs: setting.offsetMs ?? 0 } : setting);
    if ('fields' in result) throw new RangeError(`clock setting refused: ${JSON.stringify(result.fields)}`);
    this.offsetMs = result.offsetMs;
  }
}

export const EXTERNAL_SERVICES = ['realname', 'national', 'sms', 'push'] as const;
export type ExternalService = (typeof EXTERNAL_SERVICES)[number];
export type ServiceState = 'up' | 'down';

export class Faults {
  private readonly state: Record<ExternalService, ServiceState> = {
    realname: 'up',
    national: 'up',
    sms: 'up',
    push: 'up',
  };

  isDown(service: ExternalService): boolean {
    return this.state[service] === 'down';
  }

  set(service: ExternalService, state: ServiceState): void {
    this.state[service] = state;
  }

  snapshot(): Record<ExternalService, ServiceState> {
    return { ...this.state };
  }
}

export interface SentSms {
  phone: string;
  text: string;
  template: string;
  status: 'sent' | 'failed';
  at: string;
}

/** Records every message it is asked to send; fails them while /dev/faults has SMS down. */
export class LocalSmsSender implements SmsSender {
  private readonly log: SentSms[] = [];

  constructor(
    private readonly clock: LocalClock,
    private readonly faults: Faults,
  ) {}

  async send(message: { phone: string; text: string; template: string }): Promise<void> {
    const down = this.faults.isDown('sms');
    const { phone, text, template } = message;
    this.log.push({
      phone,
      text,
      template,
      status: down ? 'failed' : 'sent',
      at: this.clock.now().toISOString(),
    });
    if (down) throw new Error('SMS gateway unavailable (local fault injected)');
  }

  /** What was asked for this phone, oldest first. */
  sentTo(phone: string): SentSms[] {
    return this.log.filter((m) => m.phone === phone);
  }

  /** Everything asked for, oldest first. */
  all(): SentSms[] {
    return [...this.log];
  }
}

/** The template id the local cloud gives the functions when the environment names none (JXM_PUSH_TEMPLATE_ID). */
export const LOCAL_PUSH_TEMPLATE = 'local-alert-template';

export interface SentPush {
  openid: string;
  template: string;
  page: string;
  data: Record<string, { value: string }>;
  /** `refused`: the user has not accepted the template (WeChat's 43101). */
  status: 'sent' | 'failed' | 'refused';
  at: string;
}

/**
 * The subscribe-message stand-in (alert pushes, API.md v1.1): records every message it is asked to send, read back
 * through /dev/messages; fails them while /dev/faults has `push` down. Every recipient has accepted the template
 * unless a test says otherwise (`refuseFor`: WeChat's 43101 for that user).
 */
export class LocalPushSender implements PushSender {
  private readonly log: SentPush[] = [];
  private readonly refusing = new Set<string>();

  constructor(
    private readonly clock: LocalClock,
    private readonly faults: Faults,
  ) {}

  /** From now on this user has not accepted the alert template (or accepts it again: `false`). */
  refuseFor(openid: string, refusing = true): void {
    if (refusing) this.refusing.add(openid);
    else this.refusing.delete(openid);
  }

  async send(message: Parameters<PushSender['send']>[0]): Promise<void> {
    const down = this.faults.isDown('push');
    const refused = !down && this.refusing.has(message.openid);
    this.log.push({
      openid: message.openid,
      template: message.template,
      page: message.page,
      data: message.data,
      status: down ? 'failed' : refused ? 'refused' : 'sent',
      at: this.clock.now().toISOString(),
    });
    if (down) throw new Error('subscribe message service unavailable (local fault injected)');
    if (refused) throw new PushRefused();
  }

  /** What was asked for this WeChat user, oldest first. */
  sentTo(openid: string): SentPush[] {
    return this.log.filter((m) => m.openid === openid);
  }

  /** Everything asked for, oldest first. */
  all(): SentPush[] {
    return [...this.log];
  }
}

/**
 * The real-name stand-in: every checksum-valid ID number matches its name (the functions check the checksum
 * before asking), except the pairs of fixtures/realname-mismatch.json; down while /dev/faults says so.
 */
export class LocalRealnameVerifier implements RealnameVerifier {
  private readonly mismatches: Set<string>;

  constructor(private readonly faults: Faults) {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, 'realname-mismatch.json'), 'utf8')) as {
      pairs: Array<{ name: string; idNumber: string }>;
    };
    this.mismatches = new Set(fixture.pairs.map((p) => `${p.name}|${p.idNumber}`));
  }

  async verify(identity: { name: string; idNumber: string }): Promise<'match' | 'mismatch'> {
    if (this.faults.isDown('realname')) throw new ServiceUnavailable('realname');
    return this.mismatches.has(`${identity.name}|${identity.idNumber}`) ? 'mismatch' : 'match';
  }
}

/** What `POST /dev/national` takes: `{ idNumber, status, quarantineUntil? }` (API.md section 1, v1.1). */
export interface NationalSetting {
  idNumber: string;
  status: NationalStatus;
  quarantineUntil: Date | null;
}

/**
 * The body of `POST /dev/national`, or why it is refused (per field, as `BAD_REQUEST` names them): an ID number
 * per GB 11643 (`today` is the Asia/Shanghai day, for the birth date), a status of NATIONAL_STATUSES, an optional
 * ISO-8601 `quarantineUntil` (kept for close_contact and quarantine only), nothing else.
 */
export function nationalSettingFor(
  body: Record<string, unknown>,
  today: string,
): { setting: NationalSetting } | { fields: FieldErrors } {
  const fields: FieldErrors = {};
  for (const key of Object.keys(body)) {
    if (!['idNumber', 'status', 'quarantineUntil'].includes(key)) fields[key] = 'unknown';
  }
  let idNumber = '';
  if (body.idNumber === undefined) fields.idNumber = 'required';
  else if (typeof body.idNumber !== 'string') fields.idNumber = 'type';
  else {
    const id = checkIdNumber(body.idNumber.slice(0, 40), today);
    if (id.ok) idNumber = id.value;
    else fields.idNumber = id.problem;
  }
  if (body.status === undefined) fields.status = 'required';
  else if (!(NATIONAL_STATUSES as readonly unknown[]).includes(body.status)) fields.status = 'enum';
  let quarantineUntil: Date | null = null;
  if (body.quarantineUntil !== undefined && body.quarantineUntil !== null) {
    if (typeof body.quarantineUntil !== 'string') fields.quarantineUntil = 'type';
    else {
      const at = body.quarantineUntil.length > 40 ? 'format' : parseInstant(body.quarantineUntil);
      if (typeof at === 'string') fields.quarantineUntil = at;
      else quarantineUntil = new Date(at);
    }
  }
  if (Object.keys(fields).length > 0) return { fields };
  const status = body.status as NationalStatus;
  const quarantined = status === 'close_contact' || status === 'quarantine';
  return { setting: { idNumber, status, quarantineUntil: quarantined ? quarantineUntil : null } };
}

/**
 * The national platform's stand-in: answers what `POST /dev/national` set for an ID number — flagged at the time of
 * that call (the local clock's) — and `normal` for every other (a `normal` setting clears the flag: the answer is
 * `normal`, dated when it was cleared); down while /dev/faults says so. It knows nothing of the province's risk
 * list, which is a source of its own (API.md 4, v1.1).
 */
export class LocalNationalService implements NationalHealthService {
  private readonly records = new Map<string, NationalRecord>();

  constructor(
    private readonly faults: Faults,
    private readonly clock: Clock,
  ) {}

  /** From now on, answer this for that ID number (already checked: nationalSettingFor). */
  set(setting: NationalSetting): NationalRecord {
    const record: NationalRecord = {
      status: setting.status,
      quarantineUntil: setting.quarantineUntil,
      flaggedAt: this.clock.now(),
    };
    this.records.set(setting.idNumber, record);
    return record;
  }

  async check(identity: { idNumber: string; idHash: string }): Promise<NationalRecord> {
    if (this.faults.isDown('national')) throw new ServiceUnavailable('national');
    const record = this.records.get(identity.idNumber.trim().toUpperCase());
    return record ? { ...record } : { status: 'normal', quarantineUntil: null, flaggedAt: null };
  }
}

/**
 * WeChat's phone-number exchange, locally: a code `local-phone:<11 digits>` stands for that number (what a test
 * or a demo passes as the getPhoneNumber code); any other code is not valid.
 */
export class LocalPhoneNumbers implements PhoneNumberService {
  async fromCode(code: string): Promise<string | null> {
    const match = /^local-phone:(1[3-9]\d{9})$/.exec(code);
    return match ? match[1] : null;
  }
}
