/**
 * health.importRiskList and health.setColor: the province's own decisions on health codes (regulation rule 4;
 * API.md `health`). Initiator only; every call is audited.
 */
import type { HealthParams, HealthReplies } from '../../../miniprogram/core/contracts/health.contract';
import { shanghaiDate } from '../../../miniprogram/core/calendar';
import type { FieldErrors } from '../../../miniprogram/core/errors';
import {
  listRowChanges,
  withListRow,
  withProvincialDecision,
  type HealthFacts,
  type ListFlag,
} from '../../../miniprogram/core/health-code.rules';
import { checkIdNumber } from '../../../miniprogram/core/identity';
import { audit, auditRow } from '../audit';
import type { PersonDoc, RiskFlagDoc } from '../db/documents';
import { Repository } from '../db/repository';
import { DomainError } from '../envelope';
import { actingPosition } from '../org/acting-position';
import { blindIndex } from '../privacy/personal-data';
import type { RequestContext } from '../router';
import { changeHealthFacts } from './health-facts';
import { epidemicEnded } from './retention';

/** Look-ups per query: the server SDK returns at most 1000 documents; stay well below. */
const BATCH = 500;
/** Persons changed at once, each in a small transaction of its own. */
const PERSONS_AT_ONCE = 10;
/** The list's flags inserted per request. */
const FLAGS_PER_INSERT = 100;

interface Row {
  idHash: string;
  status: RiskFlagDoc['status'];
  quarantineUntil: Date | null;
}

const sameTime = (a: Date | null | undefined, b: Date | null | undefined) =>
  (a?.getTime() ?? null) === (b?.getTime() ?? null);

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A document from before v1.1 kept the list's flag in `national`. Where the person's national facts are exactly the
 * list's stored flag (same status, same instant: the import wrote both), they are read as the list's flag, so that
 * a `cleared` row can still lift it; anything else stays national (read as no flag of the list).
 */
function legacyListFlag(person: PersonDoc, stored: RiskFlagDoc | undefined): ListFlag | null {
  const n = person.national;
  if (person.listFlag !== undefined || !stored || stored.status === 'cleared') return null;
  if (n.status !== stored.status || n.flaggedAt?.getTime() !== stored.flaggedAt.getTime()) return null;
  return {
    status: stored.status,
    quarantineUntil: n.quarantineUntil,
    flaggedAt: stored.flaggedAt,
    releasedAt: n.releasedAt,
  };
}

/** The person's facts with a legacy list flag moved out of `national` (see legacyListFlag). */
function withLegacySplit(facts: HealthFacts, legacy: ListFlag | null): HealthFacts {
  if (!legacy || facts.listFlag !== undefined) return facts;
  return {
    ...facts,
    national: {
      ...facts.national,
      status: 'normal',
      quarantineUntil: null,
      flaggedAt: null,
      releasedAt: null,
    },
    listFlag: legacy,
  };
}

export async function importRiskList(
  params: HealthParams<'importRiskList'>,
  ctx: RequestContext,
): Promise<HealthReplies['importRiskList']> {
  const actor = await actingPosition(ctx, params.actingPositionId, ['initiator']);
  // rule 3: the province's list is health data, collected for this epidemic period only
  if (epidemicEnded(ctx.now)) throw new DomainError('EPIDEMIC_ENDED');
  const keys = ctx.ports.keys();
  const today = shanghaiDate(ctx.now);

  // every row is checked before anything is written: a list with a bad row is refused whole
  const fields: FieldErrors = {};
  const byHash = new Map<string, Row>();
  params.rows.forEach((row, i) => {
    const id = checkIdNumber(row.idNumber, today);
    if (!id.ok) {
      fields[`rows.${i}.idNumber`] = id.problem;
      return;
    }
    const quarantined = row.status === 'close_contact' || row.status === 'quarantine';
    // the last row for a person wins, as in the list itself
    const idHash = blindIndex(keys, 'id', id.value);
    byHash.set(idHash, {
      idHash,
      status: row.status,
      quarantineUntil: quarantined ? (row.quarantineUntil ?? null) : null,
    });
  });
  if (Object.keys(fields).length > 0) throw new DomainError('ID_INVALID', undefined, fields);

  const flags = new Repository<RiskFlagDoc>(ctx.db, 'risk_flags');
  const persons = new Repository<PersonDoc>(ctx.db, 'persons');
  const _ = ctx.db.command;
  let matched = 0;
  const newFlags: Row[] = [];
  const changedFlags: Row[] = [];
  const personWrites: Array<{ personId: string; row: Row; legacy: ListFlag | null }> = [];
  // the reads first, each batch's flags and persons together
  for (const batch of chunks([...byHash.values()], BATCH)) {
    const hashes = batch.map((r) => r.idHash);
    const [storedFlags, people] = await Promise.all([
      flags.find({ _id: _.in(hashes) }, { limit: BATCH }),
      persons.find({ idHash: _.in(hashes) }, { limit: BATCH }),
    ]);
    const existing = new Map(storedFlags.map((f) => [f._id, f]));
    const byIdHash = new Map(people.map((p) => [p.idHash, p]));
    for (const row of batch) {
      const flag = existing.get(row.idHash);
      if (!flag) newFlags.push(row);
      else if (flag.status !== row.status || !sameTime(flag.quarantineUntil, row.quarantineUntil))
        changedFlags.push(row);
      const person = byIdHash.get(row.idHash);
      if (!person) continue;
      matched++;
      // the list's own flag only: a row never touches what the national platform said (API.md 4, v1.1)
      const legacy = legacyListFlag(person, flag);
      const current = person.listFlag !== undefined ? person.listFlag : legacy;
      if (listRowChanges(current, row)) personWrites.push({ personId: person._id, row, legacy });
    }
  }
  // each changed person in a small transaction of its own (the person and the color event), several at a time;
  // then the list's flags. A call cut short leaves no person half changed, and sending the list again completes it
  // (what is already as the list says is not written again)
  await forEachAtOnce(personWrites, PERSONS_AT_ONCE, ({ personId, row, legacy }) =>
    changeHealthFacts(
      ctx,
      personId,
      (facts) => withListRow(withLegacySplit(facts, legacy), row, ctx.now),
      `position:${actor._id}`,
    ),
  );
  const updated = personWrites.length;
  const unknown = byHash.size - matched;
  await Promise.all([
    writeFlags(ctx, newFlags, changedFlags, params.source),
    audit(ctx, {
      action: 'health.importRiskList',
      actorPositionId: actor._id,
      actorOpenid: ctx.openid,
      target: null,
      reason: null,
      details: { source: params.source, rows: params.rows.length, matched, updated, unknown },
    }),
  ]);
  return { matched, updated, unknown };
}

