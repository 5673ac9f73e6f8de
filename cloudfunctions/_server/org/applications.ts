/**
 * Senior scanner applications (regulation rules 9, 13, 14): a unit applies with its unified social credit code
 * (GB 32100) and the form's fields; the initiator reviews. Approval creates the unit's site, its senior position
 * and the invite in one transaction — or, for a replacement (rule 10: a letter explaining why, and a new form),
 * hands the existing senior position to the new holder.
 */
import type { OrgParams, OrgReplies } from '../../../miniprogram/core/contracts/org.contract';
import { DEFAULT_SITE_RADIUS_M } from '../../../miniprogram/core/org';
import { isJilinRegion, regionCovers, regionPrefix, regionPrefixes } from '../../../miniprogram/core/regions';
import { checkUscc } from '../../../miniprogram/core/uscc';
import { auditRow } from '../audit';
import { requireCitizen } from '../citizen/citizen';
import type { ApplicationDoc, PositionDoc, SiteDoc } from '../db/documents';
import { pageNewestFirst } from '../db/paging';
import { Repository } from '../db/repository';
import { DomainError } from '../envelope';
import { randomId } from '../privacy/personal-data';
import type { RequestContext } from '../router';
import { dispatchNow, smsMessage } from '../sms/outbox';
import { actingPosition } from './acting-position';
import { DEFAULT_REGION_CODE, newPosition, replaceHolderOf } from './org';
import { childSite, invitedHolder, positionsOf, sitesOf, type Tx } from './positions';

const applicationsOf = (ctx: RequestContext) => new Repository<ApplicationDoc>(ctx.db, 'applications');

/** The unit (by credit code) already has its site with a senior position. */
async function unitHasSenior(ctx: RequestContext, uscc: string): Promise<boolean> {
  return (await sitesOf(ctx.db).first({ uscc })) !== null;
}

export async function applySenior(
  params: OrgParams<'applySenior'>,
  ctx: RequestContext,
): Promise<OrgReplies['applySenior']> {
  const person = await requireCitizen(ctx);
  // API.md 2, v1.1: one of Jilin's regions as the project lists them (core/regions.ts)
  if (params.regionCode !== undefined && !isJilinRegion(params.regionCode))
    throw new DomainError('BAD_REQUEST', '地区代码不是吉林省的行政区划代码', { regionCode: 'format' });
  const uscc = checkUscc(params.uscc);
  if (!uscc.ok) throw new DomainError('USCC_INVALID', undefined, { uscc: uscc.problem });
  const holder = invitedHolder(ctx.ports.keys(), params.applicantName, params.applicantPhone);
  // a city's 政务服务局 is the province's own site (its senior is the city's application desk): no unit applies to be
  // one; its senior may still be replaced on application
  if (params.siteType === 'city_bureau' && params.replacesPositionId === undefined)
    throw new DomainError('BAD_REQUEST', '市政务服务局站点由省级直接开通，不受理申请', { siteType: 'enum' });
  if (params.replacesPositionId !== undefined) {
    // rule 10: replacing a senior takes a letter explaining why
    if (!params.letter)
      throw new DomainError('BAD_REQUEST', '更换高级扫码员须附说明原因的函件', { letter: 'required' });
    // a unit may ask to replace its own senior only: the position's site carries the unit's credit code
    const replaced = await positionsOf(ctx.db).get(params.replacesPositionId);
    const site = replaced ? await sitesOf(ctx.db).get(replaced.siteId) : null;
    if (!replaced || replaced.role !== 'senior' || site?.uscc !== uscc.value)
      throw new DomainError('FORBIDDEN');
  } else if (await unitHasSenior(ctx, uscc.value)) {
    // rule 9: one senior scanner per unit
    throw new DomainError('CONFLICT', '该单位已开通高级扫码员，如需更换请提交更换申请');
  }
  const application: ApplicationDoc = {
    _id: randomId(12),
    status: 'pending',
    unitName: params.unitName,
    uscc: uscc.value,
    siteType: params.siteType,
    address: params.address,
    location: { type: 'Point', coordinates: [params.location.longitude, params.location.latitude] },
    applicant: {
      openid: ctx.openid,
      personId: person._id,
      name: holder.name!,
      phone: holder.phone!,
      masked: holder.masked!,
    },
    letter: params.letter ?? null,
    replacesPositionId: params.replacesPositionId ?? null,
    regionCode: params.regionCode ?? DEFAULT_REGION_CODE,
    // the city bureau of the unit's city finds it by one of these (rule 14)
    regionPrefixes: regionPrefixes(params.regionCode ?? DEFAULT_REGION_CODE),
    createdAt: ctx.now,
    reviewedAt: null,
    reviewedBy: null,
    comment: null,
    result: null,
  };
  await applicationsOf(ctx).insert(application);
  return { applicationId: application._id };
}

/**
 * The acting position may deal with applications: the initiator (all of them), or (rule 14, API.md v1.1) the
 * senior of a `city_bureau` site (those of its site's region); anyone else is FORBIDDEN. For the city bureau, its
 * site and the region its applications are listed under.
 */
