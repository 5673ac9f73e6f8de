/**
 * The only way a person's health facts — and so their color — change: read the person, apply a pure change from
 * miniprogram/core/health-code.rules.ts, write the facts and the color, and append one code event when the color
 * changed, all in one transaction (a concurrent change makes it retry, never lose an update).
 */
import { colorOf, type ColorDecision, type HealthFacts } from '../../../miniprogram/core/health-code.rules';
import type { CodeEventDoc, PersonDoc } from '../db/documents';
import { endDutyIn } from '../scan/duty-sessions';
import type { Tx } from '../cloud';
import type { SystemContext } from '../router';
import { randomId } from '../privacy/personal-data';

/** The person's facts; a document from before v1.1 has no `listFlag` (read as none) and no freshness dates. */
export function factsOf(
  person: Pick<PersonDoc, 'national' | 'fever' | 'provincial'> & { listFlag?: PersonDoc['listFlag'] },
): HealthFacts {
  const facts: HealthFacts = {
    national: person.national,
    fever: person.fever,
    provincial: person.provincial,
  };
  if (person.listFlag !== undefined) facts.listFlag = person.listFlag;
  return facts;
}

export function codeEvent(
  personId: string,
  from: PersonDoc['color'] | null,
  decision: ColorDecision,
  actor: string,
  at: Date,
): CodeEventDoc {
  return { _id: randomId(12), personId, from, to: decision.color, reason: decision.reason, actor, at };
}

export interface FactsChange {
  person: PersonDoc;
  /** The color changed (and one event was appended). */
  changed: boolean;
}

/**
 * Applies `change` to the person's facts inside a transaction the caller runs (so that several changes can share
 * one commit). `change` returns null to leave the person as is. Throws if the person does not exist.
 */
export async function changeHealthFactsIn(
  tx: Tx,
  ctx: SystemContext,
  personId: string,
  change: (facts: HealthFacts, person: PersonDoc) => HealthFacts | null,
  actor: string,
  /** More fields of the person to set with the change (only when there is one). */
  alongside: Partial<PersonDoc> = {},
): Promise<FactsChange> {
  const _ = ctx.db.command;
  const persons = tx.collection('persons');
  const { data } = await persons.doc(personId).get();
  const person = data as unknown as PersonDoc;
  const facts = change(factsOf(person), person);
  if (!facts) return { person, changed: false };
  const decision = colorOf(facts);
  const changed = decision.color !== person.color;
  const patch = {
    // whole sub-documents are replaced (_.set), never merged field by field into a null
    national: _.set(facts.national),
    fever: facts.fever ? _.set(facts.fever) : null,
    provincial: facts.provincial ? _.set(facts.provincial) : null,
    // the list's flag only once the list has spoken: a document from before v1.1 keeps no field for it
    ...(facts.listFlag !== undefined ? { listFlag: facts.listFlag ? _.set(facts.listFlag) : null } : {}),
    color: decision.color,
    colorReason: decision.reason,
    colorSince: changed ? ctx.now : person.colorSince,
    updatedAt: ctx.now,
    ...alongside,
  };
  // rule 7: a scanner whose own code stops being green goes off duty at once, in this same transaction
  const offDuty = person.color === 'green' && decision.color !== 'green' && Boolean(person.onDutyAt);
  if (offDuty) await endDutyIn(tx, ctx, person.onDutyAt!, person.openid);
  await persons.doc(personId).update({ data: offDuty ? { ...patch, onDutyAt: null } : patch });
  if (changed) {
    await tx
      .collection('code_events')
      .add({ data: codeEvent(personId, person.color, decision, actor, ctx.now) });
  }
  return {
    person: {
      ...person,
      ...facts,
      color: decision.color,
      colorReason: decision.reason,
      colorSince: patch.colorSince,
    },
    changed,
  };
}

/**
 * Applies `change` to the person's facts in a transaction of its own. `inside` runs in the same transaction with
 * the person as they are after the change (e.g. to record the scan that changed them).
 */
export async function changeHealthFacts(
  ctx: SystemContext,
  personId: string,
  change: (facts: HealthFacts, person: PersonDoc) => HealthFacts | null,
  actor: string,
  inside?: (tx: Tx, person: PersonDoc) => Promise<void>,
  alongside: Partial<PersonDoc> = {},
): Promise<FactsChange> {
  return ctx.db.runTransaction(async (tx: Tx) => {
    const result = await changeHealthFactsIn(tx, ctx, personId, change, actor, alongside);
    if (inside) await inside(tx, result.person);
    return result;
  });
}
