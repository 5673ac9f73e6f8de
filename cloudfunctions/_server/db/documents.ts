/**
 * The shapes of the stored documents (DESIGN.md section 2). Each issue adds the fields its rules need; dates are
 * stored as dates, coordinates as GeoJSON points (what db.Geo.Point serialises to).
 */
import type { DisableReason, PositionStatus, Role, SiteType } from '../../../miniprogram/core/org';
import type { Identified } from './repository';

export interface GeoPoint {
  type: 'Point';
  /** [longitude, latitude] */
  coordinates: [number, number];
}

export interface SiteDoc extends Identified {
  name: string;
  type: SiteType;
  address: string;
  location: GeoPoint;
  radiusM: number;
  parentSiteId: string | null;
  /** Every site above this one, root first: "everything below me" is one indexed query. */
  ancestors: string[];
  /** The unit's unified social credit code (GB 32100), when the site is a unit. */
  uscc: string | null;
  createdAt: Date;
  /** The position that created it; null for the root created at bootstrap. */
  createdBy: string | null;
}

export interface PositionHolder {
  openid: string | null;
  personId: string | null;
}

export interface PositionDoc extends Identified {
  role: Role;
  siteId: string;
  parentId: string | null;
  /** Every position above this one, root first. */
  ancestors: string[];
  holder: PositionHolder;
  status: PositionStatus;
  disabledReason: DisableReason | null;
  lastActiveAt: Date;
  createdAt: Date;
  updatedAt: Date;
}
