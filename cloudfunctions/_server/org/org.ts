/**
 * The scanner hierarchy's actions (regulation rules 6, 7, 10, 12–14; API.md `org`): sites, positions, invitations,
 * replacement, disabling and activation. Senior applications are in applications.ts.
 */
import type { OrgParams, OrgReplies } from '../../../miniprogram/core/contracts/org.contract';
import { CREATABLE_SITE_TYPES, SCANNER_ROLES } from '../../../miniprogram/core/org';
import { DEFAULT_SITE_RADIUS_M } from '../../../miniprogram/core/org';
import { isJilinRegion, regionCovers, regionPrefix } from '../../../miniprogram/core/regions';
import { checkUscc } from '../../../miniprogram/core/uscc';
import {
  coordinatesOf,
  type InviteDoc,
  type PersonDoc,
  type PositionDoc,
  type SiteDoc,
  type SmsOutboxDoc,
} from '../db/documents';
import { pageNewestFirst } from '../db/paging';
import { Repository, isDuplicateKeyError } from '../db/repository';
import { DomainError } from '../envelope';
import { blindIndex, randomId, unseal } from '../privacy/personal-data';
import { auditRow } from '../audit';
import type { RequestContext, SystemContext } from '../router';
import { dispatchNow, smsMessage } from '../sms/outbox';
import { ACTIVITY_MARK_EVERY_MS, actingPosition } from './acting-position';
import {
  CREATABLE_ROLES,
  changePosition,
  childSite,
  inviteHash,
  invitedHolder,
  newInvite,
  positionBelow,
  positionPatch,
  positionsOf,
  seniorKey,
  siteHasSenior,
  siteInActorScope,
  sitesById,
  sitesOf,
  type Tx,
} from './positions';

/** The region of a site written before regions (API.md 2, v1.1): the province. */
export const DEFAULT_REGION_CODE = '220000';

const SENIOR_TAKEN_MESSAGE = '该站点已有高级扫码员账号，如需更换持有人请使用“更换持有人”';

export async function createSite(
  params: OrgParams<'createSite'>,
  ctx: RequestContext,
): Promise<OrgReplies['createSite']> {
  // the initiator creates any site; a senior its departments, subsidiaries, unit sites and villages below its own
  // (rule 6, rule 9); an intermediate at a village the public places directly under it (rule 9: 由村（社区）依申请开通)
  const actor = await actingPosition(ctx, params.actingPositionId, ['initiator', 'senior', 'intermediate']);
  let parent: SiteDoc;
  if (actor.role === 'intermediate') {
    parent = (await sitesOf(ctx.db).get(actor.siteId))!;
    if (parent.type !== 'village')
      throw new DomainError('FORBIDDEN', '只有村（社区）站点的中级扫码员可以创建站点');
    if (params.parentSiteId !== undefined && params.parentSiteId !== parent._id)
      throw new DomainError('FORBIDDEN');
  } else {
    parent = await siteInActorScope(ctx, actor, params.parentSiteId ?? actor.siteId);
  }
  if (!CREATABLE_SITE_TYPES[actor.role].includes(params.type))
    throw new DomainError('FORBIDDEN', '您不能创建这一类型的站点');
  let uscc: string | null = null;
  if (params.uscc !== undefined) {
    const checked = checkUscc(params.uscc);
    if (!checked.ok) throw new DomainError('USCC_INVALID', undefined, { uscc: checked.problem });
    uscc = checked.value;
  }
  // API.md 2, v1.1: the region lies within the parent's (a parent from before regions: the province)
  const regionCode = params.regionCode ?? parent.regionCode;
  if (params.regionCode !== undefined) {
    if (!isJilinRegion(params.regionCode))
      throw new DomainError('BAD_REQUEST', '地区代码不是吉林省的行政区划代码', { regionCode: 'format' });
    if (!regionCovers(parent.regionCode ?? DEFAULT_REGION_CODE, params.regionCode))
      throw new DomainError('BAD_REQUEST', '站点所在地区须在上级站点的地区之内', { regionCode: 'range' });
  }
  const site = childSite(parent, {
    name: params.name,
    type: params.type,
    address: params.address,
    location: { type: 'Point', coordinates: [params.location.longitude, params.location.latitude] },
    radiusM: params.radiusM ?? DEFAULT_SITE_RADIUS_M,
    ...(regionCode ? { regionCode } : {}),
    uscc,
    createdAt: ctx.now,
    createdBy: actor._id,
  });
  await sitesOf(ctx.db).insert(site);
  return { siteId: site._id };
}