async function applicationDesk(
  ctx: RequestContext,
  actingPositionId: string,
): Promise<{ actor: PositionDoc; bureau: SiteDoc | null; region: string | null }> {
  const actor = await actingPosition(ctx, actingPositionId, ['initiator', 'senior']);
  if (actor.role === 'initiator') return { actor, bureau: null, region: null };
  const bureau = await sitesOf(ctx.db).get(actor.siteId);
  if (bureau?.type !== 'city_bureau') throw new DomainError('FORBIDDEN');
  return { actor, bureau, region: bureau.regionCode ?? DEFAULT_REGION_CODE };
}

export async function applications(
  params: OrgParams<'applications'>,
  ctx: RequestContext,
): Promise<OrgReplies['applications']> {
  const { region } = await applicationDesk(ctx, params.actingPositionId);
  const filter: Record<string, unknown> = {
    ...(region ? { regionPrefixes: regionPrefix(region) } : {}),
    ...(params.status ? { status: params.status } : {}),
  };
  const page = await pageNewestFirst<ApplicationDoc>(
    ctx,
    'org.applications',
    'applications',
    filter,
    'createdAt',
    params,
  );
  return {
    items: page.items.map((a) => ({
      applicationId: a._id,
      status: a.status,
      unitName: a.unitName,
      uscc: a.uscc,
      siteType: a.siteType,
      applicant: a.applicant.masked,
      ...(a.letter ? { letter: a.letter } : {}),
      ...(a.replacesPositionId ? { replacesPositionId: a.replacesPositionId } : {}),
      regionCode: a.regionCode ?? DEFAULT_REGION_CODE,
      ...(a.forwarded
        ? {
            forwarded: {
              at: a.forwarded.at.toISOString(),
              by: a.forwarded.by,
              comment: a.forwarded.comment ?? null,
            },
          }
        : {}),
      createdAt: a.createdAt.toISOString(),
    })),
    next: page.next,
  };
}

/**
 * API.md v1.1 `forwardApplication` (rule 14: 各市（州）政务服务局 collect their units' applications): the city
 * bureau's senior passes a pending application of its region on to the province (`forwarded`), or rejects it with
 * its comment. Read again inside the transaction: two decisions at once, one wins, the other is CONFLICT. Audited.
 */
export async function forwardApplication(
  params: OrgParams<'forwardApplication'>,
  ctx: RequestContext,
): Promise<OrgReplies['forwardApplication']> {
  const { actor, bureau, region } = await applicationDesk(ctx, params.actingPositionId);
  // the province reviews; forwarding is the city bureau's step
  if (bureau === null || region === null)
    throw new DomainError('FORBIDDEN', '由市政务服务局转报；省级请直接审核');
  const application = await applicationsOf(ctx).get(params.applicationId);
  if (!application) throw new DomainError('NOT_FOUND');
  if (!regionCovers(region, application.regionCode ?? DEFAULT_REGION_CODE))
    throw new DomainError('FORBIDDEN');
  if (application.applicant.openid === ctx.openid)
    throw new DomainError('FORBIDDEN', '不能转报本人提交的申请');
  // a letter asking to replace the bureau's own senior is not theirs to decide: the province reviews it directly
  if (application.replacesPositionId === actor._id)
    throw new DomainError('FORBIDDEN', '不能处理更换本人的申请');
  if (application.status !== 'pending') throw new DomainError('CONFLICT', '该申请已处理');
  const comment = params.comment ?? null;
  const status = params.approve ? 'forwarded' : 'rejected';
  const patch: Record<string, unknown> = params.approve
    ? {
        status,
        forwarded: ctx.db.command.set({ at: ctx.now, by: bureau.name, byPositionId: actor._id, comment }),
      }
    : { status, reviewedAt: ctx.now, reviewedBy: actor._id, comment };
  const row = auditRow(ctx, {
    action: 'org.forwardApplication',
    actorPositionId: actor._id,
    actorOpenid: ctx.openid,
    target: application._id,
    reason: comment,
    details: { approve: params.approve },
  });
  await ctx.db.runTransaction(async (tx: Tx) => {
    const { data } = await tx.collection('applications').doc(application._id).get();
    if ((data as unknown as ApplicationDoc).status !== 'pending')
      throw new DomainError('CONFLICT', '该申请已处理');
    await tx.collection('applications').doc(application._id).update({ data: patch });
    await tx.collection('audit').add({ data: row });
  });
  return { status };
}

