/**
 * Bootstrap (API.md 2.1): when no initiator exists, create the root site (省政务服务和数字化建设管理局) and the one
 * initiator position (rule 13), active and bound to the given openid. Fixed ids make it idempotent, also when two
 * starts race: the second insert meets the first one's document and changes nothing.
 */
import { PROVINCE_REGION, regionPrefixes } from '../../../miniprogram/core/regions';
import { Repository } from '../db/repository';
import type { AlertDoc, PositionDoc, SiteDoc } from '../db/documents';
import type { SystemContext } from '../router';

export const ROOT_SITE_ID = 'site-root';
export const INITIATOR_POSITION_ID = 'position-initiator';

/** 省政务服务和数字化建设管理局, 长春. */
const ROOT_SITE = {
  name: '吉林省政务服务和数字化建设管理局',
  address: '吉林省长春市南关区人民大街',
  location: { type: 'Point', coordinates: [125.3245, 43.8868] },
  radiusM: 1000,
} as const;

export interface BootstrapResult {
  created: boolean;
  siteId: string;
  positionId: string;
}

export async function bootstrapInitiator(ctx: SystemContext, openid: string): Promise<BootstrapResult> {
  const sites = new Repository<SiteDoc>(ctx.db, 'sites');
  const positions = new Repository<PositionDoc>(ctx.db, 'positions');
  const existing = await positions.get(INITIATOR_POSITION_ID);
  if (existing) {
    await fillLineage(ctx);
    await fillRegionCodes(ctx);
    return { created: false, siteId: existing.siteId, positionId: existing._id };
  }

  await sites.insertUnique({
    _id: ROOT_SITE_ID,
    name: ROOT_SITE.name,
    type: 'gov',
    address: ROOT_SITE.address,
    location: { type: 'Point', coordinates: [...ROOT_SITE.location.coordinates] },
    radiusM: ROOT_SITE.radiusM,
    parentSiteId: null,
    ancestors: [],
    lineage: [ROOT_SITE_ID],
    regionCode: PROVINCE_REGION,
    uscc: null,
    createdAt: ctx.now,
    createdBy: null,
  });
  const created = await positions.insertUnique({
    _id: INITIATOR_POSITION_ID,
    role: 'initiator',
    siteId: ROOT_SITE_ID,
    parentId: null,
    ancestors: [],
    holder: { openid, personId: null, name: null, phone: null, masked: null },
    currentInviteId: null,
    status: 'active',
    disabledReason: null,
    lastActiveAt: ctx.now,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
  return { created, siteId: ROOT_SITE_ID, positionId: INITIATOR_POSITION_ID };
}

/**
 * Sites written before v1.1 have no `lineage` (their ancestors and themselves, which org.sites queries): filled in
 * at the next start (the bootstrap task runs at every start of the local cloud); afterwards each start reads the
 * sites once and finds nothing to do.
 */
async function fillLineage(ctx: SystemContext): Promise<void> {
  const sites = new Repository<SiteDoc>(ctx.db, 'sites');
  const _ = ctx.db.command;
  for (let round = 0; round < 1000; round++) {
    const batch = await sites.find({ lineage: _.exists(false) }, { limit: 100 });
    for (const site of batch) await sites.update(site._id, { lineage: [...site.ancestors, site._id] });
    if (batch.length < 100) break;
  }
}

/**
 * Data written before regions (v1.1) is given the province at the next start: sites get `regionCode` `220000`
 * (correct for every site: the province covers them all; the README says how to narrow them), alerts the
 * province's prefix `22` and the status `open` (so that the province's agencies find and handle them, API.md v1.1).
 * Afterwards each start finds nothing to do, through the indexes.
 */
async function fillRegionCodes(ctx: SystemContext): Promise<void> {
  const sites = new Repository<SiteDoc>(ctx.db, 'sites');
  const alerts = new Repository<AlertDoc>(ctx.db, 'alerts');
  const _ = ctx.db.command;
  await sites.updateWhere({ regionCode: _.exists(false) }, { regionCode: PROVINCE_REGION });
  await alerts.updateWhere(
    { regionPrefixes: _.exists(false) },
    { regionPrefixes: _.set(regionPrefixes(PROVINCE_REGION)), status: 'open' },
  );
}
