/**
 * Credit flags (regulation rule 17, an API extension): the initiator flags a person who concealed their health or
 * travel, or a scanner whose reports were seriously false, with evidence, for referral to credit discipline.
 */
import type { RecordsParams, RecordsReplies } from '../../../miniprogram/core/contracts/records.contract';
import { auditRow } from '../audit';
import type { Tx } from '../cloud';
import type { CreditFlagDoc, PersonDoc } from '../db/documents';
import { pageNewestFirst } from '../db/paging';
import { Repository } from '../db/repository';
import { DomainError } from '../envelope';
import { actingPosition } from '../org/acting-position';
import { positionsOf } from '../org/positions';
import { randomId } from '../privacy/personal-data';
import type { RequestContext } from '../router';

export async function flagCredit(
  params: RecordsParams<'flagCredit'>,
  ctx: RequestContext,
): Promise<RecordsReplies['flagCredit']> {
  const actor = await actingPosition(ctx, params.actingPositionId, ['initiator']);
  if ((params.personId === undefined) === (params.positionId === undefined)) {
    throw new DomainError('BAD_REQUEST', '请指定被标记的人员或扫码员（二选一）', {
      [params.personId === undefined ? 'personId' : 'positionId']:
        params.personId === undefined ? 'required' : 'unknown',
    });
  }
  let subject: CreditFlagDoc['subject'];
  if (params.personId !== undefined) {
    const person = await new Repository<PersonDoc>(ctx.db, 'persons').get(params.personId);
    if (!person) throw new DomainError('NOT_FOUND');
    subject = { type: 'person', id: person._id, name: person.masked.name };
  } else {
    const position = await positionsOf(ctx.db).get(params.positionId!);
    if (!position) throw new DomainError('NOT_FOUND');
    subject = { type: 'scanner', id: position._id, name: position.holder.masked?.name ?? '' };
  }
  const flag: CreditFlagDoc = {
    _id: randomId(12),
    kind: params.kind,
    subject,
    evidence: params.evidence,
    by: actor._id,
    at: ctx.now,
  };
  const row = auditRow(ctx, {
    action: 'records.flagCredit',
    actorPositionId: actor._id,
    actorOpenid: ctx.openid,
    target: subject.id,
    reason: params.kind,
    details: { flagId: flag._id, subject: subject.type },
  });
  await ctx.db.runTransaction(async (tx: Tx) => {
    await tx.collection('credit_flags').add({ data: flag });
    await tx.collection('audit').add({ data: row });
  });
  return { flagId: flag._id };
}

export async function creditFlags(
  params: RecordsParams<'creditFlags'>,
  ctx: RequestContext,
): Promise<RecordsReplies['creditFlags']> {
  await actingPosition(ctx, params.actingPositionId, ['initiator']);
  const page = await pageNewestFirst<CreditFlagDoc>(
    ctx,
    'records.creditFlags',
    'credit_flags',
    {},
    'at',
    params,
  );
  return {
    items: page.items.map((f) => ({
      flagId: f._id,
      at: f.at.toISOString(),
      kind: f.kind,
      subject: f.subject,
      evidence: f.evidence,
      by: f.by,
    })),
    next: page.next,
  };
}
