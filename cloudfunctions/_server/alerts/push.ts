/**
 * Alert pushes (rule 15: 平台推送; API.md v1.1 `pushDispatch`): each alert's outbox row is taken once, its recipients
 * — the holders of the active agency positions whose region covers the alert's site — are resolved and kept on the
 * row, and each is sent the subscribe message at most once. Right after the commit when WeChat takes it, else by
 * the `pushDispatch` timer with the retries of the SMS (1, 2, 4 … minutes, at most 10 tries). A recipient who has not
 * accepted the template (43101) is `refused` and not tried again.
 */
import type { PositionDoc, PushOutboxDoc, PushRecipient } from '../db/documents';
import { Repository } from '../db/repository';
import { logEvent, logFailure } from '../log';
import { isPushRefused } from '../ports';
import type { SystemContext } from '../router';
import { SMS_MAX_ATTEMPTS, retryDelayMs, spentTries, takeForTry } from '../sms/outbox';
import { PUSH_PAGE } from './message';

/** Agency positions of one region: more than this would be a misconfiguration; they are pushed in order. */
const MAX_RECIPIENTS = 200;

type Outcome = 'done' | 'retry' | 'failed' | 'skipped';

const outboxOf = (ctx: SystemContext) => new Repository<PushOutboxDoc>(ctx.db, 'push_outbox');

/** The holders of the active agency positions whose region prefix is one of the alert's. */
async function recipientsOf(ctx: SystemContext, row: PushOutboxDoc): Promise<PushRecipient[]> {
  const agencies = await new Repository<PositionDoc>(ctx.db, 'positions').find(
    { regionPrefix: ctx.db.command.in(row.regionPrefixes), role: 'agency', status: 'active' },
    { limit: MAX_RECIPIENTS },
  );
  // one message per holder, even if someone holds two agency positions of the region
  const seen = new Set<string>();
  const recipients: PushRecipient[] = [];
  for (const p of agencies) {
    const openid = p.holder.openid;
    if (!openid || seen.has(openid)) continue;
    seen.add(openid);
    recipients.push({ positionId: p._id, openid, status: 'pending', sentAt: null });
  }
  return recipients;
}

async function dispatchOne(ctx: SystemContext, row: PushOutboxDoc): Promise<Outcome> {
  const outbox = outboxOf(ctx);
  // a last try that never recorded an outcome: none after it, and whoever it had not reached is failed
  const spent = await spentTries(outbox, row, () =>
    row.recipients
      ? {
          recipients: ctx.db.command.set(
            row.recipients.map((r) => (r.status === 'pending' ? { ...r, status: 'failed' } : r)),
          ),
        }
      : {},
  );
  if (spent) return spent;
  // leased, and its outcome written only while this try still holds it (takeForTry)
  const held = await takeForTry(outbox, row, ctx.now);
  if (!held) return 'skipped';
  const { attempts, stillHeld } = held;
  const recipients = row.recipients ?? (await recipientsOf(ctx, row));
  const template = process.env.JXM_PUSH_TEMPLATE_ID ?? '';
  let unsent = 0;
  for (const recipient of recipients) {
    if (recipient.status !== 'pending') continue;
    try {
      await ctx.ports.push.send({ openid: recipient.openid, template, page: PUSH_PAGE, data: row.data });
      recipient.status = 'sent';
      recipient.sentAt = ctx.now;
    } catch (err) {
      if (isPushRefused(err)) {
        recipient.status = 'refused';
        logEvent('push_refused', { alertId: row.alertId });
      } else {
        unsent++;
        logFailure('push_failed', err, { alertId: row.alertId, attempts });
      }
    }
  }
  if (unsent === 0) {
    const kept = await outbox.updateWhere(stillHeld, {
      status: 'done',
      recipients: ctx.db.command.set(recipients),
    });
    return kept !== 1 ? 'skipped' : 'done';
  }
  const failed = attempts >= SMS_MAX_ATTEMPTS;
  if (failed) for (const r of recipients) if (r.status === 'pending') r.status = 'failed';
  const kept = await outbox.updateWhere(stillHeld, {
    status: failed ? 'failed' : 'pending',
    nextAttemptAt: new Date(ctx.now.getTime() + retryDelayMs(attempts)),
    recipients: ctx.db.command.set(recipients),
  });
  return kept !== 1 ? 'skipped' : failed ? 'failed' : 'retry';
}

/** Pushes these alerts now if WeChat takes them; whatever fails is left to the timer. */
export async function pushNow(ctx: SystemContext, rows: PushOutboxDoc[]): Promise<void> {
  for (const row of rows) {
    try {
      await dispatchOne(ctx, row);
    } catch (err) {
      logFailure('push_dispatch_failed', err, { alertId: row.alertId });
    }
  }
}

/** The pushDispatch timer: every row due (and every lease that ran out), oldest first. */
export async function pushDue(ctx: SystemContext): Promise<Record<Outcome, number>> {
  const outbox = outboxOf(ctx);
  const _ = ctx.db.command;
  const counts: Record<Outcome, number> = { done: 0, retry: 0, failed: 0, skipped: 0 };
  for (let round = 0; round < 50; round++) {
    const due = await outbox.find(
      { status: _.in(['pending', 'sending']), nextAttemptAt: _.lte(ctx.now) },
      { orderBy: [['nextAttemptAt', 'asc']], limit: 100 },
    );
    for (const row of due) counts[await dispatchOne(ctx, row)]++;
    if (due.length < 100) break;
  }
  logEvent('push_dispatch', counts);
  return counts;
}
