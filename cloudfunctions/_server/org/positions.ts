/**
 * The scanner tree (DESIGN.md section 2): positions are places in the tree, bound to a site and held by one person
 * at a time. Shared pieces of the org use cases: who may act on which position or site, invitations, and the one
 * way a position's status or holder changes — in a transaction that also writes the change's SMS to the outbox.
 */
import { randomInt } from 'node:crypto';
import type { FieldErrors } from '../../../miniprogram/core/errors';
import { checkName, checkPhone, maskName, maskPhone } from '../../../miniprogram/core/identity';
import { CREATABLE_ROLES } from '../../../miniprogram/core/org';
import type { SmsTemplate } from '../../../miniprogram/core/sms';
import type { CloudDatabase, Tx } from '../cloud';
import type { InviteDoc, PositionDoc, PositionHolder, SiteDoc, SmsOutboxDoc } from '../db/documents';
import { Repository } from '../db/repository';
import { DomainError } from '../envelope';
import { blindIndex, randomId, seal, unseal, type KeyRing } from '../privacy/personal-data';
import type { SystemContext } from '../router';
import { endedAt } from '../scan/duty-sessions';
import { smsMessage } from '../sms/outbox';

export { CREATABLE_ROLES };

export const INVITE_LIFETIME_MS = 72 * 3600_000;
/** No 0/O, 1/I/L: read aloud or typed from a screen without mistakes. */
const INVITE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const INVITE_LENGTH = 10;

export const positionsOf = (db: CloudDatabase) => new Repository<PositionDoc>(db, 'positions');
export const sitesOf = (db: CloudDatabase) => new Repository<SiteDoc>(db, 'sites');

/** The sites of these positions (or any ids), by id, in one query. */
export async function sitesById(db: CloudDatabase, ids: string[]): Promise<Map<string, SiteDoc>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const found = await sitesOf(db).find({ _id: db.command.in(unique) }, { limit: unique.length });
  return new Map(found.map((s) => [s._id, s]));
}

/** The actor is an ancestor of the position (everything below the actor). */
export function isBelow(actor: PositionDoc, position: PositionDoc): boolean {
  return position.ancestors.includes(actor._id);
}

/** The site is the actor's own or lies below it; the initiator's scope is every site. */
export function siteInScope(actor: PositionDoc, site: SiteDoc): boolean {
  return actor.role === 'initiator' || site._id === actor.siteId || site.ancestors.includes(actor.siteId);
}

/** A position the actor may see or act on, else FORBIDDEN (never NOT_FOUND: ids cannot be probed). */
export async function positionBelow(
  ctx: SystemContext,
  actor: PositionDoc,
  positionId: string,
): Promise<PositionDoc> {
  const position = await positionsOf(ctx.db).get(positionId);
  if (!position || !isBelow(actor, position)) throw new DomainError('FORBIDDEN');
  return position;
}

export async function siteInActorScope(
  ctx: SystemContext,
  actor: PositionDoc,
  siteId: string,
): Promise<SiteDoc> {
  const site = await sitesOf(ctx.db).get(siteId);
  if (!site || !siteInScope(actor, site)) throw new DomainError('FORBIDDEN');
  return site;
}

/** A new site below `parent`: its ancestors and lineage (the ancestors and itself) follow from the parent's. */
export function childSite(
  parent: SiteDoc,
  fields: Omit<SiteDoc, '_id' | 'parentSiteId' | 'ancestors' | 'lineage'>,
): SiteDoc {
  const _id = randomId(12);
  const ancestors = [...parent.ancestors, parent._id];
  return { _id, ...fields, parentSiteId: parent._id, ancestors, lineage: [...ancestors, _id] };
}

/** The position's senior key (one senior per site, API.md v1.1): the site's id on senior positions, else none. */
export function seniorKey(role: PositionDoc['role'], siteId: string): Pick<PositionDoc, 'seniorOfSite'> {
  return role === 'senior' ? { seniorOfSite: siteId } : {};
}

/** The site has a senior position, in any status (API.md v1.1: at most one per site). */
export async function siteHasSenior(db: CloudDatabase, siteId: string): Promise<boolean> {
  return (await positionsOf(db).first({ seniorOfSite: siteId })) !== null;
}

/** The blind index of a holder's phone on record (invited or claimed), or null when there is none. */
export function holderPhoneKey(keys: KeyRing, holder: PositionHolder): string | null {
  if (holder.phoneHash) return holder.phoneHash;
  return holder.phone ? blindIndex(keys, 'phone', unseal(keys, holder.phone)) : null;
}

/** Checks and seals the invited holder's name and phone. */
export function invitedHolder(keys: KeyRing, name: string, phone: string): PositionHolder {
  const checkedName = checkName(name);
  const checkedPhone = checkPhone(phone);
  const fields: FieldErrors = {};
  if (!checkedName.ok) fields.holderName = checkedName.problem;
  if (!checkedPhone.ok) fields.holderPhone = checkedPhone.problem;
  if (!checkedName.ok) throw new DomainError('NAME_INVALID', undefined, fields);
  if (!checkedPhone.ok) throw new DomainError('PHONE_INVALID', undefined, fields);
  return {
    openid: null,
    personId: null,
    name: seal(keys, checkedName.value),
    phone: seal(keys, checkedPhone.value),
    phoneHash: blindIndex(keys, 'phone', checkedPhone.value),
    masked: { name: maskName(checkedName.value), phone: maskPhone(checkedPhone.value) },
  };
}

