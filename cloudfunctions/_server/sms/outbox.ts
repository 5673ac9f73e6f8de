/**
 * Status-change SMS (regulation rule 10) through an outbox: the message is written in the same transaction as
 * the change it reports, so every change has exactly one message and none is lost; dispatch is at least once.
 * A message is sent right after the change when the gateway takes it, else by the `smsDispatch` timer, retried
 * after 1, 2, 4 … minutes, at most 10 tries, then `failed`.
 */
import {
  SMS_TEMPLATES,
  smsParams,
  smsText,
  type SmsParams,
  type SmsTemplate,
} from '../../../miniprogram/core/sms';
import type { SmsOutboxDoc } from '../db/documents';
import { Repository } from '../db/repository';
import { logEvent, logFailure } from '../log';
import { randomId, unseal } from '../privacy/personal-data';
import type { SystemContext } from '../router';

export const SMS_MAX_ATTEMPTS = 10;
/** How long a dispatcher holds a message (or an alert's push row) it is sending before another may take it over. */
const SENDING_LEASE_MS = 2 * 60_000;

type Filter = Record<string, unknown>;

/**
 * Takes an outbox row for one more try, if it is still as it was read (due, and taken by no other run): `sending`,
 * its try counted, leased for SENDING_LEASE_MS, so that a run that dies mid-send is taken over by the next. Gives the
 * filter that finds the row only while this try still holds it — the outcome is written through it, so that a
 * gateway answering after the lease ran out cannot undo what the run that took it over recorded (a message it sent
 * put back to pending, and sent again) — or null when another run took the row first. SMS and alert pushes alike.
 */
export async function takeForTry(
  outbox: { updateWhere(filter: Filter, patch: Filter): Promise<number> },
  row: { _id: string; status: string; attempts: number },
  now: Date,
): Promise<{ attempts: number; stillHeld: Filter } | null> {
  const attempts = row.attempts + 1;
  const taken = await outbox.updateWhere(
    { _id: row._id, status: row.status, attempts: row.attempts },
    { status: 'sending', attempts, nextAttemptAt: new Date(now.getTime() + SENDING_LEASE_MS) },
  );
  return taken === 1 ? { attempts, stillHeld: { _id: row._id, status: 'sending', attempts } } : null;
}

/**
 * A row whose last allowed try was taken and never recorded (its run died, or outlived its lease): there is no
 * further try — it is `failed`, as if that try had failed. `failed` when this run recorded it so (as read),
 * `skipped` when another run changed the row first, null while the row has tries left. SMS and alert pushes alike.
 */
export async function spentTries(
  outbox: { updateWhere(filter: Filter, patch: Filter): Promise<number> },
  row: { _id: string; status: string; attempts: number },
  /** More fields to record with it (an alert push's recipients), built only for a spent row. */
  alongside: () => Filter = () => ({}),
): Promise<'failed' | 'skipped' | null> {
  if (row.attempts < SMS_MAX_ATTEMPTS) return null;
  const marked = await outbox.updateWhere(
    { _id: row._id, status: row.status, attempts: row.attempts },
    { ...alongside(), status: 'failed' },
  );
  return marked === 1 ? 'failed' : 'skipped';
}

export function smsMessage(
  ctx: SystemContext,
  sealedPhone: string,
  positionId: string,
  template: SmsTemplate,
  raw: SmsParams,
): SmsOutboxDoc {
  // the site's name as a plain SMS variable (≤ 20 characters, no quote, link or control character)
  const params = smsParams(raw);
  return {
    _id: randomId(12),
    phone: sealedPhone,
    template,
    params,
    text: smsText(template, params),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: ctx.now,
    createdAt: ctx.now,
    sentAt: null,
    positionId,
  };
}

/** Minutes to wait after the n-th failed try: 1, 2, 4, … */
export function retryDelayMs(attempts: number): number {
  return 2 ** Math.max(0, attempts - 1) * 60_000;
}

type Outcome = 'sent' | 'retry' | 'failed' | 'skipped';

/**
 * Takes the message (if still due and untaken), sends it, and records the outcome; `skipped` when another run took
 * it first, or took it over while this one was still waiting for the gateway.
 */
async function dispatchOne(ctx: SystemContext, message: SmsOutboxDoc): Promise<Outcome> {
  const outbox = new Repository<SmsOutboxDoc>(ctx.db, 'sms_outbox');
  const spent = await spentTries(outbox, message);
  if (spent) return spent;
  const held = await takeForTry(outbox, message, ctx.now);
  if (!held) return 'skipped';
  const { attempts, stillHeld } = held;
  try {
    const phone = unseal(ctx.ports.keys(), message.phone);
    // built again from its template: a message written before names were checked (or sanitised) goes out clean
    const params = smsParams(message.params);
    const known = (SMS_TEMPLATES as readonly string[]).includes(message.template);
    await ctx.ports.sms.send({
      phone,
      template: message.template,
      text: known ? smsText(message.template, params) : message.text,
      params: { ...params },
    });
  } catch (err) {
    const failed = attempts >= SMS_MAX_ATTEMPTS;
    logFailure('sms_failed', err, { template: message.template, attempts });
    const kept = await outbox.updateWhere(stillHeld, {
      status: failed ? 'failed' : 'pending',
      nextAttemptAt: new Date(ctx.now.getTime() + retryDelayMs(attempts)),
    });
    return kept !== 1 ? 'skipped' : failed ? 'failed' : 'retry';
  }
  const kept = await outbox.updateWhere(stillHeld, { status: 'sent', sentAt: ctx.now });
  return kept !== 1 ? 'skipped' : 'sent';
}

/** Sends these messages now if the gateway takes them; whatever fails is left to the timer. */
export async function dispatchNow(ctx: SystemContext, messages: SmsOutboxDoc[]): Promise<void> {
  for (const message of messages) {
    try {
      await dispatchOne(ctx, message);
    } catch (err) {
      logFailure('sms_dispatch_failed', err, { template: message.template });
    }
  }
}

/** The smsDispatch timer: every message due (and every lease that ran out), oldest first. */
export async function dispatchDue(ctx: SystemContext): Promise<Record<Outcome, number>> {
  const outbox = new Repository<SmsOutboxDoc>(ctx.db, 'sms_outbox');
  const _ = ctx.db.command;
  const counts: Record<Outcome, number> = { sent: 0, retry: 0, failed: 0, skipped: 0 };
  for (let round = 0; round < 50; round++) {
    const due = await outbox.find(
      { status: _.in(['pending', 'sending']), nextAttemptAt: _.lte(ctx.now) },
      { orderBy: [['nextAttemptAt', 'asc']], limit: 100 },
    );
    for (const message of due) counts[await dispatchOne(ctx, message)]++;
    if (due.length < 100) break;
  }
  logEvent('sms_dispatch', counts);
  return counts;
}