/** A new pending position below the actor, with its invite and its SMS (rule 6; API.md `createPosition`). */
export function newPosition(
  ctx: SystemContext,
  actor: PositionDoc,
  site: SiteDoc,
  role: PositionDoc['role'],
  holder: PositionDoc['holder'],
) {
  const position: PositionDoc = {
    _id: randomId(12),
    role,
    siteId: site._id,
    parentId: actor._id,
    ancestors: [...actor.ancestors, actor._id],
    ...seniorKey(role, site._id),
    // an agency's scope is its site's region (API.md v1.1): kept on the position, so that the holders an alert is
    // pushed to are one indexed query
    ...(role === 'agency' ? { regionPrefix: regionPrefix(site.regionCode ?? DEFAULT_REGION_CODE) } : {}),
    holder,
    status: 'pending',
    disabledReason: null,
    currentInviteId: null,
    lastActiveAt: ctx.now,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const invite = newInvite(ctx, position);
  position.currentInviteId = invite.doc._id;
  return { position, invite };
}

export async function createPosition(
  params: OrgParams<'createPosition'>,
  ctx: RequestContext,
): Promise<OrgReplies['createPosition']> {
  const actor = await actingPosition(ctx, params.actingPositionId, SCANNER_ROLES);
  if (!CREATABLE_ROLES[actor.role].includes(params.role)) throw new DomainError('FORBIDDEN');
  const site = await siteInActorScope(ctx, actor, params.siteId);
  const holder = invitedHolder(ctx.ports.keys(), params.holderName, params.holderPhone);
  // one senior per site, in any status (API.md v1.1); its holder changes through replaceHolder
  if (params.role === 'senior' && (await siteHasSenior(ctx.db, site._id)))
    throw new DomainError('CONFLICT', SENIOR_TAKEN_MESSAGE);
  const { position, invite } = newPosition(ctx, actor, site, params.role, holder);
  const sms = smsMessage(ctx, holder.phone!, position._id, 'position_created', {
    siteName: site.name,
    role: position.role,
  });
  try {
    await ctx.db.runTransaction(async (tx: Tx) => {
      await tx.collection('positions').add({ data: position });
      await tx.collection('invites').add({ data: invite.doc });
      await tx.collection('sms_outbox').add({ data: sms });
    });
  } catch (err) {
    // two seniors for one site at once: the unique index on seniorOfSite lets one through, nothing of the other
    if (params.role === 'senior' && isDuplicateKeyError(err))
      throw new DomainError('CONFLICT', SENIOR_TAKEN_MESSAGE);
    throw err;
  }
  await dispatchNow(ctx, [sms]);
  return { positionId: position._id, inviteCode: invite.code };
}

/** The position is this caller's by this invite's claim (PositionDoc.claimedInviteId). */
function claimedWith(position: PositionDoc, invite: InviteDoc, openid: string): boolean {
  return position.claimedInviteId === invite._id && position.holder.openid === openid;
}

/**
 * The invitation behind a code, for the invited person only (API.md `claim`): unknown, spent or superseded →
 * INVITE_INVALID; past 72 h → INVITE_EXPIRED; a citizen whose registered name or phone is not the invited
 * holder's → INVITE_INVALID (NOT_REGISTERED without a code). Shared by `claim` and `previewInvite`: what the
 * preview shows is exactly what the claim would take. Writes nothing.
 */
async function invitationFor(inviteCode: string, ctx: RequestContext) {
  const keys = ctx.ports.keys();
  // the invite and the caller's own record, then the position and its site: two stages of reads
  const [invite, caller] = await Promise.all([
    new Repository<InviteDoc>(ctx.db, 'invites').first({ codeHash: inviteHash(keys, inviteCode) }),
    new Repository<PersonDoc>(ctx.db, 'persons').first({ openid: ctx.openid }),
  ]);
  // a spent invite is anyone's INVITE_INVALID but its own holder's, whose retry of the claim is answered again
  if (!invite || (invite.usedAt && invite.usedBy !== ctx.openid)) throw new DomainError('INVITE_INVALID');
  if (invite.expiresAt.getTime() < ctx.now.getTime()) throw new DomainError('INVITE_EXPIRED');
  // an invite written before it named its site reads the position first
  const [position, knownSite] = await Promise.all([
    positionsOf(ctx.db).get(invite.positionId),
    invite.siteId ? sitesOf(ctx.db).get(invite.siteId) : null,
  ]);
  // the same holder again with the invite their claim took: a claim answered already, or cut off before its end
  const unfinished = position !== null && claimedWith(position, invite, ctx.openid);
  if (!position || (position.currentInviteId !== invite._id && !unfinished))
    throw new DomainError('INVITE_INVALID');
  const site = knownSite ?? (await sitesOf(ctx.db).get(position.siteId))!;

  // a citizen's registered name and phone must be the invited holder's: a forwarded code is of no use to anyone
  // else, not even to a namesake (the phones are compared through their blind index)
  let personId: string | null = null;
  if (position.role !== 'initiator') {
    if (!caller) throw new DomainError('NOT_REGISTERED');
    const person = caller;
    const invitedName = position.holder.name ? unseal(keys, position.holder.name) : null;
    if (invitedName !== null && unseal(keys, person.sealed.name) !== invitedName)
      throw new DomainError('INVITE_INVALID', '该邀请码不是发给您的：认领人的实名须与受邀人一致');
    const invitedPhone =
      position.holder.phoneHash ??
      (position.holder.phone ? blindIndex(keys, 'phone', unseal(keys, position.holder.phone)) : null);
    if (
      invitedPhone !== null &&
      blindIndex(keys, 'phone', unseal(keys, person.sealed.phone)) !== invitedPhone
    )
      throw new DomainError(
        'INVITE_INVALID',
        '该邀请码是发给另一个手机号的：请用受邀手机号注册的吉祥码认领，或请上级重新邀请',
      );
    personId = person._id;
  }
  return { invite, position, site, personId, unfinished };
}

/** Extension (docs/api.md): what an invite code is for — the role and the site — before the claim (no write). */
export async function previewInvite(
  params: OrgParams<'previewInvite'>,
  ctx: RequestContext,
): Promise<OrgReplies['previewInvite']> {
  const { invite, position, site } = await invitationFor(params.inviteCode, ctx);
  return {
    role: position.role,
    site: { id: site._id, name: site.name, type: site.type },
    expiresAt: invite.expiresAt.toISOString(),
  };
}

/**
 * org.claim in four stages (DESIGN.md section 5): the invite and the caller, the position and its site, then one
 * conditional update of the position — it applies only while the invite is still the position's current one and
 * the position is as read, so of two claims of one code exactly one gets through — then the invite's use and the
 * claim's SMS together. The claim is answered after all of them. A claim cut off after the position's write (the
 * function timed out, the database failed) is finished by its holder's retry of the same code: the position
 * remembers the invite it was claimed with, the invite's use is written again and the SMS, whose _id the invite
 * gives, is written once.
 */
export async function claim(params: OrgParams<'claim'>, ctx: RequestContext): Promise<OrgReplies['claim']> {
  const { invite, site, personId, position: read, unfinished } = await invitationFor(params.inviteCode, ctx);
  const reply = {
    positionId: read._id,
    role: read.role,
    site: { id: site._id, name: site.name, type: site.type },
  };
  // the reply was lost, not the claim: the same answer, nothing written
  if (unfinished && invite.usedAt) return reply;
  let position = read;
  for (let attempt = 1; !unfinished; attempt++) {
    const { patch } = positionPatch(ctx, position, {
      holder: { ...position.holder, openid: ctx.openid, personId, claimedAt: ctx.now },
      status: position.status === 'pending' ? 'active' : position.status,
      currentInviteId: null,
      claimedInviteId: invite._id,
      lastActiveAt: ctx.now,
    });
    const taken = await positionsOf(ctx.db).updateWhere(
      { _id: position._id, currentInviteId: invite._id, status: position.status },
      patch,
    );
    if (taken === 1) break;
    // the position changed meanwhile: claimed by someone else (the invite is spent), replaced, or disabled
    const now = await positionsOf(ctx.db).get(position._id);
    // the same holder's other claim of this code (a second tap) got through first: this one finishes it
    if (now && claimedWith(now, invite, ctx.openid)) {
      position = now;
      break;
    }
    if (!now || now.currentInviteId !== invite._id || attempt === 3) throw new DomainError('INVITE_INVALID');
    position = now;
  }
  const sms = position.holder.phone
    ? {
        ...smsMessage(
          ctx,
          position.holder.phone,
          position._id,
          position.status === 'disabled' ? 'position_claimed_disabled' : 'position_claimed',
          { siteName: site.name, role: position.role },
        ),
        _id: `claim-${invite._id}`,
      }
    : null;
  const [, written] = await Promise.all([
    new Repository<InviteDoc>(ctx.db, 'invites').update(invite._id, { usedAt: ctx.now, usedBy: ctx.openid }),
    sms ? new Repository<SmsOutboxDoc>(ctx.db, 'sms_outbox').insertUnique(sms) : false,
  ]);
  // a finishing retry whose cut-off claim had written the SMS already: it is sent (or retried) from the outbox
  if (sms && written) await dispatchNow(ctx, [sms]);
  return reply;
}

export async function replaceHolder(
  params: OrgParams<'replaceHolder'>,
  ctx: RequestContext,
): Promise<OrgReplies['replaceHolder']> {
  const actor = await actingPosition(ctx, params.actingPositionId, ['initiator', 'senior', 'intermediate']);
  const position = await positionBelow(ctx, actor, params.positionId);
  // the position's direct superior replaces its holder (rule 10: seniors and intermediates their next level, the
  // initiator its seniors); a unit asking for its senior to be replaced applies instead (reviewApplication)
  if (position.parentId !== actor._id) throw new DomainError('FORBIDDEN');
  const holder = invitedHolder(ctx.ports.keys(), params.holderName, params.holderPhone);
  const site = (await sitesOf(ctx.db).get(position.siteId))!;
  const row = auditRow(ctx, {
    action: 'org.replaceHolder',
    actorPositionId: actor._id,
    actorOpenid: ctx.openid,
    target: position._id,
    reason: params.reason,
  });
  const { code } = await replaceHolderOf(ctx, position._id, site.name, holder, [], undefined, [
    { collection: 'audit', doc: row },
  ]);
  return { inviteCode: code };
}

/** The old holder loses the position at once; the new one is invited (used by replaceHolder and reviews). */
export async function replaceHolderOf(
  ctx: SystemContext,
  positionId: string,
  siteName: string,
  holder: PositionDoc['holder'],
  alsoUpdate: Array<{ collection: string; id: string; patch: Record<string, unknown> }> = [],
  precondition?: (tx: Tx) => Promise<void>,
  alsoInsert: Array<{ collection: string; doc: { _id: string } }> = [],
): Promise<{ code: string; position: PositionDoc }> {
  let code = '';
  const changed = await changePosition(
    ctx,
    positionId,
    siteName,
    (current) => {
      const invite = newInvite(ctx, current);
      code = invite.code;
      return {
        patch: {
          holder,
          status: current.status === 'disabled' ? 'disabled' : 'pending',
          currentInviteId: invite.doc._id,
          // the old holder's request for activation goes with them
          activationRequest: null,
        },
        sms: { template: 'position_replaced' },
        previousHolderSms: { template: 'position_handed_over' },
        alsoInsert: [{ collection: 'invites', doc: invite.doc }, ...alsoInsert],
        alsoUpdate,
      };
    },
    precondition,
  );
  await dispatchNow(ctx, changed!.messages);
  return { code, position: changed!.position };
}

/** Disables one position (if not already) with its SMS; true when this call changed it. */
export async function disableOne(
  ctx: SystemContext,
  position: PositionDoc,
  reason: NonNullable<PositionDoc['disabledReason']>,
  siteNames: Map<string, string>,
  outbox: SmsOutboxDoc[],
  still: (current: PositionDoc) => boolean = () => true,
  alsoInsert: Array<{ collection: string; doc: { _id: string } }> = [],
): Promise<boolean> {
  let siteName = siteNames.get(position.siteId);
  if (siteName === undefined) {
    siteName = (await sitesOf(ctx.db).get(position.siteId))?.name ?? '';
    siteNames.set(position.siteId, siteName);
  }
  const changed = await changePosition(ctx, position._id, siteName, (current) =>
    current.status === 'disabled' || !still(current)
      ? null
      : {
          patch: { status: 'disabled', disabledReason: reason },
          sms: { template: 'position_disabled', reason },
          alsoInsert,
        },
  );
  if (changed?.sms) outbox.push(changed.sms);
  return changed !== null;
}

export async function disable(
  params: OrgParams<'disable'>,
  ctx: RequestContext,
): Promise<OrgReplies['disable']> {
  const actor = await actingPosition(ctx, params.actingPositionId, ['initiator', 'senior', 'intermediate']);
  const position = await positionBelow(ctx, actor, params.positionId);
  const siteNames = new Map<string, string>();
  const outbox: SmsOutboxDoc[] = [];
  const row = auditRow(ctx, {
    action: 'org.disable',
    actorPositionId: actor._id,
    actorOpenid: ctx.openid,
    target: position._id,
    reason: params.reason,
    details: { cascade: params.cascade },
  });
  const disabled: string[] = [];
  // the audit row goes with the first change this call makes: the root's, or the first below it
  let unaudited: Array<{ collection: string; doc: typeof row }> = [{ collection: 'audit', doc: row }];
  if (await disableOne(ctx, position, 'manual', siteNames, outbox, undefined, unaudited)) {
    disabled.push(position._id);
    unaudited = [];
  } else if (!params.cascade) {
    throw new DomainError('CONFLICT');
  }
  // an earlier cascade that failed part-way is finished by disabling the root again with cascade
  if (params.cascade) {
    // rule 10: "禁用下一级扫码员或其衍生的全部扫码员账号" — everything below, page by page until none is left
    const _ = ctx.db.command;
    for (;;) {
      const below = await positionsOf(ctx.db).find(
        { ancestors: position._id, status: _.in(['active', 'pending']) },
        { limit: 100 },
      );
      if (below.length === 0) break;
      for (const p of below) {
        if (!(await disableOne(ctx, p, 'cascade', siteNames, outbox, undefined, unaudited))) continue;
        disabled.push(p._id);
        unaudited = [];
      }
    }
  }
  if (disabled.length === 0) throw new DomainError('CONFLICT');
  await dispatchNow(ctx, outbox);
  return { disabled };
}

export async function activate(
  params: OrgParams<'activate'>,
  ctx: RequestContext,
): Promise<OrgReplies['activate']> {
  const actor = await actingPosition(ctx, params.actingPositionId, ['initiator', 'senior', 'intermediate']);
  const position = await positionBelow(ctx, actor, params.positionId);
  // rule 10: activated by the direct superior (or the initiator, who oversees all)
  if (position.parentId !== actor._id && actor.role !== 'initiator') throw new DomainError('FORBIDDEN');
  const site = (await sitesOf(ctx.db).get(position.siteId))!;
  const changed = await changePosition(ctx, position._id, site.name, (current) =>
    current.status !== 'disabled'
      ? null
      : {
          patch: {
            status: current.holder.openid ? 'active' : 'pending',
            disabledReason: null,
            activationRequest: null,
            // a fresh start: the silent sweep counts from the activation
            lastActiveAt: ctx.now,
          },
          sms: { template: 'position_activated' },
          alsoInsert: [
            {
              collection: 'audit',
              doc: auditRow(ctx, {
                action: 'org.activate',
                actorPositionId: actor._id,
                actorOpenid: ctx.openid,
                target: position._id,
                reason: null,
              }),
            },
          ],
        },
  );
  if (!changed) throw new DomainError('CONFLICT');
  if (changed.sms) await dispatchNow(ctx, [changed.sms]);
  return {};
}

export async function subordinates(
  params: OrgParams<'subordinates'>,
  ctx: RequestContext,
): Promise<OrgReplies['subordinates']> {
  const actor = await actingPosition(ctx, params.actingPositionId, SCANNER_ROLES);
  const root =
    params.positionId && params.positionId !== actor._id
      ? await positionBelow(ctx, actor, params.positionId)
      : actor;
  const page = await pageNewestFirst<PositionDoc>(
    ctx,
    'org.subordinates',
    'positions',
    { ancestors: root._id },
    'createdAt',
    params,
  );
  const sites = await sitesById(
    ctx.db,
    page.items.map((p) => p.siteId),
  );
  return {
    items: page.items.map((p) => ({
      positionId: p._id,
      parentId: p.parentId,
      role: p.role,
      status: p.status,
      ...(p.disabledReason ? { disabledReason: p.disabledReason } : {}),
      holder: p.holder.masked ?? { name: '', phone: '' },
      site: { id: p.siteId, name: sites.get(p.siteId)?.name ?? '' },
      lastActiveAt: p.lastActiveAt.toISOString(),
      ...(p.activationRequest && p.status === 'disabled'
        ? {
            activationRequested: {
              at: p.activationRequest.at.toISOString(),
              note: p.activationRequest.note,
            },
          }
        : {}),
    })),
    next: page.next,
  };
}

/**
 * Rule 10 (任何扫码员账号被禁用，均须向上一级扫码员提出申请): the holder of a disabled position asks its superior to
 * activate it. No actingPositionId — the position is disabled. A repeated request replaces the note.
 */
export async function requestActivation(
  params: OrgParams<'requestActivation'>,
  ctx: RequestContext,
): Promise<OrgReplies['requestActivation']> {
  const note = params.note ? params.note : null;
  await ctx.db.runTransaction(async (tx: Tx) => {
    const found = await positionsOf(ctx.db).get(params.positionId);
    if (!found) throw new DomainError('NOT_HOLDER');
    // read again inside the transaction: an activation or replacement at the same time wins or loses whole
    const { data } = await tx.collection('positions').doc(found._id).get();
    const current = data as unknown as PositionDoc;
    if (current.holder.openid !== ctx.openid) throw new DomainError('NOT_HOLDER');
    if (current.status !== 'disabled') throw new DomainError('CONFLICT', '该账号未被禁用，无需申请激活');
    await tx
      .collection('positions')
      .doc(current._id)
      .update({ data: { activationRequest: ctx.db.command.set({ at: ctx.now, note }) } });
  });
  return {};
}

/**
 * API.md v1.1 `sites`: the sites of the actor's site subtree, its own included (the initiator's: every site), or,
 * with parentSiteId, that site's children; newest first. One indexed query either way.
 */
export async function sites(params: OrgParams<'sites'>, ctx: RequestContext): Promise<OrgReplies['sites']> {
  const actor = await actingPosition(ctx, params.actingPositionId, SCANNER_ROLES);
  let filter: Record<string, unknown>;
  if (params.parentSiteId !== undefined) {
    const parent = await siteInActorScope(ctx, actor, params.parentSiteId);
    filter = { parentSiteId: parent._id };
  } else {
    // the initiator's site is the root: its subtree is every site
    filter = { lineage: actor.siteId };
  }
  const page = await pageNewestFirst<SiteDoc>(ctx, 'org.sites', 'sites', filter, 'createdAt', params);
  return {
    items: page.items.map((s) => ({
      siteId: s._id,
      name: s.name,
      type: s.type,
      address: s.address,
      location: coordinatesOf(s.location),
      radiusM: s.radiusM,
      regionCode: s.regionCode ?? DEFAULT_REGION_CODE,
      parentSiteId: s.parentSiteId,
    })),
    next: page.next,
  };
}

/**
 * Rule 10's silent sweep: intermediate and ordinary positions with no login or action for 15 days. The activity
 * mark is written at most every ten minutes, so it can be up to that much older than the last action: a position
 * is silent once its mark is 15 days and ten minutes old, never sooner than 15 days after its last action.
 */
export const SILENT_AFTER_MS = 15 * 24 * 3600_000;

export async function silentSweep(ctx: SystemContext): Promise<{ disabled: number }> {
  const _ = ctx.db.command;
  const cutoff = new Date(ctx.now.getTime() - SILENT_AFTER_MS - ACTIVITY_MARK_EVERY_MS);
  const silentNow = {
    status: 'active',
    role: _.in(['intermediate', 'ordinary']),
    lastActiveAt: _.lte(cutoff),
  };
  const still = (current: PositionDoc) =>
    current.status === 'active' && current.lastActiveAt.getTime() <= cutoff.getTime();
  const siteNames = new Map<string, string>();
  let disabled = 0;
  // each batch drops out of the query as it is disabled; a batch that changes nothing ends the sweep
  for (;;) {
    const batch = await positionsOf(ctx.db).find(silentNow, { limit: 100 });
    const outbox: SmsOutboxDoc[] = [];
    let changed = 0;
    // only the silent position itself: a silent intermediate's ordinary scanners keep working (rule 10)
    for (const p of batch) if (await disableOne(ctx, p, 'silent', siteNames, outbox, still)) changed++;
    await dispatchNow(ctx, outbox);
    disabled += changed;
    if (batch.length < 100 || changed === 0) break;
  }
  return { disabled };
}