export function normaliseInviteCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export function inviteHash(keys: KeyRing, code: string): string {
  return blindIndex(keys, 'invite', normaliseInviteCode(code));
}

/** A new one-time invite for the position: the code (shown once) and the document (which stores its hash). */
export function newInvite(
  ctx: SystemContext,
  position: Pick<PositionDoc, '_id' | 'role' | 'siteId'>,
): { code: string; doc: InviteDoc } {
  let code = '';
  for (let i = 0; i < INVITE_LENGTH; i++) code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)];
  return {
    code,
    doc: {
      _id: randomId(12),
      codeHash: inviteHash(ctx.ports.keys(), code),
      positionId: position._id,
      role: position.role,
      siteId: position.siteId,
      createdAt: ctx.now,
      expiresAt: new Date(ctx.now.getTime() + INVITE_LIFETIME_MS),
      usedAt: null,
      usedBy: null,
    },
  };
}

export type { Tx };

export interface PositionChange {
  /** Fields to set on the position. */
  patch: Partial<PositionDoc>;
  /** The SMS that reports the change, to the holder's phone on record after the change. */
  sms: { template: SmsTemplate; reason?: PositionDoc['disabledReason'] };
  /**
   * A change of holder: one more SMS, to the previous holder's phone on record (API.md v1.1: the account has
   * passed to someone else) — unless that is the new holder's phone too (the same person invited again).
   */
  previousHolderSms?: { template: SmsTemplate };
  /** More documents to write in the same transaction. */
  alsoInsert?: Array<{ collection: string; doc: { _id: string } }>;
  alsoUpdate?: Array<{ collection: string; id: string; patch: Record<string, unknown> }>;
}

/**
 * The update that makes `change` of a position: any change of holder or status ends the current duty session at this
 * instant (rule 7: duty is the holder's, while active), in the log too, so that a scan synced late from after it does
 * not count; the holder is replaced whole. Also the ended log (null: no session was running).
 */
export function positionPatch(
  ctx: SystemContext,
  current: PositionDoc,
  change: Partial<PositionDoc>,
): { patch: Record<string, unknown>; dutyLog: PositionDoc['dutyLog'] | null } {
  const _ = ctx.db.command;
  const patch: Record<string, unknown> = { ...change, onDuty: null, updatedAt: ctx.now };
  const dutyLog = endedAt(current.dutyLog, ctx.now);
  if (dutyLog) patch.dutyLog = _.set(dutyLog);
  if (change.holder) patch.holder = _.set(change.holder);
  return { patch, dutyLog };
}

/**
 * Changes one position in a transaction: `decide` sees the position as it is now and returns the change, or null
 * to leave it (already in that state: this is how two concurrent disables produce one change and one SMS).
 * Returns the changed position, its SMS to the holder, and every SMS written (the previous holder's first), or null.
 */
export async function changePosition(
  ctx: SystemContext,
  positionId: string,
  siteName: string,
  decide: (position: PositionDoc) => PositionChange | null,
  /** Runs first inside the transaction; throws to abort (e.g. the application under review is no longer pending). */
  precondition?: (tx: Tx) => Promise<void>,
): Promise<{ position: PositionDoc; sms: SmsOutboxDoc | null; messages: SmsOutboxDoc[] } | null> {
  return ctx.db.runTransaction(async (tx: Tx) => {
    if (precondition) await precondition(tx);
    const { data } = await tx.collection('positions').doc(positionId).get();
    const current = data as unknown as PositionDoc;
    const change = decide(current);
    if (!change) return null;
    const { patch, dutyLog } = positionPatch(ctx, current, change.patch);
    await tx.collection('positions').doc(positionId).update({ data: patch });
    for (const { collection, doc } of change.alsoInsert ?? [])
      await tx.collection(collection).add({ data: doc });
    for (const { collection, id, patch: p } of change.alsoUpdate ?? []) {
      await tx.collection(collection).doc(id).update({ data: p });
    }
    const after = {
      ...current,
      ...change.patch,
      onDuty: null,
      dutyLog: dutyLog ?? current.dutyLog,
    } as PositionDoc;
    const messages: SmsOutboxDoc[] = [];
    const keys = ctx.ports.keys();
    if (
      change.previousHolderSms &&
      current.holder.phone &&
      holderPhoneKey(keys, current.holder) !== holderPhoneKey(keys, after.holder)
    ) {
      const handedOver = smsMessage(
        ctx,
        current.holder.phone,
        positionId,
        change.previousHolderSms.template,
        {
          siteName,
          role: after.role,
        },
      );
      await tx.collection('sms_outbox').add({ data: handedOver });
      messages.push(handedOver);
    }
    let sms: SmsOutboxDoc | null = null;
    if (after.holder.phone) {
      sms = smsMessage(ctx, after.holder.phone, positionId, change.sms.template, {
        siteName,
        role: after.role,
        ...(change.sms.reason ? { reason: change.sms.reason } : {}),
      });
      await tx.collection('sms_outbox').add({ data: sms });
      messages.push(sms);
    }
    return { position: after, sms, messages };
  });
}