/** Runs `work` over the items, at most `atOnce` at a time; the first failure is thrown once all have settled. */
async function forEachAtOnce<T>(
  items: T[],
  atOnce: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item).catch((err: unknown) => failures.push(err));
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}

/**
 * The list's own flags (kept for people who register later): the new ones inserted a hundred at a time, the changed
 * ones updated together, one request per status and quarantine end — all sent at once.
 */
async function writeFlags(ctx: RequestContext, fresh: Row[], changed: Row[], source: string): Promise<void> {
  const _ = ctx.db.command;
  const flags = new Repository<RiskFlagDoc>(ctx.db, 'risk_flags');
  const contentOf = ({ status, quarantineUntil }: Row) => ({
    status,
    quarantineUntil,
    flaggedAt: ctx.now,
    source,
  });
  const sameContent = new Map<string, Row[]>();
  for (const row of changed) {
    const key = `${row.status}|${row.quarantineUntil?.getTime() ?? ''}`;
    sameContent.set(key, [...(sameContent.get(key) ?? []), row]);
  }
  await Promise.all([
    ...chunks(fresh, FLAGS_PER_INSERT).map(async (rows) => {
      const docs = rows.map((row) => ({ _id: row.idHash, ...contentOf(row) }));
      // another import may have flagged one of them meanwhile: then each is set on its own
      if (!(await flags.insertManyUnique(docs))) {
        await Promise.all(docs.map(({ _id, ...content }) => flags.set(_id, content)));
      }
    }),
    ...[...sameContent.values()].map((rows) =>
      flags.updateWhere({ _id: _.in(rows.map((r) => r.idHash)) }, contentOf(rows[0])),
    ),
  ]);
}

export async function setColor(
  params: HealthParams<'setColor'>,
  ctx: RequestContext,
): Promise<HealthReplies['setColor']> {
  const actor = await actingPosition(ctx, params.actingPositionId, ['initiator']);
  if (epidemicEnded(ctx.now)) throw new DomainError('EPIDEMIC_ENDED');
  const person = await new Repository<PersonDoc>(ctx.db, 'persons').get(params.personId);
  if (!person) throw new DomainError('NOT_FOUND');
  const result = await changeHealthFacts(
    ctx,
    person._id,
    (facts) => withProvincialDecision(facts, { color: params.color, reason: params.reason, at: ctx.now }),
    `position:${actor._id}`,
    // audited in the same transaction: no change without its row
    async (tx, after) => {
      await tx.collection('audit').add({
        data: auditRow(ctx, {
          action: 'health.setColor',
          actorPositionId: actor._id,
          actorOpenid: ctx.openid,
          target: person._id,
          reason: params.reason,
          details: { from: person.color, to: after.color },
        }),
      });
    },
  );
  return { color: result.person.color };
}

/**
 * health.findPerson (API.md v1.1): the provincial office finds one person by ID number to act on them (setColor,
 * credit flags). Initiator only; every look-up is audited with its reason, found or not; only masked values leave.
 */
export async function findPerson(
  params: HealthParams<'findPerson'>,
  ctx: RequestContext,
): Promise<HealthReplies['findPerson']> {
  const actor = await actingPosition(ctx, params.actingPositionId, ['initiator']);
  const id = checkIdNumber(params.idNumber, shanghaiDate(ctx.now));
  if (!id.ok) throw new DomainError('ID_INVALID', undefined, { idNumber: id.problem });
  const idHash = blindIndex(ctx.ports.keys(), 'id', id.value);
  const person = await new Repository<PersonDoc>(ctx.db, 'persons').first({ idHash });
  await audit(ctx, {
    action: 'health.findPerson',
    actorPositionId: actor._id,
    actorOpenid: ctx.openid,
    target: person?._id ?? null,
    reason: params.reason,
    details: { found: Boolean(person) },
  });
  if (!person) throw new DomainError('NOT_FOUND', '未找到该身份证号的吉祥码');
  return { personId: person._id, masked: person.masked, color: person.color };
}