export async function reviewApplication(
  params: OrgParams<'reviewApplication'>,
  ctx: RequestContext,
): Promise<OrgReplies['reviewApplication']> {
  const actor = await actingPosition(ctx, params.actingPositionId, ['initiator']);
  const application = await applicationsOf(ctx).get(params.applicationId);
  if (!application) throw new DomainError('NOT_FOUND');
  // nobody reviews their own application, not even the provincial office
  if (application.applicant.openid === ctx.openid)
    throw new DomainError('FORBIDDEN', '不能审核本人提交的申请');
  // API.md v1.1: the province reviews pending applications and those its city bureaus forwarded
  const reviewable = (status: ApplicationDoc['status']) => status === 'pending' || status === 'forwarded';
  if (!reviewable(application.status)) throw new DomainError('CONFLICT');
  const reviewed = {
    reviewedAt: ctx.now,
    reviewedBy: actor._id,
    comment: params.comment ?? null,
  };
  const holder = {
    openid: null,
    personId: null,
    name: application.applicant.name,
    phone: application.applicant.phone,
    masked: application.applicant.masked,
  };
  const row = auditRow(ctx, {
    action: 'org.reviewApplication',
    actorPositionId: actor._id,
    actorOpenid: ctx.openid,
    target: application._id,
    reason: params.comment ?? null,
    details: { approve: params.approve, replacement: Boolean(application.replacesPositionId) },
  });
  // the application is read again inside each transaction (two reviews at once: one wins, the other is
  // CONFLICT), and the review is audited in that same transaction
  const stillPending = async (tx: Tx) => {
    const { data } = await tx.collection('applications').doc(application._id).get();
    if (!reviewable((data as unknown as ApplicationDoc).status)) throw new DomainError('CONFLICT');
    await tx.collection('audit').add({ data: row });
  };

  let reply: OrgReplies['reviewApplication'];
  if (!params.approve) {
    await ctx.db.runTransaction(async (tx: Tx) => {
      await stillPending(tx);
      await tx
        .collection('applications')
        .doc(application._id)
        .update({ data: { status: 'rejected', ...reviewed } });
    });
    reply = {};
  } else if (application.replacesPositionId) {
    const position = await positionsOf(ctx.db).get(application.replacesPositionId);
    if (!position || position.role !== 'senior') throw new DomainError('CONFLICT');
    const site = (await sitesOf(ctx.db).get(position.siteId))!;
    const { code } = await replaceHolderOf(
      ctx,
      position._id,
      site.name,
      holder,
      [
        {
          collection: 'applications',
          id: application._id,
          patch: {
            status: 'approved',
            ...reviewed,
            result: ctx.db.command.set({ siteId: null, positionId: position._id }),
          },
        },
      ],
      stillPending,
    );
    reply = { positionId: position._id, inviteCode: code };
  } else {
    if (await unitHasSenior(ctx, application.uscc))
      throw new DomainError('CONFLICT', '该单位已开通高级扫码员');
    const actorSite = (await sitesOf(ctx.db).get(actor.siteId))!;
    const site: SiteDoc = childSite(actorSite, {
      name: application.unitName,
      type: application.siteType,
      address: application.address,
      location: application.location,
      radiusM: DEFAULT_SITE_RADIUS_M,
      regionCode: application.regionCode ?? DEFAULT_REGION_CODE,
      uscc: application.uscc,
      createdAt: ctx.now,
      createdBy: actor._id,
    });
    // the unit's one senior (API.md v1.1): its seniorOfSite key is the new site's, so no other can join it
    const { position, invite } = newPosition(ctx, actor as PositionDoc, site, 'senior', holder);
    const sms = smsMessage(ctx, holder.phone, position._id, 'position_created', {
      siteName: site.name,
      role: 'senior',
    });
    await ctx.db.runTransaction(async (tx: Tx) => {
      await stillPending(tx);
      await tx.collection('sites').add({ data: site });
      await tx.collection('positions').add({ data: position });
      await tx.collection('invites').add({ data: invite.doc });
      await tx.collection('sms_outbox').add({ data: sms });
      await tx
        .collection('applications')
        .doc(application._id)
        .update({
          data: {
            status: 'approved',
            ...reviewed,
            result: ctx.db.command.set({ siteId: site._id, positionId: position._id }),
          },
        });
    });
    await dispatchNow(ctx, [sms]);
    reply = { siteId: site._id, positionId: position._id, inviteCode: invite.code };
  }
  return reply;
}

/**
 * API.md v1.1 `myApplications`: the caller's own applications, newest first, with how far each has come
 * (forwarded by the city bureau, reviewed by the province). Any registered citizen; no actingPositionId.
 */
export async function myApplications(
  params: OrgParams<'myApplications'>,
  ctx: RequestContext,
): Promise<OrgReplies['myApplications']> {
  await requireCitizen(ctx);
  const page = await pageNewestFirst<ApplicationDoc>(
    ctx,
    'org.myApplications',
    'applications',
    { 'applicant.openid': ctx.openid },
    'createdAt',
    params,
  );
  return {
    items: page.items.map((a) => ({
      applicationId: a._id,
      status: a.status,
      unitName: a.unitName,
      createdAt: a.createdAt.toISOString(),
      ...(a.forwarded
        ? { forwarded: { at: a.forwarded.at.toISOString(), comment: a.forwarded.comment ?? null } }
        : {}),
      ...(a.reviewedAt && (a.status === 'approved' || a.status === 'rejected')
        ? {
            reviewed: {
              at: a.reviewedAt.toISOString(),
              approve: a.status === 'approved',
              comment: a.comment ?? null,
            },
          }
        : {}),
    })),
    next: page.next,
  };
}
